using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Appointments;

/// <summary>Window appointments over HTTP: availability, book, and manage by the resident's link or by staff.</summary>
public sealed class AppointmentFunctions(AvailabilityQuery availability, BookAppointment book, RescheduleAppointment reschedule, ChangeAppointmentStatus status,
    RequestExtendedHours extendedHours, AppointmentQueries queries, ICentreDirectory centres, CallerResolver callers, NodaTime.IClock clock, IOptions<SchedulerOptions> options)
{

    /// <summary>How long an availability answer may be reused: the summary behind it is refreshed on every booking.</summary>
    public const string AvailabilityCacheControl = "public, max-age=5";

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Reads)]
    [Function("Availability")]
    [ApiOperation("Free slots for a service item, bundle or window category over a date range (today to the booking horizon; `to` defaults to the horizon's last day).", Tag = "appointments")]
    [ApiResponse(200, "Days with their free slots.", Type = typeof(IReadOnlyList<AvailabilityDay>))]
    [ApiResponse(400, "A parameter is not valid.")]
    [ApiResponse(404, "Unknown item, bundle or category.")]
    public async Task<IActionResult> Availability(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "availability")] HttpRequest request, CancellationToken cancellationToken)
    {
        var q = request.Query;
        if (!Outcomes.TryDate(q["from"], "from", out var from, out var bad) || !Outcomes.TryDate(q["to"], "to", out var to, out bad)) return bad!;
        if (from is null) return Problems.Validation("from", "from is required (yyyy-MM-dd).");
        var green = !string.IsNullOrEmpty(q["priority"]);
        if (green && !Enum.TryParse<PriorityReason>(q["priority"], ignoreCase: true, out _))
            return Problems.Validation("priority", $"priority must be one of: {string.Join(", ", Enum.GetNames<PriorityReason>())}.");
        var result = await availability.GetAsync(RoleGate.Centre(request), Empty(q["categoryId"]), Empty(q["itemId"]), Empty(q["bundleId"]), from.Value, to, green, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        // Served from a summary a few seconds old at most (ADR 0017); a browser or a CDN may keep it as long.
        request.HttpContext.Response.Headers.CacheControl = AvailabilityCacheControl;
        return new OkObjectResult(result.Value);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Booking)]
    [Function("BookAppointment")]
    [ApiOperation("Book a slot for a service item or a bundle, from a verified mobile: send the SMS code (verificationCode) or the device's proof " +
        "(X-Mobile-Proof header or mobile_proof cookie), or a resident's booking link. Send an Idempotency-Key header to make a retry safe.", Tag = "appointments",
        RequestBody = typeof(BookRequest), Access = "anyone with a verified mobile (residents, family members, community workers); rate-limited")]
    [ApiResponse(201, "Booked; the body holds the link to manage it. A code just verified earns a proof (X-Mobile-Proof header, mobile_proof cookie).", Type = typeof(BookedView))]
    [ApiResponse(200, "The same request was booked before (same Idempotency-Key).", Type = typeof(BookedView))]
    [ApiResponse(400, "A field is not valid, or the slot cannot be booked (past, holiday, outside hours, off the grid, beyond the horizon, after the cut-off).")]
    [ApiResponse(403, "The mobile is not verified (code verification-required), or the code is wrong, expired or used up.")]
    [ApiResponse(404, "Unknown item or bundle.")]
    [ApiResponse(409, "The slot is full (with the three nearest alternatives), a per-phone limit is reached, or a duplicate.")]
    [ApiResponse(422, "The Idempotency-Key was used before for a different booking.")]
    [ApiResponse(429, "Too many bookings from this address or for this mobile.")]
    public async Task<IActionResult> Book(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "appointments")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (caller, denied) = callers.Resolve(request);
        if (denied is not null) return denied;
        var (body, bad) = await RequestBody.ReadJsonAsync<BookRequest>(request, cancellationToken);
        if (bad is not null) return bad;
        if (!Outcomes.TryDate(body!.Date, "date", out var date, out var problem) || !Outcomes.TryTime(body.Start, "start", out var start, out problem)) return problem!;
        var key = request.Headers["Idempotency-Key"].ToString();
        var result = await book.BookAsync(RoleGate.Centre(request), new BookCommand(Empty(body.ItemId), Empty(body.BundleId), date, start, body.Name, body.Mobile,
            body.Priority, body.Proxy, Empty(body.Language), key.Length == 0 ? null : key, Empty(body.VerificationCode), MobileProofTransport.Read(request)),
            Public(caller!), cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        MobileProofTransport.Write(request.HttpContext.Response, result.Value!.NewProof, clock.GetCurrentInstant());
        var view = await BookedViewAsync(result.Value!, cancellationToken);
        return new ObjectResult(view) { StatusCode = result.Value!.Repeated ? StatusCodes.Status200OK : StatusCodes.Status201Created };
    }

    [RequireRole(Roles.Staff)]
    [Function("StaffAssistedBooking")]
    [ApiOperation("Staff book for a resident at the counter or on the phone (帮办代办): no code; the resident's consent is recorded on the appointment and in the audit.",
        Tag = "staff", RequestBody = typeof(AssistedBookRequest), Access = "staff")]
    [ApiResponse(201, "Booked; the body holds the resident's manage link.", Type = typeof(BookedView))]
    [ApiResponse(400, "A field is not valid, the slot cannot be booked, or the resident's consent is missing.")]
    [ApiResponse(404, "Unknown item or bundle.")]
    [ApiResponse(409, "The slot is full (with alternatives), a per-phone limit is reached, or a duplicate.")]
    public async Task<IActionResult> AssistedBook(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/assisted-bookings")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var (body, bad) = await RequestBody.ReadJsonAsync<AssistedBookRequest>(request, cancellationToken);
        if (bad is not null) return bad;
        if (!Outcomes.TryDate(body!.Date, "date", out var date, out var problem) || !Outcomes.TryTime(body.Start, "start", out var start, out problem)) return problem!;
        var key = request.Headers["Idempotency-Key"].ToString();
        var result = await book.BookAsync(RoleGate.Centre(request), new BookCommand(Empty(body.ItemId), Empty(body.BundleId), date, start, body.Name, body.Mobile,
            body.Priority, null, Empty(body.Language), key.Length == 0 ? null : key, Assisted: body.Assisted ?? new AssistedInput(null, false)), caller, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        var view = await BookedViewAsync(result.Value!, cancellationToken);
        return new ObjectResult(view) { StatusCode = result.Value!.Repeated ? StatusCodes.Status200OK : StatusCodes.Status201Created };
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("GetAppointment")]
    [ApiOperation("An appointment, by the resident's link (staff use GET /api/staff/appointments/{id}).", Tag = "appointments", Access = "the resident's link for this appointment")]
    [ApiResponse(200, "The appointment.", Type = typeof(AppointmentView))]
    [ApiResponse(401, "No link, or the link is forged or expired.")]
    [ApiResponse(403, "The link is for another appointment.")]
    [ApiResponse(404, "No such appointment.")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "appointments/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (caller, denied) = Authorize(request, id);
        if (denied is not null) return denied;
        var result = await queries.GetAsync(RoleGate.Centre(request), id, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        return new OkObjectResult(await ViewAsync(result.Value!.Appointment, cancellationToken));
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("RescheduleAppointment")]
    [ApiOperation("Move an appointment to another slot: the new slot is taken and the old one released in one step.", Tag = "appointments",
        RequestBody = typeof(RescheduleRequest), Access = "the resident's link for this appointment")]
    [ApiResponse(200, "Moved.", Type = typeof(AppointmentView))]
    [ApiResponse(400, "The new slot cannot be booked.")]
    [ApiResponse(401, "No link, or the link is forged or expired.")]
    [ApiResponse(403, "The link is for another appointment.")]
    [ApiResponse(404, "No such appointment.")]
    [ApiResponse(409, "The new slot is full (with alternatives), or the appointment has started or ended.")]
    public async Task<IActionResult> Reschedule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "appointments/{id}/reschedule")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (caller, denied) = Authorize(request, id);
        if (denied is not null) return denied;
        var (body, bad) = await RequestBody.ReadJsonAsync<RescheduleRequest>(request, cancellationToken);
        if (bad is not null) return bad;
        if (!Outcomes.TryDate(body!.Date, "date", out var date, out var problem) || !Outcomes.TryTime(body.Start, "start", out var start, out problem)) return problem!;
        return await Respond(reschedule.RescheduleAsync(RoleGate.Centre(request), id, date, start, caller!, cancellationToken), cancellationToken);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("CancelAppointment")]
    [ApiOperation("Cancel an appointment; its capacity returns at once.", Tag = "appointments", Access = "the resident's link for this appointment")]
    [ApiResponse(200, "Cancelled.", Type = typeof(AppointmentView))]
    [ApiResponse(401, "No link, or the link is forged or expired.")]
    [ApiResponse(403, "The link is for another appointment.")]
    [ApiResponse(404, "No such appointment.")]
    [ApiResponse(409, "The appointment has started or ended.")]
    public async Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "appointments/{id}/cancel")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (caller, denied) = Authorize(request, id);
        if (denied is not null) return denied;
        return await Respond(status.ApplyAsync(RoleGate.Centre(request), id, AppointmentAction.Cancel, caller!, cancellationToken), cancellationToken);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("ConfirmAppointment")]
    [ApiOperation("Confirm an appointment that waits for confirmation (after repeated no-shows).", Tag = "appointments", Access = "the resident's link for this appointment")]
    [ApiResponse(200, "Confirmed.", Type = typeof(AppointmentView))]
    [ApiResponse(401, "No link, or the link is forged or expired.")]
    [ApiResponse(403, "The link is for another appointment.")]
    [ApiResponse(409, "Nothing to confirm, or too late.")]
    public async Task<IActionResult> Confirm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "appointments/{id}/confirm")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (caller, denied) = Authorize(request, id);
        if (denied is not null) return denied;
        return await Respond(status.ApplyAsync(RoleGate.Centre(request), id, AppointmentAction.Confirm, caller!, cancellationToken), cancellationToken);
    }

    [RequireRole(Roles.Staff)]
    [Function("StaffAppointmentAction")]
    [ApiOperation("Staff: check a resident in, mark served or a no-show, cancel, move the appointment (reschedule, with a body like the resident's), " +
        "or record the check of a green-channel claim at the window (green-confirm, green-downgrade; audited).",
        Tag = "staff", Access = "staff", RequestBody = typeof(RescheduleRequest))]
    [ApiResponse(200, "Done.", Type = typeof(AppointmentView))]
    [ApiResponse(400, "The new slot cannot be booked (reschedule).")]
    [ApiResponse(404, "No such appointment or action.")]
    [ApiResponse(409, "The appointment is not in a state for this action, or the new slot is full.")]
    public async Task<IActionResult> StaffAction(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/appointments/{id}/{action}")] HttpRequest request, string id, string action,
        CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        if (action is "green-confirm" or "green-downgrade")
            return await Respond(status.CheckGreenClaimAsync(RoleGate.Centre(request), id, action == "green-confirm", caller, cancellationToken), cancellationToken, forStaff: true);
        if (action == "reschedule")
        {
            var (body, bad) = await RequestBody.ReadJsonAsync<RescheduleRequest>(request, cancellationToken);
            if (bad is not null) return bad;
            if (!Outcomes.TryDate(body!.Date, "date", out var date, out var problem) || !Outcomes.TryTime(body.Start, "start", out var start, out problem)) return problem!;
            return await Respond(reschedule.RescheduleAsync(RoleGate.Centre(request), id, date, start, caller, cancellationToken), cancellationToken, forStaff: true);
        }
        AppointmentAction? chosen = action switch
        {
            "check-in" => AppointmentAction.CheckIn,
            "served" => AppointmentAction.Serve,
            "no-show" => AppointmentAction.NoShow,
            "cancel" => AppointmentAction.Cancel,
            _ => null,
        };
        return chosen is not { } known
            ? Problems.NotFound($"Unknown action '{action}': use check-in, served, no-show, cancel, reschedule, green-confirm or green-downgrade.")
            : await Respond(status.ApplyAsync(RoleGate.Centre(request), id, known, caller!, cancellationToken), cancellationToken, forStaff: true);
    }

    [RequireRole(Roles.Staff)]
    [Function("StaffGetAppointment")]
    [ApiOperation("An appointment, for staff, with where its green-channel claim stands (greenCheck: Pending until confirmed or downgraded at the window).", Tag = "staff", Access = "staff")]
    [ApiResponse(200, "The appointment.", Type = typeof(AppointmentView))]
    [ApiResponse(404, "No such appointment.")]
    public async Task<IActionResult> StaffGet(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/appointments/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var result = await queries.GetAsync(RoleGate.Centre(request), id, cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        return new OkObjectResult(await ViewAsync(result.Value!.Appointment, cancellationToken, forStaff: true));
    }

    [RequireRole(Roles.Staff)]
    [Function("StaffAppointments")]
    [ApiOperation("The day's appointments of one window category, for staff.", Tag = "staff", Access = "staff")]
    [ApiResponse(200, "Appointments in order of time.", Type = typeof(IReadOnlyList<AppointmentView>))]
    [ApiResponse(400, "A parameter is not valid.")]
    public async Task<IActionResult> StaffList(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/appointments")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!Outcomes.TryDate(request.Query["date"], "date", out var date, out var bad)) return bad!;
        var list = await queries.DayAsync(RoleGate.Centre(request), Empty(request.Query["categoryId"]), date, cancellationToken);
        if (list.Error is { } error) return Outcomes.Problem(error);
        var profile = (await centres.GetAsync(RoleGate.Centre(request), cancellationToken))!.Profile;
        return new OkObjectResult(list.Value!.Select(a => AppointmentView.Of(a, profile, forStaff: true)).ToList());
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.ExtendedHours)]
    [Function("RequestExtendedHours")]
    [ApiOperation("Ask for a lunch, evening or weekend slot: booked into an extended session if one has room, else recorded for the centre.", Tag = "appointments",
        RequestBody = typeof(ExtendedHoursBody))]
    [ApiResponse(201, "Booked into an extended session, or the request recorded.", Type = typeof(ExtendedHoursView))]
    [ApiResponse(400, "A field is not valid.")]
    [ApiResponse(404, "Unknown item or bundle.")]
    [ApiResponse(403, "The mobile is not verified (code verification-required), or the code is wrong, expired or used up.")]
    [ApiResponse(409, "A per-phone limit is reached, or a duplicate.")]
    [ApiResponse(429, "Too many requests from this address or for this mobile.")]
    public async Task<IActionResult> ExtendedHours(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "extended-hours-requests")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (caller, denied) = callers.Resolve(request);
        if (denied is not null) return denied;
        var (body, bad) = await RequestBody.ReadJsonAsync<ExtendedHoursBody>(request, cancellationToken);
        if (bad is not null) return bad;
        if (!Outcomes.TryDate(body!.Date, "date", out var date, out var problem)) return problem!;
        var result = await extendedHours.RequestAsync(RoleGate.Centre(request), new ExtendedHoursCommand(Empty(body.ItemId), Empty(body.BundleId), date, body.Wanted,
            body.Name, body.Mobile, Empty(body.Language), Empty(body.VerificationCode), MobileProofTransport.Read(request)), Public(caller!), cancellationToken);
        if (result.Error is { } error) return Outcomes.Problem(error);
        MobileProofTransport.Write(request.HttpContext.Response, result.Value!.NewProof, clock.GetCurrentInstant());
        var view = result.Value!.Booked is { } booked
            ? new ExtendedHoursView("booked", await BookedViewAsync(booked, cancellationToken), null, "Booked into an extended session.")
            : new ExtendedHoursView("recorded", null, result.Value.Recorded!.Id, "No extended session has room that day; the centre will consider your request and reply by SMS.");
        return new ObjectResult(view) { StatusCode = StatusCodes.Status201Created };
    }

    /// <summary>
    /// On an anonymous endpoint a signed-in member of staff is one more member of the public: staff act through the
    /// staff endpoints, which need the function key as well as the sign-in (ADR 0003). The booking page asks the same.
    /// </summary>
    internal static Caller Public(Caller caller) => caller is StaffCaller ? AnonymousCaller.Instance : caller;

    private CallerResult Authorize(HttpRequest request, string appointmentId)
    {
        var resolved = callers.Resolve(request);
        if (resolved.Problem is not null) return resolved;
        return resolved.Caller switch
        {
            ResidentCaller r when ManageLinks.Allows(r, RoleGate.Centre(request), appointmentId) => resolved,
            ResidentCaller => new(null, Problems.Forbidden("The link is for another appointment.")),
            // Staff act through /api/staff/appointments/..., which needs the function key as well as the sign-in (ADR 0003).
            StaffCaller => new(null, Problems.Forbidden("Staff use /api/staff/appointments/{id}, with the function key.")),
            _ => new(null, Problems.Unauthorized("Open the link from your SMS.")),
        };
    }

    private async Task<IActionResult> Respond(Task<Outcome<Appointment>> work, CancellationToken cancellationToken, bool forStaff = false)
    {
        var result = await work;
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(await ViewAsync(result.Value!, cancellationToken, forStaff));
    }

    private async Task<AppointmentView> ViewAsync(Appointment a, CancellationToken cancellationToken, bool forStaff = false) =>
        AppointmentView.Of(a, (await centres.GetAsync(a.CentreId, cancellationToken))!.Profile, forStaff);

    private async Task<BookedView> BookedViewAsync(Booked booked, CancellationToken cancellationToken) =>
        new(await ViewAsync(booked.Appointment, cancellationToken), booked.ManageToken, ManageUrl(booked.ManageToken));

    private string ManageUrl(string token) => $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/pages/manage?{CallerResolver.TokenQuery}={Uri.EscapeDataString(token)}";

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
