using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;

namespace Scheduler.Core.HomeVisits.Planning;

/// <summary>How long the solver searches for one day's plan.</summary>
public sealed record PlanningSettings(Duration TimeLimit);

/// <summary>
/// Planning a day of home visits: a request queues a run (the caller answers 202 with its id), the queue's consumer
/// solves it within the time limit, the run is stored with its plan and KPIs, and only a plan the independent checker
/// passed can be published. Publishing tells residents their time by SMS; the previous published plan stays until
/// then. A day already published is planned again when one of its requests is approved or cancelled.
/// </summary>
public sealed class HomeVisitPlanning(
    IPlanRunStore runs, IPlanQueue queue, IDayPlanSolver solver, HomeVisitService requests, ICentreDirectory centres, Notifications.HomeVisitNotifications notifications,
    AuditTrail audit, IClock clock, PlanningSettings settings, IJointPlanning? joint = null)
{
    /// <summary>A queued run whose message may have been lost (the process stopped between the run and its message) after this long.</summary>
    public static readonly Duration LostMessageAfter = Duration.FromMinutes(15);

    /// <summary>The id of a day's nightly run: one per centre and date, however often the timer fires.</summary>
    public static string NightlyId(LocalDate date) => $"{date:yyyyMMdd}-nightly";

    public Task<Outcome<PlanRun>> RequestAsync(string centreId, LocalDate date, Caller caller, CancellationToken cancellationToken) =>
        RequestAsync(centreId, date, null, caller, cancellationToken);

    /// <summary>
    /// Queues a run for the day. With <paramref name="runId"/> (the nightly run) it is idempotent: a run of that id
    /// already there is returned as it is, and its message sent again only if it is still queued long after it was
    /// asked for (the message was lost); a dispatcher's request gets a fresh id each time.
    /// </summary>
    private async Task<Outcome<PlanRun>> RequestAsync(string centreId, LocalDate date, string? runId, Caller caller, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        var now = clock.GetCurrentInstant();
        var today = centre.Calendar.Today(now);
        if (date < today) return Problem.Invalid("date", ErrorCodes.InThePast, "That day has passed.");
        if (date > today.PlusDays(requests.Shifts.HorizonDays)) return Problem.Invalid("date", ErrorCodes.BeyondHorizon, $"Plans are made at most {requests.Shifts.HorizonDays} days ahead.");
        if (!centre.Calendar.IsWorkingDay(date) || !centre.Profile.Staff.Any(s => s.MakesHomeVisits))
            return Problem.Invalid("date", ErrorCodes.NoStaffOnDuty, $"No home-visit staff work on {date:yyyy-MM-dd}.");
        var run = new PlanRun(runId ?? Ids.New($"{date:yyyyMMdd}-", 6), centreId, date, PlanRunStatus.Queued, now, caller.AuditName, null, null, null, [], null, null);
        if (!await runs.AddAsync(run, cancellationToken))
        {
            var existing = await runs.GetAsync(centreId, run.Id, cancellationToken);
            if (existing is null) return Problem.Conflict("date", ErrorCodes.Busy, "The run was just replaced; try again.");
            if (existing.Run.Status == PlanRunStatus.Queued && now - existing.Run.RequestedAt >= LostMessageAfter)
                await queue.EnqueueAsync(new PlanRequested(PlanRequested.TypeName, PlanRequested.CurrentVersion, centreId, run.Id), cancellationToken);
            return Outcome<PlanRun>.Ok(existing.Run);
        }
        await queue.EnqueueAsync(new PlanRequested(PlanRequested.TypeName, PlanRequested.CurrentVersion, centreId, run.Id), cancellationToken);
        await audit.RecordAsync(centreId, caller, "plan.requested", $"plan/{run.Id}", $"{date:yyyy-MM-dd}", cancellationToken);
        return Outcome<PlanRun>.Ok(run);
    }

    /// <summary>The nightly run: the next working day, if home-visit staff work then.</summary>
    public async Task<Outcome<PlanRun>?> PlanNextWorkingDayAsync(string centreId, Caller caller, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        var tomorrow = centre.Calendar.Today(clock.GetCurrentInstant()).PlusDays(1);
        return centre.Calendar.IsWorkingDay(tomorrow) ? await RequestAsync(centreId, tomorrow, NightlyId(tomorrow), caller, cancellationToken) : (Outcome<PlanRun>?)null;
    }

    /// <summary>
    /// The city's nightly run: the next working day of every centre, one run and one queue message per centre and
    /// date (idempotent: the timer firing twice, or on two instances, queues each once). A centre's refusal (no
    /// home-visit staff, unknown) is reported for it and does not stop the others.
    /// </summary>
    public async Task<IReadOnlyList<(string CentreId, Outcome<PlanRun>? Outcome)>> PlanCityNextWorkingDayAsync(IReadOnlyList<string> centreIds, Caller caller, CancellationToken cancellationToken)
    {
        var result = new List<(string, Outcome<PlanRun>?)>();
        foreach (var centreId in centreIds)
            result.Add((centreId, await PlanNextWorkingDayAsync(centreId, caller, cancellationToken)));
        return result;
    }

    public async Task<Outcome<PlanRun>> GetAsync(string centreId, string planId, CancellationToken cancellationToken) =>
        await runs.GetAsync(centreId, planId, cancellationToken) is { } found
            ? Outcome<PlanRun>.Ok(found.Run)
            : Problem.NotFound("id", ErrorCodes.UnknownPlan, "No such plan.");

    /// <summary>
    /// Solves a queued run and returns it finished (solved or failed, with why), or null when there was nothing to do:
    /// a redelivered message for a run already finished, or one another consumer took.
    /// </summary>
    public async Task<PlanRun?> SolveAsync(PlanRequested message, CancellationToken cancellationToken)
    {
        var found = await runs.GetAsync(message.CentreId, message.PlanId, cancellationToken) ?? throw new InvalidDataException($"Plan run '{message.PlanId}' does not exist.");
        if (found.Run.Status is not (PlanRunStatus.Queued or PlanRunStatus.Solving)) return null;
        var solving = found.Run with { Status = PlanRunStatus.Solving };
        if (!await runs.ReplaceAsync(solving, found.ETag, cancellationToken)) return null;
        var started = clock.GetCurrentInstant();
        PlanRun finished;
        try
        {
            var centre = await centres.GetAsync(message.CentreId, cancellationToken) ?? throw new InvalidDataException("The centre has no profile.");
            var ofTheDay = await requests.ListForDateAsync(message.CentreId, solving.Date, cancellationToken);
            // An approved visit whose home has no place yet cannot be routed: it is left out, with that reason, and the
            // rest of the day is planned; once a dispatcher sets the place, the next run takes it in.
            var pending = ofTheDay.Where(r => r.Status == HomeVisitStatus.Approved && r.LocationPending()).ToList();
            var approved = ofTheDay.Where(r => !r.LocationPending()).ToList();
            var published = (await runs.PublishedAsync(message.CentreId, solving.Date, cancellationToken))?.Run.Plan;
            var (jointly, note) = await JointlyAsync(centre, solving.Date, approved, published, cancellationToken);
            var result = WithPending(jointly ?? await solver.SolveAsync(centre, solving.Date, approved, requests.Shifts, published, settings.TimeLimit, cancellationToken), pending);
            var now = clock.GetCurrentInstant();
            var seconds = (now - started).TotalSeconds;
            var search = note is null ? result.Search : string.Join("; ", new[] { result.Search, note }.Where(x => !string.IsNullOrEmpty(x)));
            finished = result.Publishable
                ? solving with { Status = PlanRunStatus.Solved, Plan = result.Plan, FinishedAt = now, SolveSeconds = seconds, FirstSolutionSeconds = result.FirstSolutionSeconds, Search = search,
                    SearchDetails = result.SearchDetails }
                : solving with { Status = PlanRunStatus.Failed, FinishedAt = now, SolveSeconds = seconds, Plan = result.Plan, Failure = result.Failure,
                    Violations = result.Violations, Search = search, SearchDetails = result.SearchDetails };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            finished = solving with { Status = PlanRunStatus.Failed, FinishedAt = clock.GetCurrentInstant(), Failure = $"{e.GetType().Name}: {e.Message}" };
        }
        var current = await runs.GetAsync(message.CentreId, message.PlanId, cancellationToken);
        // Another consumer of a redelivered message may have finished the run meanwhile: its result stands.
        return current is not null && current.Run.Status == PlanRunStatus.Solving && await runs.ReplaceAsync(finished, current.ETag, cancellationToken) ? finished : null;
    }

    /// <summary>The visits left out because their home has no place yet, added to the plan's left-out visits and its count.</summary>
    private static DayPlanOutcome WithPending(DayPlanOutcome outcome, IReadOnlyList<HomeVisitRequest> pending)
    {
        if (pending.Count == 0 || outcome.Plan is not { } plan) return outcome;
        var left = pending.Where(r => plan.Dropped.All(d => d.VisitId != r.Id)).Select(r => new DroppedVisit(r.Id, DropReason.LocationPending,
            "The home's place is not set yet (位置待定): set it on the dispatcher page from the address, then plan the day again.")).ToList();
        return outcome with { Plan = plan with { Dropped = [.. plan.Dropped, .. left], Kpis = plan.Kpis with { Dropped = plan.Kpis.Dropped + left.Count } } };
    }

    /// <summary>
    /// The day planned together with the hall's roster (ADR 0020), and the line that says how; (null, null) when the
    /// centre does not plan jointly. A joint planning that fails leaves the day to the plain solve, and the line says why.
    /// </summary>
    private async Task<(DayPlanOutcome? Outcome, string? Note)> JointlyAsync(CentreSnapshot centre, LocalDate date, IReadOnlyList<HomeVisitRequest> approved,
        HomeVisitPlan? published, CancellationToken cancellationToken)
    {
        if (joint is null) return (null, null);
        try
        {
            var outcome = await joint.PlanAsync(centre, date, requests.Shifts, settings.TimeLimit,
                (prices, limit) => solver.SolveAsync(centre, date, approved, requests.Shifts, published, limit, cancellationToken, prices), cancellationToken);
            return (outcome?.Outcome, outcome?.Summary);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, $"planned without the hall's roster ({e.GetType().Name}: {e.Message})");
        }
    }

    public async Task<Outcome<PlanRun>> PublishAsync(string centreId, string planId, Caller caller, CancellationToken cancellationToken)
    {
        var found = await runs.GetAsync(centreId, planId, cancellationToken);
        if (found is null) return Problem.NotFound("id", ErrorCodes.UnknownPlan, "No such plan.");
        var run = found.Run;
        if (run.Status == PlanRunStatus.Published)
        {
            // A retry after a failure part-way through the messages: send again; the outbox drops what was sent.
            await TellResidentsAsync(centreId, run, cancellationToken);
            return Outcome<PlanRun>.Ok(run);
        }
        if (run.Status != PlanRunStatus.Solved || run.Plan is null)
            return Problem.Conflict("id", ErrorCodes.NotPublishable, $"The plan is {run.Status}; only a solved plan that passed the checker can be published.");
        var previous = await runs.PublishedAsync(centreId, run.Date, cancellationToken);
        if (!await runs.PublishAsync(found, previous, clock.GetCurrentInstant(), cancellationToken))
            return Problem.Conflict("id", ErrorCodes.Busy, "Another plan was published at the same time; reload and try again.");
        await audit.RecordAsync(centreId, caller, "plan.published", $"plan/{planId}", $"{run.Plan.Kpis.Served} visits", cancellationToken);
        await TellResidentsAsync(centreId, run, cancellationToken);
        return Outcome<PlanRun>.Ok(run with { Status = PlanRunStatus.Published });
    }

    /// <summary>Days of <paramref name="changed"/> that already have a published plan are planned again, around the visits residents were told.</summary>
    public async Task ReplanPublishedDaysAsync(string centreId, HomeVisitRequest changed, Caller caller, CancellationToken cancellationToken)
    {
        foreach (var date in changed.Windows.Select(w => w.Date).Distinct())
            if (await runs.PublishedAsync(centreId, date, cancellationToken) is not null)
                await RequestAsync(centreId, date, caller, cancellationToken);
    }

    /// <summary>
    /// Sends what home-visit changes stored before the sweep age still owe their residents (ADR 0016, addendum): the
    /// requests' messages (received, decisions, cancellations), then the visit times of plans published today or later
    /// whose residents were not all told (the process stopped, or the outbox failed, after the publish). A plan
    /// superseded since tells nothing: the plan that replaced it tells its own. How many were sent, and how many
    /// failed again and stay owed for the next sweep.
    /// </summary>
    public async Task<(int Sent, int Failed)> SweepMessagesAsync(string centreId, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var before = now - OwedVisitMessage.SweepAge;
        var (sent, failed) = await requests.SweepMessagesAsync(centreId, before, cancellationToken);
        var centre = await centres.GetAsync(centreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{centreId}' is not known.");
        var today = centre.Calendar.Today(now);
        foreach (var (run, at) in await runs.UntoldAsync(centreId, today, today.PlusDays(requests.Shifts.HorizonDays), cancellationToken))
        {
            if (at > before) continue;
            if (run.Status != PlanRunStatus.Published)
            {
                await runs.ResidentsToldAsync(run, cancellationToken);
                continue;
            }
            if (await TellResidentsAsync(centreId, run, cancellationToken)) sent++;
            else failed++;
        }
        return (sent, failed);
    }

    /// <summary>
    /// Tells the residents of a published plan their time (<see cref="NotifyResidentsAsync"/>), then marks the plan told.
    /// A failure leaves it untold for the sweep (the publish stands); false then.
    /// </summary>
    private async Task<bool> TellResidentsAsync(string centreId, PlanRun run, CancellationToken cancellationToken)
    {
        try
        {
            await NotifyResidentsAsync(centreId, run, cancellationToken);
            await runs.ResidentsToldAsync(run, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Tells each resident of the plan their time, once: only requests still approved (one cancelled since the run is skipped).</summary>
    private async Task NotifyResidentsAsync(string centreId, PlanRun run, CancellationToken cancellationToken)
    {
        var approved = (await requests.ListForDateAsync(centreId, run.Date, cancellationToken)).Where(r => r.Status == HomeVisitStatus.Approved).ToDictionary(r => r.Id);
        foreach (var visit in run.Plan!.Routes.SelectMany(r => r.Stops).GroupBy(s => s.VisitId))
        {
            if (!approved.TryGetValue(visit.Key, out var request)) continue;
            var start = visit.First().Start;
            await notifications.VisitTimeAsync(request, run.Date, start, cancellationToken);
        }
    }
}
