using Scheduler.Functions.Platform;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Operations;
using Scheduler.Core.Results;
using Scheduler.Core.Privacy;
using Scheduler.Core.Residents;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.HomeVisits;

[ApiBody("date", "from", "to")]
public sealed record WindowBody([property: ApiString(Format = ApiStringAttribute.Date)] string? Date, [property: ApiString(Pattern = ApiStringAttribute.TimePattern)] string? From, [property: ApiString(Pattern = ApiStringAttribute.TimePattern)] string? To);

/// <summary>The centre a queued message is for (<c>"centre"</c>, beside the request's fields).</summary>
public sealed record QueuedFor(string? Centre);

[ApiBody("name", "mobile", "reason", "address", "itemId", "windows")]
public sealed record HomeVisitBody(
    string? Name, string? Mobile, string? IdNumber, EligibilityReason? Reason, LocationInput? Location, string? Address,
    string? ItemId, IReadOnlyList<WindowBody>? Windows, VisitUrgency? Urgency, string? Notes,
    [property: ApiString(Pattern = "^(zh|en)$")] string? Language, string? VerificationCode);

/// <summary>The place of a request's home, set by a dispatcher: both coordinates.</summary>
[ApiBody("latitude", "longitude")]
public sealed record LocationBody(double? Latitude, double? Longitude);

[ApiBody("decision")]
public sealed record DecisionBody(DecisionKind? Decision, string? Reason);

/// <summary>The body of a cancellation: an optional reason.</summary>
[ApiBody]
public sealed record CancelBody(string? Reason);

[ApiBody("date")]
public sealed record PlanBody([property: ApiString(Format = ApiStringAttribute.Date)] string? Date);

/// <summary>
/// A request as a dispatcher sees it: no resident ID (only whether one was given and the age it showed). Without a
/// place for the home yet, <see cref="LocationPending"/> is true and the coordinates are left out.
/// </summary>
public sealed record HomeVisitView(
    string Id, HomeVisitStatus Status, string ResidentName, string MobileMasked, bool IdGiven, int? Age, EligibilityReason Reason,
    EligibilityAssessment Assessment, double? Latitude, double? Longitude, bool LocationPending, string Address, string ItemId, IReadOnlyList<VisitWindow> Windows,
    VisitUrgency Urgency, string? Notes, string Channel, Decision? Decision, Instant CreatedAt, string Language)
{
    public static HomeVisitView Of(HomeVisitRequest r) => new(r.Id, r.Status, r.ResidentName, Redact.Phone(r.Mobile), r.ProtectedIdNumber is not null, r.Age,
        r.Reason, r.Assessment, r.Location?.Latitude, r.Location?.Longitude, r.LocationPending(), r.Address, r.ItemId, r.Windows, r.Urgency, r.Notes, r.Channel,
        r.Decision, r.CreatedAt, r.Language);
}

/// <summary>The resident's confirmation: what was recorded and what happens next, without personal data echoed.</summary>
/// <param name="LocationPending">True when the request came without the home's place: staff find it from the address.</param>
public sealed record HomeVisitReceipt(string Id, HomeVisitStatus Status, EligibilityAssessment Assessment, bool LocationPending, string Message);

/// <summary>Home-visit requests by HTTP and by queue, and the dispatcher's decisions; both channels run the same validation.</summary>
public sealed class HomeVisitFunctions(HomeVisitService service, HomeVisitDecisions decisions, CallerResolver callers, PoisonWatch poison,
    CentreDirectory directory, IOptions<SchedulerOptions> options, IClock clock)
{
    [RateLimited(Scheduler.Core.Abuse.RateScopes.HomeVisit)]
    [Function("RequestHomeVisit")]
    [ApiOperation("Ask for staff to come to a resident's home (residents, family members, community workers, dispatchers), from a verified mobile: " +
        "send the SMS code (verificationCode, from POST /api/phone-verifications) or the device's proof (X-Mobile-Proof header or mobile_proof cookie); " +
        "a signed-in dispatcher or member of staff asking on a resident's behalf needs neither.", Tag = "home-visits",
        RequestBody = typeof(HomeVisitBody), Access = "anyone with a verified mobile (residents, family members, community workers), dispatchers; rate-limited")]
    [ApiResponse(202, "Recorded for a dispatcher to decide; the resident is told by SMS. Without location (latitude and longitude) the request is " +
        "taken by its address with its place pending (locationPending), for a dispatcher to set. A code just verified earns a proof (X-Mobile-Proof header, mobile_proof cookie).",
        Type = typeof(HomeVisitReceipt))]
    [ApiResponse(400, "A field is not valid: coordinates, resident ID, reason, windows, language (zh or en), or an item no staff can do.")]
    [ApiResponse(403, "The mobile is not verified (code verification-required), or the code is wrong, expired or used up.")]
    [ApiResponse(404, "Unknown item.")]
    [ApiResponse(409, "The same resident already asked for this item that day.")]
    [ApiResponse(429, "Too many requests from this address, for this mobile or for this resident ID.")]
    public async Task<IActionResult> Request([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "home-visits")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (caller, denied) = callers.Resolve(request);
        if (denied is not null) return denied;
        var (body, bad) = await RequestBody.ReadJsonAsync<HomeVisitBody>(request, cancellationToken);
        if (bad is not null) return bad;
        var (command, problem) = ToCommand(body!);
        if (problem is not null) return Outcomes.Problem(problem);
        command = command! with { VerificationCode = body!.VerificationCode, MobileProof = MobileProofTransport.Read(request) };
        var result = await service.SubmitVerifiedAsync(RoleGate.Centre(request), command, caller!, caller is StaffCaller ? "dispatcher" : "web", cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        MobileProofTransport.Write(request.HttpContext.Response, result.Value!.NewProof, clock.GetCurrentInstant());
        var stored = result.Value.Request;
        return new ObjectResult(new HomeVisitReceipt(stored.Id, stored.Status, stored.Assessment, stored.LocationPending(),
            "收到您的上门服务申请，审核结果将短信通知。 We have your request; the decision will come by SMS.")) { StatusCode = StatusCodes.Status202Accepted };
    }

    /// <summary>
    /// Requests from other systems. A message that cannot be read or fails validation throws with the reason (noted
    /// without personal data by <see cref="PoisonWatch"/>), so the host retries it and then moves it to
    /// <c>home-visit-requests-poison</c>, where <see cref="PoisonFunctions"/> records it for dispatchers.
    /// </summary>
    [Function("HomeVisitRequestFromQueue")]
    public Task FromQueue([QueueTrigger(StorageNames.HomeVisitRequestsQueue, Connection = StorageClients.ConnectionName)] string message, CancellationToken cancellationToken) =>
        poison.GuardAsync(StorageNames.HomeVisitRequestsQueue, message, async () =>
        {
            HomeVisitBody? body;
            try
            {
                body = JsonSerializer.Deserialize<HomeVisitBody>(message, Json.Options);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"Not valid JSON for a home-visit request at '{e.Path}'.");
            }
            if (body is null) throw new InvalidDataException("The message is null.");
            // A message names its centre by "centre", as a request does by its query; without it, the default centre.
            var centre = JsonSerializer.Deserialize<QueuedFor>(message, Json.Options)?.Centre ?? options.Value.CentreId;
            if (!await directory.IsListedAsync(centre, cancellationToken))
                throw new InvalidDataException($"centre: Centre '{centre}' is not known.");
            var (command, problem) = ToCommand(body);
            if (problem is not null) throw new InvalidDataException($"{problem.Field}: {problem.Message}");
            var result = await service.SubmitAsync(centre, command!, new SystemCaller("queue"), "queue", cancellationToken);
            if (result.Error is { Code: not ErrorCodes.Duplicate } error) throw new InvalidDataException($"{error.Field}: {error.Message}");
        }, cancellationToken);

    [RequireRole(Roles.Dispatcher)]
    [Function("ListHomeVisits")]
    [ApiOperation("Home-visit requests for dispatchers, oldest first, a page at a time: `pageSize` (50 by default, 1 to 200) and " +
        "`continuationToken` (from the page before, as given); a `Link` header with `rel=\"next\"` names the next page, and there is none after the last. " +
        "Optional filters `status`, `urgency` and `date` (a visit day, yyyy-MM-dd): a filtered page reads at most 1,000 requests, so it may hold " +
        "fewer than asked and still have a next page.",
        Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "A page of requests.", Type = typeof(IReadOnlyList<HomeVisitView>))]
    [ApiResponse(400, "pageSize, continuationToken, status, urgency or date is not valid.")]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dispatch/home-visits")] HttpRequest request, CancellationToken cancellationToken)
    {
        int? size = null;
        if (request.Query["pageSize"].ToString() is { Length: > 0 } text)
        {
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                return Outcomes.Problem(Problem.Invalid("pageSize", ErrorCodes.InvalidPageSize, "pageSize must be a whole number."));
            size = parsed;
        }
        if (!Outcomes.TryName<HomeVisitStatus>(request.Query["status"], "status", out var status, out var bad)
            || !Outcomes.TryName<VisitUrgency>(request.Query["urgency"], "urgency", out var urgency, out bad)
            || !Outcomes.TryDate(request.Query["date"], "date", out var date, out bad))
            return bad!;
        var filter = new RequestFilter(status, urgency, date);
        var page = await service.PageAsync(RoleGate.Centre(request), size, request.Query["continuationToken"].ToString(), cancellationToken, filter);
        if (page.Error is { } error) return Outcomes.Problem(error);
        var (items, next) = page.Value;
        if (next is not null)
            request.HttpContext.Response.Headers.Link =
                $"</api/dispatch/home-visits?pageSize={size ?? HomeVisitService.DefaultPageSize}&continuationToken={Uri.EscapeDataString(next)}" +
                (status is null ? "" : $"&status={status}") + (urgency is null ? "" : $"&urgency={urgency}") + (date is null ? "" : $"&date={date:yyyy-MM-dd}") +
                ">; rel=\"next\"";
        return new OkObjectResult(items.Select(HomeVisitView.Of).ToList());
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("DecideHomeVisit")]
    [ApiOperation("Approve, reject (with a reason) or ask for more information; the resident is told by SMS.", Tag = "dispatch",
        RequestBody = typeof(DecisionBody), Access = "dispatchers")]
    [ApiResponse(200, "Decided.", Type = typeof(HomeVisitView))]
    [ApiResponse(400, "No decision, or no reason for a rejection or a question.")]
    [ApiResponse(404, "No such request.")]
    [ApiResponse(409, "Already decided.")]
    public async Task<IActionResult> Decide([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/home-visits/{id}/decision")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var (body, bad) = await RequestBody.ReadJsonAsync<DecisionBody>(request, cancellationToken);
        if (bad is not null) return bad;
        if (body!.Decision is not { } decision) return Problems.Validation("decision", "decision must be Approve, Reject or AskForInformation.");
        var result = await decisions.DecideAsync(RoleGate.Centre(request), id, decision, body.Reason, caller!, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        return new OkObjectResult(HomeVisitView.Of(result.Value!));
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("SetHomeVisitLocation")]
    [ApiOperation("Set (or correct) the place of a request's home, for a request asked for by address alone (location pending); audited. " +
        "An approved request's day already published is planned again to take it in.", Tag = "dispatch", RequestBody = typeof(LocationBody), Access = "dispatchers")]
    [ApiResponse(200, "Set.", Type = typeof(HomeVisitView))]
    [ApiResponse(400, "latitude or longitude is missing or not a valid coordinate, or the place is outside the centre's service area.")]
    [ApiResponse(404, "No such request.")]
    [ApiResponse(409, "The request was rejected or cancelled.")]
    public async Task<IActionResult> SetLocation([HttpTrigger(AuthorizationLevel.Function, "put", Route = "dispatch/home-visits/{id}/location")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var (body, bad) = await RequestBody.ReadJsonAsync<LocationBody>(request, cancellationToken);
        if (bad is not null) return bad;
        var result = await decisions.SetLocationAsync(RoleGate.Centre(request), id, body!.Latitude, body.Longitude, caller!, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        return new OkObjectResult(HomeVisitView.Of(result.Value!));
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("CancelHomeVisit")]
    [ApiOperation("Cancel a home visit; a day already published is planned again around the visits residents were told.", Tag = "dispatch",
        RequestBody = typeof(CancelBody), Access = "dispatchers")]
    [ApiResponse(200, "Cancelled.", Type = typeof(HomeVisitView))]
    [ApiResponse(400, "The reason is too long.")]
    [ApiResponse(404, "No such request.")]
    [ApiResponse(409, "The request was rejected.")]
    public async Task<IActionResult> Cancel([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/home-visits/{id}/cancel")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var (body, bad) = await RequestBody.ReadJsonAsync<CancelBody>(request, cancellationToken);
        if (bad is not null) return bad;
        var result = await decisions.CancelAsync(RoleGate.Centre(request), id, body!.Reason, caller!, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        return new OkObjectResult(HomeVisitView.Of(result.Value!));
    }


    private static (SubmitHomeVisit? Command, Problem? Problem) ToCommand(HomeVisitBody body)
    {
        var windows = new List<WindowInput>();
        for (var i = 0; i < (body.Windows?.Count ?? 0); i++)
        {
            var w = body.Windows![i];
            if (!Outcomes.TryDate(w.Date, $"windows[{i}].date", out var date, out _)) return (null, Problem.Invalid($"windows[{i}].date", ErrorCodes.InvalidDate, "The date must be yyyy-MM-dd."));
            if (!Outcomes.TryTime(w.From, $"windows[{i}].from", out var from, out _)) return (null, Problem.Invalid($"windows[{i}].from", ErrorCodes.InvalidTime, "The time must be HH:mm."));
            if (!Outcomes.TryTime(w.To, $"windows[{i}].to", out var to, out _)) return (null, Problem.Invalid($"windows[{i}].to", ErrorCodes.InvalidTime, "The time must be HH:mm."));
            windows.Add(new WindowInput(date, from, to));
        }
        return (new SubmitHomeVisit(body.Name, body.Mobile, body.IdNumber, body.Reason, body.Location, body.Address, body.ItemId,
            body.Windows is null ? null : windows, body.Urgency, body.Notes, string.IsNullOrEmpty(body.Language) ? null : body.Language), null);
    }
}
