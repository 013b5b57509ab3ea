using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;

namespace Scheduler.Core.Notifications;

/// <summary>
/// A home visit as its rating page shows it: the request and the day (and planned start, if a published plan has one)
/// it was made, and what staff recorded about it that day, if anything.
/// </summary>
public sealed record RatedVisit(HomeVisitRequest Request, LocalDate Date, LocalTime? Start, VisitOutcome? Outcome = null);

/// <summary>
/// Rating a home visit from the link in its rating request (the reply path is <see cref="HandleInboundSms"/>): the
/// short link (<see cref="ShortLinks.VisitRating"/>) opens the rating page with a signed token for
/// <c>home-visit/{id}</c> of purpose <see cref="Purpose"/>, valid as long as a reply is (<see cref="NotificationSettings.RatingFor"/>).
/// The rating is recorded as a reply's is: category <c>home-visit</c>, the visit's item, one per visit, a 1 or 2
/// opens a follow-up. A visit staff recorded done can be rated, one recorded not done cannot; without a record, a
/// visit still approved can (a cancelled or rejected request had none).
/// </summary>
public sealed class VisitRatings(ResidentTokenService tokens, IHomeVisitStore requests, IPlanRunStore runs, ICentreDirectory centres, Ratings ratings,
    IVisitOutcomes outcomes, NotificationSettings settings, IClock clock)
{
    public const string Purpose = "rate-visit";

    /// <summary>A fresh token for the visit's rating page, or null when the request does not exist.</summary>
    public async Task<string?> IssueAsync(string centreId, string requestId, CancellationToken cancellationToken) =>
        await requests.GetAsync(centreId, requestId, cancellationToken) is null
            ? null
            : tokens.Issue(centreId, HomeVisitNotifications.Subject(requestId), Purpose, settings.RatingFor);

    /// <summary>Whether the caller holds a visit-rating link of the centre.</summary>
    public static bool IsVisitLink(Caller? caller, string centreId) =>
        caller is ResidentCaller { Token: { Purpose: Purpose } t } && t.CentreId == centreId && t.Subject.StartsWith("home-visit/", StringComparison.Ordinal);

    /// <summary>
    /// The visit a link names: the request, and its day (the latest of its windows' days that has come and whose
    /// published plan holds the visit; else the latest that has come, else the first) with the start that plan gave
    /// it and the outcome staff recorded for it that day. Null when the request is gone.
    /// </summary>
    public async Task<RatedVisit?> FindAsync(ResidentToken token, CancellationToken cancellationToken)
    {
        var stored = await requests.GetAsync(token.CentreId, token.Subject["home-visit/".Length..], cancellationToken);
        if (stored is null) return null;
        var r = stored.Request;
        var centre = await centres.GetAsync(r.CentreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{r.CentreId}' is not known.");
        var today = centre.Calendar.Today(clock.GetCurrentInstant());
        var days = r.Windows.Select(w => w.Date).Distinct().OrderBy(d => d).ToList();
        var day = days.LastOrDefault(d => d <= today, days[0]);
        LocalTime? start = null;
        foreach (var d in days.Where(d => d <= today).Reverse())
        {
            var plan = (await runs.PublishedAsync(r.CentreId, d, cancellationToken))?.Run.Plan;
            var stops = plan?.Routes.SelectMany(s => s.Stops).Where(s => s.VisitId == r.Id).ToList();
            if (stops is not { Count: > 0 }) continue;
            (day, start) = (d, stops.Min(s => s.Start));
            break;
        }
        return new RatedVisit(r, day, start, await outcomes.GetAsync(r.CentreId, day, r.Id, cancellationToken));
    }

    /// <summary>Whether the visit can be rated: recorded done; or, with no record, still approved. A visit recorded not done cannot.</summary>
    public static bool IsRateable(RatedVisit v) => v.Outcome is { } recorded
        ? recorded.Outcome == VisitOutcomeKind.Done
        : v.Request.Status == HomeVisitStatus.Approved;

    /// <summary>Records the resident's rating of the visit (from the page: channel <c>web</c>).</summary>
    public Task<Outcome<Rating>> RateAsync(RatedVisit v, int score, string? reason, CancellationToken cancellationToken)
    {
        var r = v.Request;
        if (!IsRateable(v))
            return Task.FromResult<Outcome<Rating>>(Problem.Conflict("id", ErrorCodes.NotApproved, v.Outcome is { Outcome: VisitOutcomeKind.NotDone }
                ? "A home visit that was not made cannot be rated."
                : $"A home visit that is {r.Status} cannot be rated."));
        var why = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(200, reason.Trim().Length)];
        return ratings.RecordAsync(new Rating(r.CentreId, HomeVisitNotifications.Subject(r.Id), HandleInboundSms.HomeVisitCategory, r.ItemId, score, why, "web",
            clock.GetCurrentInstant()), cancellationToken);
    }
}
