using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;
using Scheduler.Functions.Infrastructure;
using Scheduler.Functions.Storage;
using Scheduler.Optimization.Planning;

namespace Scheduler.Functions.HomeVisits;

public enum PlanRunStatus { Queued, Solving, Solved, Failed, Published, Superseded }

/// <summary>One run of the planner for one day: what was asked, how it went, and the plan when there is one.</summary>
public sealed record PlanRun(
    string Id, string CentreId, LocalDate Date, PlanRunStatus Status, Instant RequestedAt, string RequestedBy,
    Instant? FinishedAt, string? Failure, HomeVisitPlan? Plan, IReadOnlyList<string> Violations, double? SolveSeconds, double? FirstSolutionSeconds);

/// <summary>The message on <c>plan-requests</c>.</summary>
public sealed record PlanRequested(string Type, int Version, string CentreId, string PlanId);

/// <summary>Settings under <c>Planning</c>.</summary>
public sealed class PlanningOptions
{
    public const string Section = "Planning";

    /// <summary>How long the solver may search for one day's plan, in seconds.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 600)]
    public int TimeLimitSeconds { get; set; } = 20;

    /// <summary>Map tiles for the dispatcher's page (a URL template with {z}/{x}/{y}); empty draws routes without tiles.</summary>
    public string TileUrl { get; set; } = "";
}

/// <summary>
/// Planning a day of home visits: a request queues a run (202 and an id), the queue function solves it within the
/// time limit, the run is stored with its plan and KPIs, and only a plan the independent checker passed can be
/// published. Publishing tells residents their time by SMS; the previous published plan stays until then.
/// </summary>
public sealed class PlanningService(
    StorageClients storage, HomeVisitService requests, ICentreDirectory centres, ITravelTimeProvider travel, ISmsSender sms,
    AuditTrail audit, IClock clock, Microsoft.Extensions.Options.IOptions<PlanningOptions> options, ILogger<PlanningService> logger)
{
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.PlansTable);
    private readonly QueueClient _queue = storage.Queues.GetQueueClient(StorageNames.PlanRequestsQueue);

    private static string Partition(string centreId, LocalDate date) => $"{centreId}|{date:yyyyMMdd}";

    public async Task<Outcome<PlanRun>> RequestAsync(string centreId, LocalDate date, Caller caller, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.NotFound("centre", ErrorCodes.UnknownCentre, $"Centre '{centreId}' is not known.");
        var today = centre.Calendar.Today(clock.GetCurrentInstant());
        if (date < today) return Problem.Invalid("date", ErrorCodes.InThePast, "That day has passed.");
        if (date > today.PlusDays(requests.Shifts.HorizonDays)) return Problem.Invalid("date", ErrorCodes.BeyondHorizon, $"Plans are made at most {requests.Shifts.HorizonDays} days ahead.");
        if (!centre.Calendar.IsWorkingDay(date) || !centre.Profile.Staff.Any(s => s.MakesHomeVisits))
            return Problem.Invalid("date", ErrorCodes.NoStaffOnDuty, $"No home-visit staff work on {date:yyyy-MM-dd}.");
        var run = new PlanRun($"{date:yyyyMMdd}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}", centreId, date, PlanRunStatus.Queued,
            clock.GetCurrentInstant(), caller.AuditName, null, null, null, [], null, null);
        await _table.AddEntityAsync(Entity(run), cancellationToken);
        await _queue.SendMessageAsync(JsonSerializer.Serialize(new PlanRequested("plan.requested", 1, centreId, run.Id), Json.Options), cancellationToken);
        await audit.RecordAsync(centreId, caller, "plan.requested", $"plan/{run.Id}", $"{date:yyyy-MM-dd}", cancellationToken);
        return Outcome<PlanRun>.Ok(run);
    }

    public async Task<(PlanRun Run, ETag ETag)?> GetAsync(string centreId, string planId, CancellationToken cancellationToken)
    {
        if (!TryDate(planId, out var date)) return null;
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, date), $"run|{planId}", cancellationToken: cancellationToken);
        return found.HasValue ? (JsonSerializer.Deserialize<PlanRun>(found.Value!.GetString("Json"), Json.Options)!, found.Value.ETag) : null;
    }

    public async Task<PlanRun?> PublishedAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var pointer = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, date), "published", cancellationToken: cancellationToken);
        return pointer.HasValue ? (await GetAsync(centreId, pointer.Value!.GetString("PlanId"), cancellationToken))?.Run : null;
    }

    /// <summary>Solves a queued run. A redelivered message for a run already finished does nothing.</summary>
    public async Task SolveAsync(PlanRequested message, CancellationToken cancellationToken)
    {
        var found = await GetAsync(message.CentreId, message.PlanId, cancellationToken) ?? throw new InvalidDataException($"Plan run '{message.PlanId}' does not exist.");
        if (found.Run.Status is not (PlanRunStatus.Queued or PlanRunStatus.Solving)) return;
        var solving = found.Run with { Status = PlanRunStatus.Solving };
        await _table.UpdateEntityAsync(Entity(solving), found.ETag, TableUpdateMode.Replace, cancellationToken);
        var started = clock.GetCurrentInstant();
        PlanRun finished;
        try
        {
            var centre = await centres.GetAsync(message.CentreId, cancellationToken) ?? throw new InvalidDataException("The centre has no profile.");
            var approved = await requests.ListAsync(message.CentreId, cancellationToken);
            var published = (await PublishedAsync(message.CentreId, solving.Date, cancellationToken))?.Plan;
            var request = DayPlanner.BuildRequest(centre.Profile, solving.Date, approved, requests.Shifts, published);
            var result = await DayPlanner.SolveAsync(request, travel, Duration.FromSeconds(options.Value.TimeLimitSeconds), cancellationToken);
            var seconds = (clock.GetCurrentInstant() - started).TotalSeconds;
            finished = result.Publishable
                ? solving with { Status = PlanRunStatus.Solved, Plan = result.Plan, FinishedAt = clock.GetCurrentInstant(), SolveSeconds = seconds,
                    FirstSolutionSeconds = result.Statistics?.FirstSolutionAfter?.TotalSeconds }
                : solving with { Status = PlanRunStatus.Failed, FinishedAt = clock.GetCurrentInstant(), SolveSeconds = seconds, Plan = result.Plan,
                    Failure = $"{result.Status}: {string.Join("; ", result.Problems.Take(5))}", Violations = result.Violations.Select(v => v.Message).ToList() };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError("Plan run {PlanId} failed: {Error}", message.PlanId, e.Message);
            finished = solving with { Status = PlanRunStatus.Failed, FinishedAt = clock.GetCurrentInstant(), Failure = e.Message };
        }
        await _table.UpsertEntityAsync(Entity(finished), TableUpdateMode.Replace, cancellationToken);
        logger.LogInformation("Plan run {PlanId}: {Status}, {Served} served, {Dropped} dropped", finished.Id, finished.Status,
            finished.Plan?.Kpis.Served ?? 0, finished.Plan?.Kpis.Dropped ?? 0);
    }

    public async Task<Outcome<PlanRun>> PublishAsync(string centreId, string planId, Caller caller, CancellationToken cancellationToken)
    {
        var found = await GetAsync(centreId, planId, cancellationToken);
        if (found is null) return Problem.NotFound("id", ErrorCodes.UnknownPlan, "No such plan.");
        var run = found.Value.Run;
        if (run.Status == PlanRunStatus.Published)
        {
            // A retry after a failure part-way through the messages: send again; the outbox drops what was sent.
            await NotifyResidentsAsync(centreId, run, cancellationToken);
            return Outcome<PlanRun>.Ok(run);
        }
        if (run.Status != PlanRunStatus.Solved || run.Plan is null)
            return Problem.Conflict("id", ErrorCodes.NotPublishable, $"The plan is {run.Status}; only a solved plan that passed the checker can be published.");
        var pk = Partition(centreId, run.Date);
        var pointer = await _table.GetEntityIfExistsAsync<TableEntity>(pk, "published", cancellationToken: cancellationToken);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, Entity(run with { Status = PlanRunStatus.Published }), found.Value.ETag),
            pointer.HasValue
                ? new(TableTransactionActionType.UpdateReplace, new TableEntity(pk, "published") { ["PlanId"] = planId }, pointer.Value!.ETag)
                : new(TableTransactionActionType.Add, new TableEntity(pk, "published") { ["PlanId"] = planId }),
        };
        if (pointer.HasValue && await GetAsync(centreId, pointer.Value!.GetString("PlanId"), cancellationToken) is { } previous)
            actions.Add(new(TableTransactionActionType.UpdateReplace, Entity(previous.Run with { Status = PlanRunStatus.Superseded }), previous.ETag));
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            return Problem.Conflict("id", ErrorCodes.Busy, "Another plan was published at the same time; reload and try again.");
        }
        await audit.RecordAsync(centreId, caller, "plan.published", $"plan/{planId}", $"{run.Plan.Kpis.Served} visits", cancellationToken);
        await NotifyResidentsAsync(centreId, run, cancellationToken);
        return Outcome<PlanRun>.Ok(run with { Status = PlanRunStatus.Published });
    }

    /// <summary>Tells each resident of the plan their time, once: only requests still approved (one cancelled since the run is skipped).</summary>
    private async Task NotifyResidentsAsync(string centreId, PlanRun run, CancellationToken cancellationToken)
    {
        var approved = (await requests.ListAsync(centreId, cancellationToken)).Where(r => r.Status == HomeVisitStatus.Approved).ToDictionary(r => r.Id);
        foreach (var visit in run.Plan!.Routes.SelectMany(r => r.Stops).GroupBy(s => s.VisitId))
        {
            if (!approved.TryGetValue(visit.Key, out var request)) continue;
            var start = visit.First().Start;
            await sms.SendAsync(new SmsMessage($"{visit.Key}|{run.Date:yyyyMMdd}|{start:HHmm}", request.Mobile,
                $"【政务服务中心】{request.ResidentName}您好，工作人员将于{run.Date.Month}月{run.Date.Day}日{start:HH:mm}左右上门办理，请在家等候。"), cancellationToken);
        }
    }

    private static bool TryDate(string planId, out LocalDate date)
    {
        date = default;
        var parsed = NodaTime.Text.LocalDatePattern.CreateWithInvariantCulture("yyyyMMdd").Parse(planId.Length >= 8 ? planId[..8] : "");
        if (!parsed.Success || planId.Length > 40) return false;
        date = parsed.Value;
        return true;
    }

    private static TableEntity Entity(PlanRun run) => new(Partition(run.CentreId, run.Date), $"run|{run.Id}")
    {
        ["Json"] = JsonSerializer.Serialize(run, Json.Options),
        ["Status"] = run.Status.ToString(),
    };
}
