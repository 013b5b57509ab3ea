using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.HomeVisits;

/// <summary>The body of a visit's outcome: <c>Done</c>, or <c>NotDone</c> with a reason (and a note, required for <c>Other</c>).</summary>
[ApiBody("outcome")]
public sealed record VisitOutcomeBody(VisitOutcomeKind? Outcome, NotDoneReason? Reason, string? Note);

/// <summary>Staff record whether a published visit was made; a visit done asks the resident for a rating.</summary>
public sealed class VisitOutcomeFunctions(RecordVisitOutcome outcomes)
{
    [RequireRole(Roles.Staff)]
    [Function("RecordVisitOutcome")]
    [ApiOperation("Record whether a published home visit was made, on its day or after: `{\"outcome\":\"Done\"}`, or `{\"outcome\":\"NotDone\",\"reason\":\"NotHome\"}` " +
        "(reasons NotHome, Refused, Other; Other needs a `note`). A visit done asks the resident for a rating; one not done is not asked. The same record again " +
        "changes nothing; a different one is refused.",
        Tag = "staff", RequestBody = typeof(VisitOutcomeBody), Access = "staff (visits of their own route), dispatchers (any)")]
    [ApiResponse(200, "Recorded (or recorded already, the same).", Type = typeof(VisitOutcome))]
    [ApiResponse(400, "The body is not valid JSON, the outcome is unknown, or a reason or note is missing or not allowed.")]
    [ApiResponse(403, "Signed in without the 'staff' role, or the visit is on another staff member's route (code not-your-visit).")]
    [ApiResponse(404, "No such request.")]
    [ApiResponse(409, "The visit is in no published plan, is planned for a later day, its request is no longer approved, or another outcome was recorded.")]
    public async Task<IActionResult> Record([HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/visits/{requestId}/outcome")] HttpRequest request,
        string requestId, CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var (body, bad) = await RequestBody.ReadJsonAsync<VisitOutcomeBody>(request, cancellationToken);
        if (bad is not null) return bad;
        var result = await outcomes.RecordAsync(RoleGate.Centre(request), requestId, new VisitOutcomeInput(body!.Outcome, body.Reason, body.Note), caller, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("ListVisitOutcomes")]
    [ApiOperation("What staff recorded about the visits of a day (`date`, yyyy-MM-dd): done, or not done and why.", Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "The day's records, in any order.", Type = typeof(IReadOnlyList<VisitOutcome>))]
    [ApiResponse(400, "No date, or not yyyy-MM-dd.")]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dispatch/visit-outcomes")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!Outcomes.TryDate(request.Query["date"], "date", out var date, out var bad)) return bad!;
        if (date is not { } day) return Outcomes.Problem(Scheduler.Core.Results.Problem.Invalid("date", Scheduler.Core.Results.ErrorCodes.Missing, "date (yyyy-MM-dd) is required."));
        return new OkObjectResult((await outcomes.DayAsync(RoleGate.Centre(request), day, cancellationToken)).Values.ToList());
    }
}
