using Scheduler.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Scheduler.Core.Roster;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Roster;

/// <summary>The body of <c>POST /api/dispatch/rosters</c>: the day, and optionally the service level, the day's staff and extra sessions.</summary>
[ApiBody("date")]
public sealed record RosterBody([property: ApiString(Format = ApiStringAttribute.Date)] string? Date, ServiceLevel? ServiceLevel, IReadOnlyList<RosterStaffInput>? Staff, IReadOnlyList<OpenSession>? Sessions);

/// <summary>Window rosters for dispatchers: plan a day around the published home-visit routes, read it with its cover and waiting curve, publish it.</summary>
public sealed class RosterFunctions(RosterPlanning rosters)
{

    [RequireRole(Roles.Dispatcher)]
    [Function("PlanRoster")]
    [ApiOperation("Plan a day's window roster: staff per slot at windows, breaks, back office, or out on the published home-visit routes; " +
                  "with windows needed against staffed per category and slot and the simulated waiting curve against a flat roster.",
        Tag = "dispatch", RequestBody = typeof(RosterBody), Access = "dispatchers")]
    [ApiResponse(201, "Planned (not yet published); a shortfall report when demand is beyond the staff.", Type = typeof(RosterRun))]
    [ApiResponse(400, "No date, a past date, a closed day, a service level out of range, staff with no skills or overlapping shifts, a session no one can staff.")]
    [ApiResponse(409, "The hard rules cannot all hold (roster-infeasible, the reason is given), or no roster was found within the time limit (roster-not-found).")]
    public async Task<IActionResult> Plan([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/rosters")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var (body, bad) = await RequestBody.ReadJsonAsync<RosterBody>(request, cancellationToken);
        if (bad is not null) return bad;
        if (!Outcomes.TryDate(body!.Date, "date", out var date, out var problem)) return problem!;
        var result = await rosters.PlanAsync(RoleGate.Centre(request), new PlanRosterRequest(date, body.ServiceLevel, body.Staff, body.Sessions), caller!, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        return new ObjectResult(result.Value) { StatusCode = StatusCodes.Status201Created };
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("ListRosters")]
    [ApiOperation("The rosters planned for a day (`date`, required, yyyy-MM-dd), newest first, with the published one and the one to open " +
                  "(the published roster, else the newest): so a dispatcher on any device finds the day's roster.",
        Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "The day's rosters (an empty list when none was planned).", Type = typeof(RosterDayList))]
    [ApiResponse(400, "date is missing or not a date.")]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dispatch/rosters")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!Outcomes.TryDate(request.Query["date"].ToString(), "date", out var date, out var problem)) return problem!;
        if (date is not { } day) return Problems.Validation("date", "date is required, as yyyy-MM-dd.");
        return new OkObjectResult(await rosters.DayAsync(RoleGate.Centre(request), day, cancellationToken));
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("GetRoster")]
    [ApiOperation("A planned or published roster: duties per staff member and slot, windows needed against staffed, shortfall, score and waiting curve.",
        Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "The roster.", Type = typeof(RosterRun))]
    [ApiResponse(404, "No such roster.")]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dispatch/rosters/{id}")] HttpRequest request, string id,
        CancellationToken cancellationToken)
    {
        var found = await rosters.GetAsync(RoleGate.Centre(request), id, cancellationToken);
        return found.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(found.Value);
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("PublishRoster")]
    [ApiOperation("Publish a planned roster: it replaces the day's published roster; staff schedules show their windows from it, and the day's bookable " +
                  "seats per category and slot become the windows it staffs. Slots already booked beyond those seats keep their bookings and are listed.",
        Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "Published: the roster, and the slots booked beyond its seats (overbooked).", Type = typeof(RosterPublication))]
    [ApiResponse(404, "No such roster.")]
    [ApiResponse(409, "A home-visit plan run for the day is in progress, the published routes changed since, the roster was superseded, or another was published at the same time.")]
    public async Task<IActionResult> Publish([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/rosters/{id}/publish")] HttpRequest request, string id,
        CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var result = await rosters.PublishAsync(RoleGate.Centre(request), id, caller!, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }
}
