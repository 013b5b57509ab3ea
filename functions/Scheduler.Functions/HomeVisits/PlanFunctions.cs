using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Microsoft.Extensions.Logging;
using Scheduler.Core.Identity;
using Scheduler.Core.Operations;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.HomeVisits;

public sealed record PlanAccepted(string Id, PlanRunStatus Status, string StatusUrl);

/// <summary>Planning days of home visits: request a run, follow it, publish it; the nightly timer plans tomorrow.</summary>
public sealed class PlanFunctions(HomeVisitPlanning planning, StaffScheduleQuery schedules, PoisonWatch poison,
    Scheduler.Core.Booking.ICentreList centreList, ILogger<PlanFunctions> logger)
{

    [RequireRole(Roles.Dispatcher)]
    [Function("RequestPlan")]
    [ApiOperation("Plan a day of home visits: answers at once with the run's id; the plan is solved in the background.", Tag = "dispatch",
        RequestBody = typeof(PlanBody), Access = "dispatchers")]
    [ApiResponse(202, "Queued.", Type = typeof(PlanAccepted))]
    [ApiResponse(400, "No date, a past date, or a day with no home-visit staff on duty.")]
    public async Task<IActionResult> RequestPlan([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/plans")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var (body, bad) = await RequestBody.ReadJsonAsync<PlanBody>(request, cancellationToken);
        if (bad is not null) return bad;
        if (!Outcomes.TryDate(body!.Date, "date", out var date, out var problem)) return problem!;
        if (date is null) return Problems.Validation("date", "date is required (yyyy-MM-dd).");
        var result = await planning.RequestAsync(RoleGate.Centre(request), date.Value, caller!, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        return new ObjectResult(new PlanAccepted(result.Value!.Id, result.Value.Status, $"/api/dispatch/plans/{result.Value.Id}")) { StatusCode = StatusCodes.Status202Accepted };
    }

    [Function("SolvePlan")]
    public Task Solve([QueueTrigger(StorageNames.PlanRequestsQueue, Connection = StorageClients.ConnectionName)] string message, CancellationToken cancellationToken) =>
        poison.GuardAsync(StorageNames.PlanRequestsQueue, message, () => SolveAsync(message, cancellationToken), cancellationToken);

    private async Task SolveAsync(string message, CancellationToken cancellationToken)
    {
        PlanRequested? requested;
        try
        {
            requested = JsonSerializer.Deserialize<PlanRequested>(message, Json.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not valid JSON for a plan request at '{e.Path}'.");
        }
        if (requested is not { Type: PlanRequested.TypeName, Version: PlanRequested.CurrentVersion } || string.IsNullOrEmpty(requested.PlanId) || string.IsNullOrEmpty(requested.CentreId))
            throw new InvalidDataException($"Not a {PlanRequested.TypeName} message of version {PlanRequested.CurrentVersion}.");
        var finished = await planning.SolveAsync(requested, cancellationToken);
        if (finished is not null)
            logger.LogInformation("Plan run {PlanId}: {Status}, {Served} served, {Dropped} dropped; {Search}{Failure}", finished.Id, finished.Status,
                finished.Plan?.Kpis.Served ?? 0, finished.Plan?.Kpis.Dropped ?? 0, finished.Search, finished.Failure is null ? "" : "; " + finished.Failure);
    }

    /// <summary>
    /// Plans the next working day of every centre of the deployment every evening (ADR 0018): one run and one
    /// <c>plan-requests</c> message per centre and date, so plans run in parallel on the planning instances. 12:00 UTC
    /// (Flex Consumption runs timers in UTC) is 20:00 in Asia/Shanghai.
    /// </summary>
    [Function("PlanTomorrow")]
    public async Task Nightly([TimerTrigger("0 0 12 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var centres = await centreList.ListAsync(cancellationToken);
        foreach (var (centre, outcome) in await planning.PlanCityNextWorkingDayAsync(centres, new SystemCaller("nightly-plan"), cancellationToken))
            if (outcome is { Error: { } error })
                logger.LogWarning("Centre {Centre}: the nightly plan was not requested: {Code} {Message}", centre, error.Code, error.Message);
            else if (outcome is { Value: { } run })
                logger.LogInformation("Centre {Centre}: nightly plan {PlanId} for {Date} is {Status}", centre, run.Id, run.Date, run.Status);
    }

    /// <summary>
    /// Hourly at minute 37 (UTC; any local hour): in every centre, sends the home-visit messages that changes stored
    /// more than five minutes ago still owe (received, decisions, cancellations, a published plan's visit times), which
    /// the process stopping or the SMS outbox failing between the change and its message left (ADR 0016, addendum).
    /// Messages normally go from the change itself.
    /// </summary>
    [Function("SweepHomeVisitMessages")]
    public async Task SweepMessages([TimerTrigger("0 37 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var runs = await EachCentre.RunAsync(await centreList.ListAsync(cancellationToken), (centre, ct) => planning.SweepMessagesAsync(centre, ct), cancellationToken);
        foreach (var (centre, (sent, failed)) in runs.Done)
        {
            if (sent > 0) logger.LogWarning("Centre {Centre}: sent {Count} home-visit messages left owed", centre, sent);
            if (failed > 0) logger.LogError("Centre {Centre}: {Count} owed home-visit messages failed again; the next firing tries them again", centre, failed);
        }
        foreach (var (centre, error) in runs.Failed)
            logger.LogError(error, "Centre {Centre}: the home-visit message sweep failed; the next firing sweeps it again", centre);
        runs.ThrowIfAnyFailed("SweepHomeVisitMessages");
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("GetPlan")]
    [ApiOperation("A plan run: status, the plan with routes and dropped visits, and its KPIs.", Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "The run.", Type = typeof(PlanRun))]
    [ApiResponse(404, "No such plan.")]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dispatch/plans/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var found = await planning.GetAsync(RoleGate.Centre(request), id, cancellationToken);
        return found.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(found.Value);
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("PublishPlan")]
    [ApiOperation("Publish a solved plan: it replaces the day's published plan and residents get their times by SMS.", Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "Published.", Type = typeof(PlanRun))]
    [ApiResponse(404, "No such plan.")]
    [ApiResponse(409, "The plan is not solved, failed its check, or another was published at the same time.")]
    public async Task<IActionResult> Publish([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/plans/{id}/publish")] HttpRequest request, string id,
        CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var result = await planning.PublishAsync(RoleGate.Centre(request), id, caller!, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }

    [RequireRole(Roles.Staff)]
    [Function("StaffSchedule")]
    [ApiOperation("A staff member's published day: visits in order with times and addresses. Staff read their own day (the staff id their sign-in carries, claim staff_id or employeeid); dispatchers any.",
        Tag = "staff", Access = "staff (their own day), dispatchers (any)")]
    [ApiResponse(200, "The schedule (empty when nothing is published).", Type = typeof(StaffSchedule))]
    [ApiResponse(400, "No date or staff id.")]
    public async Task<IActionResult> Schedule([HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/schedule")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!Outcomes.TryDate(request.Query["date"], "date", out var date, out var bad)) return bad!;
        var staffId = request.Query["staffId"].ToString();
        var caller = RoleGate.Caller(request);
        if (!caller.IsInRole(Roles.Dispatcher) && !IsSelf(caller, staffId))
            return Problems.Forbidden("Staff read their own day; a dispatcher reads anyone's.");
        var schedule = await schedules.GetAsync(RoleGate.Centre(request), staffId, date, cancellationToken);
        return schedule.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(schedule.Value);
    }

    /// <summary>
    /// Whether the signed-in member of staff is the staff member <paramref name="staffId"/>: the staff id their sign-in
    /// carries (claim <c>staff_id</c> or <c>employeeid</c>), or their sign-in's id itself; never a display name, which
    /// is not unique and not the centre's to give.
    /// </summary>
    private static bool IsSelf(Scheduler.Core.Identity.StaffCaller caller, string staffId) =>
        staffId.Length > 0 && (string.Equals(caller.StaffId, staffId, StringComparison.Ordinal) || string.Equals(caller.UserId, staffId, StringComparison.Ordinal));
}
