using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Scheduler.Core.Roster;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Roster;

/// <summary>The centre's measured waiting times for dispatchers: check-in to call and call to served, p50/p90 by day, hour and category.</summary>
public sealed class WaitReportFunctions(WaitingTimes waits)
{
    [RequireRole(Roles.Dispatcher)]
    [Function("WaitReport")]
    [ApiOperation("Measured waits (check-in to the call to a window) and service (call to served), p50 and p90 in minutes, per day, per day and hour of " +
                  "check-in, and per category (hour or category null: all of them).", Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "The report.", Type = typeof(WaitReport))]
    [ApiResponse(400, "from or to missing or not a date, to before from, or more than 62 days.")]
    public async Task<IActionResult> Report([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dispatch/reports/waits")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!Outcomes.TryDate(request.Query["from"], "from", out var from, out var problem)) return problem!;
        if (!Outcomes.TryDate(request.Query["to"], "to", out var to, out problem)) return problem!;
        var result = await waits.ReportAsync(RoleGate.Centre(request), from, to, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }
}
