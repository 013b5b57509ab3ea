using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Scheduler.Core.Roster;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Roster;

/// <summary>Staff at the window call the next resident (叫号); beside check-in and served.</summary>
public sealed class WindowCallFunctions(CallToWindow calls)
{
    [RequireRole(Roles.Staff)]
    [Function("CallToWindow")]
    [ApiOperation("Call a checked-in resident to the window: the call's time is recorded once (calling again keeps the first).", Tag = "staff", Access = "staff")]
    [ApiResponse(200, "The call.", Type = typeof(WindowCall))]
    [ApiResponse(404, "No such appointment.")]
    [ApiResponse(409, "The resident has not checked in.")]
    public async Task<IActionResult> Call([HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/appointments/{id}/call")] HttpRequest request, string id,
        CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var result = await calls.CallAsync(RoleGate.Centre(request), id, caller!, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }
}
