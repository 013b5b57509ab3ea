using Scheduler.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Notifications;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Notifications;

/// <summary>Ratings (好差评) for dispatchers: counts and averages, and the follow-ups of low ratings.</summary>
/// <param name="Kind"><c>rating</c> (a rating of 1 or 2; <c>score</c> holds it) or <c>visit-change</c> (a resident asked by SMS to move a home visit).</param>
/// <param name="ResidentName">The resident of the appointment or home visit, when it can still be read.</param>
/// <param name="ItemId">Its service item (or bundle), when it can still be read.</param>
public sealed record FollowUpView(string Subject, int Score, string? Reason, NodaTime.Instant OpenedAt, NodaTime.Instant Due, FollowUpStatus Status, bool Overdue, string? Note,
    string? ClosedBy, NodaTime.Instant? ClosedAt, string Kind, string? ResidentName = null, string? ItemId = null);

/// <param name="Kind">Which follow-up of the subject: <c>rating</c> when not given, or <c>visit-change</c>.</param>
[ApiBody("subject")]
public sealed record CloseFollowUpRequest(string? Subject, string? Note, string? Kind = null);

public sealed class RatingFunctions(Ratings ratings, AppointmentQueries appointments, IHomeVisitStore homeVisits, NodaTime.IClock clock)
{
    [RequireRole(Roles.Dispatcher)]
    [Function("ListFollowUps")]
    [ApiOperation("Follow-ups of ratings 1 and 2 and of residents' requests to move a home visit: open first, the most overdue first; overdue ones are marked.", Tag = "dispatch", Access = "dispatcher")]
    [ApiResponse(200, "The follow-ups.", Type = typeof(IReadOnlyList<FollowUpView>))]
    [ApiResponse(401, "Not signed in, or no function key.")]
    [ApiResponse(403, "Not a dispatcher.")]
    public async Task<IActionResult> FollowUps([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dispatch/follow-ups")] HttpRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var views = new List<FollowUpView>();
        var centre = RoleGate.Centre(request);
        foreach (var f in await ratings.FollowUpsAsync(centre, cancellationToken))
        {
            var (name, item) = await WhoAsync(centre, f.Subject, cancellationToken);
            views.Add(new FollowUpView(f.Subject, f.Score, f.Reason, f.OpenedAt, f.Due, f.Status, f.OverdueAt(now), f.Note, f.ClosedBy, f.ClosedAt, f.Kind, name, item));
        }
        return new OkObjectResult(views);
    }

    /// <summary>The resident and service a follow-up's subject names, so the dispatcher reads a name rather than an id (one point read each; the list is short).</summary>
    private async Task<(string? Name, string? ItemId)> WhoAsync(string centre, string subject, CancellationToken cancellationToken)
    {
        if (subject.StartsWith("appointment/", StringComparison.Ordinal)
            && (await appointments.GetAsync(centre, subject["appointment/".Length..], cancellationToken)).Value?.Appointment is { } a)
            return (a.ResidentName, a.BookableId);
        if (subject.StartsWith("home-visit/", StringComparison.Ordinal) && await homeVisits.GetAsync(centre, subject["home-visit/".Length..], cancellationToken) is { } v)
            return (v.Request.ResidentName, v.Request.ItemId);
        return (null, null);
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("CloseFollowUp")]
    [ApiOperation("Close a follow-up with a note of what was done.", Tag = "dispatch", RequestBody = typeof(CloseFollowUpRequest), Access = "dispatcher")]
    [ApiResponse(200, "Closed.", Type = typeof(FollowUp))]
    [ApiResponse(400, "No note.")]
    [ApiResponse(404, "No follow-up for this subject.")]
    public async Task<IActionResult> Close([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/follow-ups/close")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var (body, bad) = await RequestBody.ReadJsonAsync<CloseFollowUpRequest>(request, cancellationToken);
        if (bad is not null) return bad;
        var result = await ratings.CloseAsync(RoleGate.Centre(request), body!.Subject, body.Note, caller!, cancellationToken, body.Kind);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("RatingSummary")]
    [ApiOperation("Ratings between two local dates: counts and averages by category and item, and follow-ups open, closed and overdue.", Tag = "dispatch", Access = "dispatcher")]
    [ApiResponse(200, "The summary.", Type = typeof(RatingSummary))]
    [ApiResponse(400, "from or to missing or not valid.")]
    [ApiResponse(401, "Not signed in, or no function key.")]
    [ApiResponse(403, "Not a dispatcher.")]
    public async Task<IActionResult> Summary([HttpTrigger(AuthorizationLevel.Function, "get", Route = "ratings/summary")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!Outcomes.TryDate(request.Query["from"], "from", out var from, out var bad) || !Outcomes.TryDate(request.Query["to"], "to", out var to, out bad)) return bad!;
        var result = await ratings.SummaryAsync(RoleGate.Centre(request), from, to, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }
}
