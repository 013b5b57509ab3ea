using NodaTime;
using Scheduler.Core.Identity;

namespace Scheduler.Core.Booking;

/// <summary>The resident's signed link to see, move or cancel one appointment.</summary>
public sealed class ManageLinks(ResidentTokenService tokens, IClock clock)
{
    public const string Purpose = "manage";

    /// <summary>
    /// The manage link lives until the day after the last date the appointment could be moved to (today plus the
    /// horizon), so it still works after a reschedule to a later day.
    /// </summary>
    public string Issue(CentreSnapshot centre, Appointment a)
    {
        var now = clock.GetCurrentInstant();
        var last = centre.Calendar.Today(now).PlusDays(centre.Rules.HorizonDays + 1);
        var until = a.Date > last ? a.Date.PlusDays(1) : last;
        return tokens.Issue(a.CentreId, Subject(a.Id), Purpose, centre.Calendar.ToInstant(until + a.End) - now);
    }

    public static string Subject(string appointmentId) => $"appointment/{appointmentId}";

    /// <summary>Whether <paramref name="caller"/> holds the manage link of this appointment.</summary>
    public static bool Allows(Caller caller, string centreId, string appointmentId) =>
        caller is ResidentCaller r && r.Token.Purpose == Purpose && r.Token.CentreId == centreId && r.Token.Subject == Subject(appointmentId);
}
