using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Core.Results;
using Scheduler.Core.Staffing;

namespace Scheduler.Core.HomeVisits.Planning;

/// <summary>Whether a published visit was made.</summary>
public enum VisitOutcomeKind { Done, NotDone }

/// <summary>Why a visit was not made.</summary>
public enum NotDoneReason { NotHome, Refused, Other }

/// <summary>
/// What staff recorded about a published visit on its day: done, or not done with why (<see cref="Note"/> says more;
/// required for <see cref="NotDoneReason.Other"/>). Recorded once; <see cref="RecordedAt"/> is when, from the clock.
/// </summary>
public sealed record VisitOutcome(string CentreId, string RequestId, LocalDate Date, VisitOutcomeKind Outcome, NotDoneReason? Reason, string? Note,
    Instant RecordedAt, string RecordedBy)
{
    /// <summary>Whether <paramref name="other"/> says the same (a retry), whoever recorded it and when.</summary>
    public bool SaysTheSameAs(VisitOutcome other) => Outcome == other.Outcome && Reason == other.Reason && Note == other.Note;
}

/// <summary>What a member of staff says about a visit, as given.</summary>
public sealed record VisitOutcomeInput(VisitOutcomeKind? Outcome, NotDoneReason? Reason, string? Note);

/// <summary>Where visit outcomes are kept: one per request and day, the first standing.</summary>
public interface IVisitOutcomes
{
    /// <summary>Adds the outcome; false when the visit of that day has one already.</summary>
    Task<bool> AddAsync(VisitOutcome outcome, CancellationToken cancellationToken);

    Task<VisitOutcome?> GetAsync(string centreId, LocalDate date, string requestId, CancellationToken cancellationToken);

    /// <summary>Every outcome recorded for a centre's day.</summary>
    Task<IReadOnlyList<VisitOutcome>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken);
}

/// <summary>
/// Staff record whether a published visit was made (ADR 0016, addendum): the member of staff on its route, or a
/// dispatcher, on its day or after. <c>Done</c> asks the resident for a rating at once (under the evening batch's
/// key, so the batch does not ask again); <c>NotDone</c> means no rating is asked. One record per visit and day: the
/// same record again is a retry (nothing more happens), a different one is refused.
/// </summary>
public sealed class RecordVisitOutcome(IHomeVisitStore requests, IPlanRunStore runs, IVisitOutcomes outcomes, ICentreDirectory centres,
    HomeVisitNotifications notifications, AuditTrail audit, IClock clock)
{
    public const int MaxNote = 200;

    public async Task<Outcome<VisitOutcome>> RecordAsync(string centreId, string requestId, VisitOutcomeInput input, Caller caller, CancellationToken cancellationToken)
    {
        if (Validate(input) is { } invalid) return invalid;
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        var stored = await requests.GetAsync(centreId, requestId, cancellationToken);
        if (stored is null) return Problem.NotFound("id", ErrorCodes.UnknownRequest, "No such home-visit request.");
        var r = stored.Request;
        var now = clock.GetCurrentInstant();

        // The visit's day: the latest day of its windows, up to today, whose published plan holds it.
        var planned = await PlannedDaysAsync(r, cancellationToken);
        if (planned.Count == 0) return Problem.Conflict("id", ErrorCodes.VisitNotPublished, "The visit is in no published plan.");
        var day = planned.Where(p => Recordable(centre, p.Date)).OrderByDescending(p => p.Date).FirstOrDefault();
        if (day.Routes is null)
            return Problem.Conflict("id", ErrorCodes.VisitNotYet, $"The visit is planned for {planned.Min(p => p.Date):yyyy-MM-dd}; its outcome is recorded on that day or after.");
        if (!MayRecord(caller, day.Routes))
            return Problem.Forbidden("id", ErrorCodes.NotYourVisit, "Staff record the visits of their own route; a dispatcher records any.");

        var outcome = new VisitOutcome(centreId, r.Id, day.Date, input.Outcome!.Value, input.Reason, Clean(input.Note), now, caller.AuditName);
        var earlier = await outcomes.GetAsync(centreId, day.Date, r.Id, cancellationToken);
        if (earlier is null)
        {
            if (r.Status != HomeVisitStatus.Approved)
                return Problem.Conflict("id", ErrorCodes.NotApproved, $"The request is {r.Status}; only an approved visit has an outcome.");
            if (await outcomes.AddAsync(outcome, cancellationToken))
            {
                await audit.RecordAsync(centreId, caller, outcome.Outcome == VisitOutcomeKind.Done ? "home-visit.done" : "home-visit.not-done",
                    HomeVisitNotifications.Subject(r.Id), outcome.Reason is { } why ? $"{day.Date:yyyy-MM-dd} {why}" : $"{day.Date:yyyy-MM-dd}", cancellationToken);
                await AskForRatingAsync(outcome, r, day.Routes, cancellationToken);
                return Outcome<VisitOutcome>.Ok(outcome);
            }
            // Recorded by someone else at the same moment: theirs stands, and this is a retry of it or a contradiction.
            earlier = await outcomes.GetAsync(centreId, day.Date, r.Id, cancellationToken)
                      ?? throw new InvalidOperationException($"The outcome of '{r.Id}' was taken but cannot be read.");
        }
        if (!earlier.SaysTheSameAs(outcome))
            return Problem.Conflict("outcome", ErrorCodes.OutcomeRecorded,
                $"The visit was recorded {earlier.Outcome}{(earlier.Reason is { } reason ? $" ({reason})" : "")} already; ask a dispatcher to correct it.");
        // A retry: the rating request may not have gone out the first time; its key makes a second send a no-op.
        await AskForRatingAsync(earlier, r, day.Routes, cancellationToken);
        return Outcome<VisitOutcome>.Ok(earlier);
    }

    /// <summary>The outcomes recorded for a centre's day, by request id (the staff day page shows them beside the visits).</summary>
    /// <summary>Whether the visits of <paramref name="date"/> can be recorded yet: on their day or after, never before.</summary>
    public bool Recordable(CentreSnapshot centre, LocalDate date) => date <= centre.Calendar.Today(clock.GetCurrentInstant());

    public async Task<IReadOnlyDictionary<string, VisitOutcome>> DayAsync(string centreId, LocalDate date, CancellationToken cancellationToken) =>
        (await outcomes.ListDayAsync(centreId, date, cancellationToken)).ToDictionary(o => o.RequestId);

    private static Problem? Validate(VisitOutcomeInput input)
    {
        if (input.Outcome is not { } outcome || !Enum.IsDefined(outcome))
            return Problem.Invalid("outcome", ErrorCodes.InvalidOutcome, "outcome must be Done or NotDone.");
        if (input.Reason is { } given && !Enum.IsDefined(given))
            return Problem.Invalid("reason", ErrorCodes.InvalidOutcome, "reason must be NotHome, Refused or Other.");
        var note = Clean(input.Note);
        if (note is { Length: > MaxNote } || (note?.Any(char.IsControl) ?? false))
            return Problem.Invalid("note", ErrorCodes.ReasonTooLong, $"The note must be at most {MaxNote} characters without control characters.");
        if (outcome == VisitOutcomeKind.Done)
            return input.Reason is null && note is null ? null : Problem.Invalid("reason", ErrorCodes.InvalidOutcome, "A visit done has no reason or note.");
        if (input.Reason is null) return Problem.Invalid("reason", ErrorCodes.ReasonRequired, "Say why the visit was not made: NotHome, Refused or Other.");
        if (input.Reason == NotDoneReason.Other && note is null) return Problem.Invalid("note", ErrorCodes.NoteRequired, "With reason Other, say what happened in note.");
        return null;
    }

    private static string? Clean(string? note) => string.IsNullOrWhiteSpace(note) ? null : note.Trim();

    /// <summary>Whether the caller may record the visit: a dispatcher, or a member of staff on one of its routes (their staff id, or their sign-in's id).</summary>
    private static bool MayRecord(Caller caller, IReadOnlyList<StaffRoute> routes) =>
        caller is StaffCaller s && (s.IsInRole(Roles.Dispatcher)
                                    || routes.Any(route => string.Equals(route.StaffId, s.StaffId, StringComparison.Ordinal)
                                                           || string.Equals(route.StaffId, s.UserId, StringComparison.Ordinal)));

    /// <summary>The days of the request's windows whose published plan holds the visit, with the routes that reach it.</summary>
    private async Task<List<(LocalDate Date, IReadOnlyList<StaffRoute> Routes)>> PlannedDaysAsync(HomeVisitRequest r, CancellationToken cancellationToken)
    {
        var days = new List<(LocalDate, IReadOnlyList<StaffRoute>)>();
        foreach (var date in r.Windows.Select(w => w.Date).Distinct())
        {
            var plan = (await runs.PublishedAsync(r.CentreId, date, cancellationToken))?.Run.Plan;
            var routes = plan?.Routes.Where(route => route.Stops.Any(s => s.VisitId == r.Id)).ToList();
            if (routes is { Count: > 0 }) days.Add((date, routes));
        }
        return days;
    }

    /// <summary>
    /// A visit done asks for its rating now, under the key the evening batch uses (<c>{request}|rating|{date}</c>), so
    /// it is asked once whichever comes first. A failure here leaves the record standing: the evening batch asks for
    /// the day's visits done, and a retry of the record asks again.
    /// </summary>
    private async Task AskForRatingAsync(VisitOutcome outcome, HomeVisitRequest r, IReadOnlyList<StaffRoute> routes, CancellationToken cancellationToken)
    {
        if (outcome.Outcome != VisitOutcomeKind.Done) return;
        var start = routes.SelectMany(route => route.Stops).Where(s => s.VisitId == r.Id).Min(s => s.Start);
        try
        {
            await notifications.RatingRequestAsync(r, outcome.Date, start, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Left for the evening batch (today) or a retry of the record.
        }
    }
}
