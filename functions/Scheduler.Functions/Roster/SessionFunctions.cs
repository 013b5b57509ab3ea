using Scheduler.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Scheduler.Core.Roster;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Roster;

/// <summary>The body of <c>POST /api/dispatch/sessions/accept</c>.</summary>
[ApiBody("date", "proposalId")]
public sealed record AcceptSessionBody([property: ApiString(Format = ApiStringAttribute.Date)] string? Date, string? ProposalId, ServiceLevel? ServiceLevel);

/// <summary>Extended sessions for dispatchers: the day's proposals, and accepting one (the roster staffs it, residents can book it).</summary>
public sealed class SessionFunctions(SessionDecisions sessions)
{

    [RequireRole(Roles.Dispatcher)]
    [Function("SessionProposals")]
    [ApiOperation("Proposals to open a lunch, evening or weekend session on a day: residents expected (requests plus forecast), windows and the staff it would take.",
        Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "The proposals (empty when no period passes the centre's threshold).", Type = typeof(SessionProposal[]))]
    [ApiResponse(400, "No date or a past date.")]
    public async Task<IActionResult> Proposals([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dispatch/sessions")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!Outcomes.TryDate(request.Query["date"], "date", out var date, out var bad)) return bad!;
        var result = await sessions.ProposeAsync(RoleGate.Centre(request), date, null, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("AcceptSession")]
    [ApiOperation("Accept a proposal: the session is recorded for the day's roster (its staff must sit there) and opened in the centre's configuration, so its slots are bookable.",
        Tag = "dispatch", RequestBody = typeof(AcceptSessionBody), Access = "dispatchers")]
    [ApiResponse(201, "Accepted (again: the first acceptance).", Type = typeof(AcceptedSession))]
    [ApiResponse(400, "No date or proposal, a past date, or a session no one's availability covers.")]
    [ApiResponse(404, "No such proposal for the day.")]
    public async Task<IActionResult> Accept([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/sessions/accept")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var (body, bad) = await RequestBody.ReadJsonAsync<AcceptSessionBody>(request, cancellationToken);
        if (bad is not null) return bad;
        if (!Outcomes.TryDate(body!.Date, "date", out var date, out var problem)) return problem!;
        var result = await sessions.AcceptAsync(RoleGate.Centre(request), date, body.ProposalId, body.ServiceLevel, caller!, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        return new ObjectResult(result.Value) { StatusCode = StatusCodes.Status201Created };
    }
}
