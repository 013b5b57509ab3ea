using NodaTime;
using Scheduler.Core.Calendar;
using Scheduler.Core.Results;

namespace Scheduler.Core.Notifications;

/// <summary>A resident's rating (好差评) of one appointment or visit: 1 to 5 with an optional reason.</summary>
public sealed record Rating(string CentreId, string Subject, string CategoryId, string ItemId, int Score, string? Reason, string Channel, Instant At);

public enum FollowUpStatus { Open, Closed }

/// <summary>Why a follow-up was opened.</summary>
public static class FollowUpKinds
{
    /// <summary>A rating of 1 or 2.</summary>
    public const string Rating = "rating";

    /// <summary>A resident asked by SMS to move a home visit: a dispatcher calls them or plans the day again.</summary>
    public const string VisitChange = "visit-change";
}

/// <summary>
/// Something a dispatcher acts on by <see cref="Due"/> and closes with a note: a rating of 1 or 2, or a resident's
/// request to move a home visit (<see cref="Kind"/>; <see cref="Score"/> is 0 then). One open per subject and kind.
/// </summary>
public sealed record FollowUp(string CentreId, string Subject, int Score, string? Reason, Instant OpenedAt, Instant Due, FollowUpStatus Status, string? Note, string? ClosedBy,
    Instant? ClosedAt, string Kind = FollowUpKinds.Rating)
{
    public bool OverdueAt(Instant now) => Status == FollowUpStatus.Open && now > Due;
}

public interface IRatingStore
{
    /// <summary>Adds the rating; false when the subject was rated before (one rating each).</summary>
    Task<bool> AddAsync(Rating rating, CancellationToken cancellationToken);

    Task AddFollowUpAsync(FollowUp followUp, CancellationToken cancellationToken);

    /// <summary>The ratings given in [<paramref name="from"/>, <paramref name="to"/>): read by key, however many came before.</summary>
    Task<IReadOnlyList<Rating>> ListAsync(string centreId, Instant from, Instant to, CancellationToken cancellationToken);

    /// <summary>The open follow-ups, and those closed in [<paramref name="closedFrom"/>, <paramref name="closedTo"/>): read by key, however many were closed before.</summary>
    Task<IReadOnlyList<FollowUp>> ListFollowUpsAsync(string centreId, Instant closedFrom, Instant closedTo, CancellationToken cancellationToken);

    /// <summary>The follow-up of one subject and kind, open or closed, or null.</summary>
    Task<FollowUp?> GetFollowUpAsync(string centreId, string kind, string subject, CancellationToken cancellationToken);
}

public sealed record RatingGroup(string Key, int Count, double Average);

public sealed record RatingSummary(LocalDate From, LocalDate To, int Count, double Average, IReadOnlyList<RatingGroup> ByCategory, IReadOnlyList<RatingGroup> ByItem,
    int FollowUpsOpen, int FollowUpsClosed, int FollowUpsOverdue);

/// <summary>
/// Ratings: one per appointment or visit; a 1 or 2 opens a follow-up due in a number of working days (default 3)
/// by the centre's calendar; the summary counts and averages by category and item over local dates, and counts the follow-ups open now, closed in the period and overdue.
/// </summary>
public sealed class Ratings(IRatingStore store, Booking.ICentreDirectory centres, IClock clock, int followUpWorkingDays = 3, int visitChangeWorkingDays = 1)
{
    /// <summary>
    /// A resident asked by SMS to move a home visit: a follow-up for the dispatchers, due after
    /// <c>visitChangeWorkingDays</c> working days. Asking again while one is open returns that one.
    /// </summary>
    public async Task<FollowUp> RequestVisitChangeAsync(string centreId, string subject, string? reason, Instant at, CancellationToken cancellationToken)
    {
        if (await store.GetFollowUpAsync(centreId, FollowUpKinds.VisitChange, subject, cancellationToken) is { Status: FollowUpStatus.Open } open) return open;
        var calendar = (await centres.GetAsync(centreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{centreId}' is not known.")).Calendar;
        var followUp = new FollowUp(centreId, subject, 0, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(200, reason.Trim().Length)], at,
            DueAfterWorkingDays(calendar, at, visitChangeWorkingDays), FollowUpStatus.Open, null, null, null, FollowUpKinds.VisitChange);
        await store.AddFollowUpAsync(followUp, cancellationToken);
        return followUp;
    }

    public async Task<Outcome<Rating>> RecordAsync(Rating rating, CancellationToken cancellationToken)
    {
        if (rating.Score is < 1 or > 5) return Problem.Invalid("score", ErrorCodes.Missing, "A rating is 1 to 5.");
        if (!await store.AddAsync(rating, cancellationToken))
            return Problem.Conflict("subject", ErrorCodes.Duplicate, "This was rated already.");
        if (rating.Score <= 2)
        {
            var calendar = (await centres.GetAsync(rating.CentreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{rating.CentreId}' is not known.")).Calendar;
            await store.AddFollowUpAsync(new FollowUp(rating.CentreId, rating.Subject, rating.Score, rating.Reason, rating.At,
                DueAfterWorkingDays(calendar, rating.At, followUpWorkingDays), FollowUpStatus.Open, null, null, null), cancellationToken);
        }
        return Outcome<Rating>.Ok(rating);
    }

    public async Task<Outcome<RatingSummary>> SummaryAsync(string centreId, LocalDate? from, LocalDate? to, CancellationToken cancellationToken)
    {
        if (from is null || to is null) return Problem.Invalid(from is null ? "from" : "to", ErrorCodes.Missing, "from and to (yyyy-MM-dd) are required.");
        if (to < from) return Problem.Invalid("to", ErrorCodes.RangeReversed, "to is before from.");
        if (Period.Between(from.Value, to.Value, PeriodUnits.Days).Days > 366) return Problem.Invalid("to", ErrorCodes.RangeTooLong, "At most a year at a time.");
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        var calendar = centre.Calendar;
        var list = await store.ListAsync(centreId, calendar.ToInstant(from.Value.AtMidnight()), calendar.ToInstant(to.Value.PlusDays(1).AtMidnight()), cancellationToken);
        var followUps = (await store.ListFollowUpsAsync(centreId, calendar.ToInstant(from.Value.AtMidnight()), calendar.ToInstant(to.Value.PlusDays(1).AtMidnight()), cancellationToken))
            .Where(f => f.Kind == FollowUpKinds.Rating).ToList();
        var now = clock.GetCurrentInstant();
        static IReadOnlyList<RatingGroup> By(IEnumerable<Rating> rs, Func<Rating, string> key) =>
            rs.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new RatingGroup(g.Key, g.Count(), Math.Round(g.Average(r => r.Score), 2))).ToList();
        return Outcome<RatingSummary>.Ok(new RatingSummary(from.Value, to.Value, list.Count, list.Count == 0 ? 0 : Math.Round(list.Average(r => r.Score), 2),
            By(list, r => r.CategoryId), By(list, r => r.ItemId),
            followUps.Count(f => f.Status == FollowUpStatus.Open), followUps.Count(f => f.Status == FollowUpStatus.Closed), followUps.Count(f => f.OverdueAt(now))));
    }

    /// <summary>How far back the dispatchers' list shows closed follow-ups.</summary>
    public static readonly Duration ClosedShownFor = Duration.FromDays(30);

    /// <summary>A centre's open follow-ups and those closed in the last <see cref="ClosedShownFor"/>, open ones first and the most overdue first among them.</summary>
    public async Task<IReadOnlyList<FollowUp>> FollowUpsAsync(string centreId, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        return (await store.ListFollowUpsAsync(centreId, now - ClosedShownFor, now + Duration.FromMinutes(1), cancellationToken))
            .OrderBy(f => f.Status).ThenBy(f => f.Due).ToList();
    }

    /// <summary>A dispatcher closes a follow-up with what was done.</summary>
    public async Task<Outcome<FollowUp>> CloseAsync(string centreId, string? subject, string? note, Identity.Caller caller, CancellationToken cancellationToken,
        string? kind = null)
    {
        if (string.IsNullOrWhiteSpace(note) || note.Length > 500) return Problem.Invalid("note", ErrorCodes.ReasonRequired, "Say what was done (at most 500 characters).");
        kind ??= FollowUpKinds.Rating;
        var found = subject is null ? null : await store.GetFollowUpAsync(centreId, kind, subject, cancellationToken);
        if (found is null) return Problem.NotFound("subject", ErrorCodes.UnknownRequest, "No follow-up for this subject.");
        if (found.Status == FollowUpStatus.Closed) return Outcome<FollowUp>.Ok(found);
        var closed = found with { Status = FollowUpStatus.Closed, Note = note.Trim(), ClosedBy = caller.AuditName, ClosedAt = clock.GetCurrentInstant() };
        await store.AddFollowUpAsync(closed, cancellationToken);
        return Outcome<FollowUp>.Ok(closed);
    }

    /// <summary>The end of the <paramref name="days"/>-th working day after <paramref name="at"/>.</summary>
    public static Instant DueAfterWorkingDays(CentreCalendar calendar, Instant at, int days)
    {
        var date = calendar.Today(at);
        for (var n = 0; n < days;)
        {
            date = date.PlusDays(1);
            if (calendar.IsWorkingDay(date)) n++;
        }
        return calendar.ToInstant(date.PlusDays(1).AtMidnight());
    }
}
