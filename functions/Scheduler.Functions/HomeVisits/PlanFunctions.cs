using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Staffing;
using Scheduler.Functions.Http;
using Scheduler.Functions.Infrastructure;
using Scheduler.Functions.Storage;

namespace Scheduler.Functions.HomeVisits;

public sealed record PlanAccepted(string Id, PlanRunStatus Status, string StatusUrl);

/// <summary>One stop of a staff member's day, with what they need at the door.</summary>
public sealed record ScheduleStop(string VisitId, LocalTime Arrival, LocalTime Start, LocalTime End, string ResidentName, string Address,
    double Latitude, double Longitude, string ItemId, IReadOnlyList<string> TeamWith, string? Notes);

public sealed record StaffSchedule(string StaffId, LocalDate Date, string? PlanId, LocalTime? Departure, LocalTime? Return, PlannedBreak? Break, IReadOnlyList<ScheduleStop> Stops);

/// <summary>Planning days of home visits: request a run, follow it, publish it; the nightly timer plans tomorrow.</summary>
public sealed class PlanFunctions(PlanningService planning, HomeVisitService requests, ICentreDirectory centres, CallerResolver callers, IClock clock,
    IOptions<SchedulerOptions> options)
{
    private string Centre => options.Value.CentreId;

    [Function("RequestPlan")]
    [ApiOperation("Plan a day of home visits: answers at once with the run's id; the plan is solved in the background.", Tag = "dispatch",
        RequestBody = typeof(PlanBody), Access = "dispatchers")]
    [ApiResponse(202, "Queued.", Type = typeof(PlanAccepted))]
    [ApiResponse(400, "No date, a past date, or a day with no home-visit staff on duty.")]
    [ApiResponse(401, "Not signed in, or no function key.")]
    [ApiResponse(403, "Not a dispatcher.")]
    public async Task<IActionResult> RequestPlan([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/plans")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (caller, denied) = callers.RequireRole(request, Roles.Dispatcher);
        if (denied is not null) return denied;
        var (body, bad) = await RequestBody.ReadJsonAsync<PlanBody>(request, cancellationToken);
        if (bad is not null) return bad;
        if (!Outcomes.TryDate(body!.Date, "date", out var date, out var problem)) return problem!;
        if (date is null) return Problems.Validation("date", "date is required (yyyy-MM-dd).");
        var result = await planning.RequestAsync(Centre, date.Value, caller!, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        return new ObjectResult(new PlanAccepted(result.Value!.Id, result.Value.Status, $"/api/dispatch/plans/{result.Value.Id}")) { StatusCode = StatusCodes.Status202Accepted };
    }

    [Function("SolvePlan")]
    public Task Solve([QueueTrigger(StorageNames.PlanRequestsQueue, Connection = StorageClients.ConnectionName)] string message, CancellationToken cancellationToken)
    {
        var requested = JsonSerializer.Deserialize<PlanRequested>(message, Json.Options);
        if (requested is not { Type: "plan.requested", Version: 1 } || string.IsNullOrEmpty(requested.PlanId))
            throw new InvalidDataException("Not a plan.requested message of version 1.");
        return planning.SolveAsync(requested, cancellationToken);
    }

    /// <summary>Plans the next working day every evening: 12:00 UTC (Flex Consumption runs timers in UTC) is 20:00 in Asia/Shanghai.</summary>
    [Function("PlanTomorrow")]
    public async Task Nightly([TimerTrigger("0 0 12 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(Centre, cancellationToken);
        if (centre is null) return;
        var tomorrow = centre.Calendar.Today(clock.GetCurrentInstant()).PlusDays(1);
        if (centre.Calendar.IsWorkingDay(tomorrow))
            await planning.RequestAsync(Centre, tomorrow, new SystemCaller("nightly-plan"), cancellationToken);
    }

    [Function("GetPlan")]
    [ApiOperation("A plan run: status, the plan with routes and dropped visits, and its KPIs.", Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "The run.", Type = typeof(PlanRun))]
    [ApiResponse(401, "Not signed in, or no function key.")]
    [ApiResponse(403, "Not a dispatcher.")]
    [ApiResponse(404, "No such plan.")]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dispatch/plans/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (_, denied) = callers.RequireRole(request, Roles.Dispatcher);
        if (denied is not null) return denied;
        var found = await planning.GetAsync(Centre, id, cancellationToken);
        return found is null ? Problems.NotFound("No such plan.") : new OkObjectResult(found.Value.Run);
    }

    [Function("PublishPlan")]
    [ApiOperation("Publish a solved plan: it replaces the day's published plan and residents get their times by SMS.", Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "Published.", Type = typeof(PlanRun))]
    [ApiResponse(401, "Not signed in, or no function key.")]
    [ApiResponse(403, "Not a dispatcher.")]
    [ApiResponse(404, "No such plan.")]
    [ApiResponse(409, "The plan is not solved, failed its check, or another was published at the same time.")]
    public async Task<IActionResult> Publish([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/plans/{id}/publish")] HttpRequest request, string id,
        CancellationToken cancellationToken)
    {
        var (caller, denied) = callers.RequireRole(request, Roles.Dispatcher);
        if (denied is not null) return denied;
        var result = await planning.PublishAsync(Centre, id, caller!, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }

    [Function("StaffSchedule")]
    [ApiOperation("A staff member's published day: visits in order with times and addresses.", Tag = "staff", Access = "staff")]
    [ApiResponse(200, "The schedule (empty when nothing is published).", Type = typeof(StaffSchedule))]
    [ApiResponse(400, "No date or staff id.")]
    [ApiResponse(401, "Not signed in, or no function key.")]
    [ApiResponse(403, "Not a member of staff.")]
    public async Task<IActionResult> Schedule([HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/schedule")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (_, denied) = callers.RequireRole(request, Roles.Staff);
        if (denied is not null) return denied;
        if (!Outcomes.TryDate(request.Query["date"], "date", out var date, out var bad)) return bad!;
        var staffId = request.Query["staffId"].ToString();
        if (date is null || staffId.Length == 0) return Problems.Validation(date is null ? "date" : "staffId", "date (yyyy-MM-dd) and staffId are required.");
        var published = await planning.PublishedAsync(Centre, date.Value, cancellationToken);
        var route = published?.Plan?.Routes.FirstOrDefault(r => r.StaffId == staffId);
        if (route is null) return new OkObjectResult(new StaffSchedule(staffId, date.Value, published?.Id, null, null, null, []));
        var byId = (await requests.ListAsync(Centre, cancellationToken)).Where(r => r.Status == HomeVisitStatus.Approved).ToDictionary(r => r.Id);
        var stops = route.Stops.Where(s => byId.ContainsKey(s.VisitId)).Select(s =>
        {
            var r = byId[s.VisitId];
            var team = published!.Plan!.Routes.Where(o => o.StaffId != staffId && o.Stops.Any(x => x.VisitId == s.VisitId)).Select(o => o.StaffId).ToList();
            return new ScheduleStop(s.VisitId, s.Arrival, s.Start, s.End, r.ResidentName, r.Address, r.Location.Latitude, r.Location.Longitude, r.ItemId, team, r.Notes);
        }).ToList();
        return new OkObjectResult(new StaffSchedule(staffId, date.Value, published!.Id, route.Departure, route.Return, route.Break, stops));
    }
}
