using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Core.Privacy;

namespace Scheduler.Functions.Notifications;

/// <summary>A message as the local inbox lists it.</summary>
public sealed record LocalSmsView(string Id, string To, string Text, Instant At, string Status, string Kind);

/// <summary>
/// SMS: the sender (queue <c>sms-send</c>), Twilio's webhooks (delivery status and replies, both signed), the short
/// links in messages, and locally the inbox of a number.
/// </summary>
public sealed class SmsFunctions(DeliverSms deliver, RecordSmsStatus statuses, HandleInboundSms inbound, TwilioSignature signature, TableSmsOutbox outbox,
    ShortLinks links, ManageLinks manage, VisitRatings visitRatings, ICentreDirectory centres, IAppointmentStore appointments, IOptions<SmsOptions> sms,
    IOptions<SchedulerOptions> options, SchedulerMetrics metrics, Scheduler.Core.Operations.PoisonWatch poison, ILogger<SmsFunctions> logger)
{
    /// <summary>
    /// Sends one message of the outbox. A message that cannot be read, or whose sending fails, throws with the reason
    /// (noted by <see cref="Scheduler.Core.Operations.PoisonWatch"/>), so the host retries it and then moves it to
    /// <c>sms-send-poison</c>, where <see cref="PoisonFunctions"/> records it for dispatchers and health.
    /// </summary>
    [Function("SendSms")]
    public Task Send([QueueTrigger(StorageNames.SmsSendQueue, Connection = StorageClients.ConnectionName)] string message, CancellationToken cancellationToken) =>
        poison.GuardAsync(StorageNames.SmsSendQueue, message, async () =>
        {
            var step = await deliver.RunAsync(Parse(message), cancellationToken);
            logger.LogInformation("SMS step: {Status} {Detail}", step.Status, step.Detail);
            if (step.Ended is { } m)
            {
                if (step.Status == SmsStatuses.Sent) metrics.SmsSent(m.CentreId, m.Kind, SmsSegments.Count(m.Text).Segments);
                else metrics.SmsFailed(m.CentreId, m.Kind, step.Status == SmsStatuses.OptedOut ? "21610" : step.Status);
            }
        }, cancellationToken);

    public static SmsRef Parse(string message)
    {
        SmsSendMessage? m;
        try
        {
            m = JsonSerializer.Deserialize<SmsSendMessage>(message, Json.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not valid JSON for an SMS to send at '{e.Path}'.");
        }
        if (m is null || m.Type != SmsSendMessage.TypeName || string.IsNullOrEmpty(m.To) || string.IsNullOrEmpty(m.Key))
            throw new InvalidDataException("Not an SMS to send: type 'sms.send', to and key are required.");
        if (m.Version is < 1 or > SmsSendMessage.CurrentVersion)
            throw new InvalidDataException($"SMS message version {m.Version} is not one this code reads (1 to {SmsSendMessage.CurrentVersion}).");
        return new SmsRef(m.To, m.Key);
    }

    [Function("SmsStatus")]
    [ApiOperation("Twilio's delivery status callback: the message's status moves forward only.", Tag = "sms", Access = "Twilio (X-Twilio-Signature)")]
    [ApiResponse(204, "Recorded (or nothing to change).")]
    [ApiResponse(400, "The form is malformed or has too many fields.")]
    [ApiResponse(403, "Missing or wrong signature.")]
    [ApiResponse(413, "The form is larger than 16 KB.")]
    public async Task<IActionResult> Status([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sms/status")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (signed, refused) = await SignedFormAsync(request, cancellationToken);
        if (signed is not { } form) return refused!;
        var sid = form.GetValueOrDefault("MessageSid") ?? form.GetValueOrDefault("SmsSid");
        var status = form.GetValueOrDefault("MessageStatus") ?? form.GetValueOrDefault("SmsStatus");
        if (string.IsNullOrEmpty(sid) || string.IsNullOrEmpty(status)) return Problems.Validation("MessageSid", "MessageSid and MessageStatus are required.");
        var moved = await statuses.RecordAsync(sid, status, form.GetValueOrDefault("ErrorCode"), request.Query[TwilioSmsGateway.CallbackQuery].ToString(), cancellationToken);
        logger.LogInformation("SMS status {Status} for {Sid}: {Moved}", status, sid[..Math.Min(10, sid.Length)], moved ? "recorded" : "unchanged");
        return new NoContentResult();
    }

    [Function("SmsInbound")]
    [ApiOperation("Twilio's inbound SMS webhook: a resident's reply (1 confirm, 2 cancel, 3 change, BOOK, HELP, STOP, START, a choice's number, a 1-5 rating). Answers are sent as SMS.",
        Tag = "sms", Access = "Twilio (X-Twilio-Signature)")]
    [ApiResponse(200, "Empty TwiML; the answer goes out through the outbox.", ContentType = "text/xml")]
    [ApiResponse(400, "The form is malformed or has too many fields.")]
    [ApiResponse(403, "Missing or wrong signature.")]
    [ApiResponse(413, "The form is larger than 16 KB.")]
    public async Task<IActionResult> Inbound([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sms/inbound")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (signed, refused) = await SignedFormAsync(request, cancellationToken);
        if (signed is not { } form) return refused!;
        var sid = form.GetValueOrDefault("MessageSid") ?? form.GetValueOrDefault("SmsSid");
        if (string.IsNullOrEmpty(sid) || string.IsNullOrEmpty(form.GetValueOrDefault("From")))
            return Problems.Validation("MessageSid", "MessageSid and From are required.");
        var outcome = await inbound.HandleAsync(options.Value.CentreId, new InboundSms(sid, form["From"], form.GetValueOrDefault("Body") ?? ""), cancellationToken);
        logger.LogInformation("SMS reply understood as {Understood}; answered {Reply} {Problem}", outcome.Understood, outcome.Reply ?? "by its event", outcome.Problem);
        return new ContentResult { StatusCode = 200, ContentType = "text/xml; charset=utf-8", Content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>" };
    }

    [Function("LocalSms")]
    [ApiOperation("Local development only (Sms:Provider local on a public base URL on localhost): the messages to a number, newest first.", Tag = "sms")]
    [ApiResponse(200, "The messages.", Type = typeof(IReadOnlyList<LocalSmsView>))]
    [ApiResponse(400, "to is not a number in E.164 form.")]
    [ApiResponse(404, "SMS are sent through Twilio here, or the app serves more than this machine.")]
    public async Task<IActionResult> Local([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "local/sms")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (LocalInbox.Refusal(sms.Value, options.Value) is { } refused) return Problems.NotFound(refused);
        var to = request.Query["to"].ToString().Trim();
        if (!System.Text.RegularExpressions.Regex.IsMatch(to, @"^\+[1-9][0-9]{6,14}$")) return Problems.Validation("to", "to must be a number in E.164 form, like +8613912345678.");
        var list = await outbox.ListToAsync(to, 100, cancellationToken);
        return new OkObjectResult(list.Select(s => new LocalSmsView(s.Message.Key, s.Message.To, s.Message.Text, s.Message.At, s.ProviderStatus ?? s.Status, s.Message.Kind)).ToList());
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("ShortLink")]
    [ApiOperation("A short link from an SMS: redirects to the page it names with a fresh signed token.", Tag = "pages")]
    [ApiResponse(302, "To the page.")]
    [ApiResponse(404, "Not a link the centre made, or its subject is gone.")]
    public async Task<IActionResult> Short([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "l/{kind}/{id}/{mac}")] HttpRequest request, string kind, string id, string mac,
        CancellationToken cancellationToken)
    {
        if (!links.Verify(kind, id, mac)) return Problems.NotFound("This link is not valid.");
        // The link's id names its centre (none: the default centre), under the MAC.
        var (centreId, subject) = links.Read(id);
        var centre = await centres.GetAsync(centreId, cancellationToken);
        var pages = centreId == options.Value.CentreId ? "" : $"&{RoleGate.CentreQuery}={Uri.EscapeDataString(centreId)}";
        if (kind == ShortLinks.SessionKind)
        {
            // An extended session opened for residents who asked: the booking page of their service on that day.
            if (centre is null || ShortLinks.ReadSession(subject) is not { } session) return Problems.NotFound("This link is not valid.");
            var service = centre.Profile.Items.Any(i => i.Id == session.BookableId) ? "item." + session.BookableId
                : centre.Profile.Bundles.Any(b => b.Id == session.BookableId) ? "bundle." + session.BookableId : null;
            if (service is null) return Problems.NotFound("This service is no longer offered.");
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return new RedirectResult($"/api/pages/book/slots?service={Uri.EscapeDataString(service)}&date={session.Date:yyyy-MM-dd}&lang=zh{pages}");
        }
        if (kind == ShortLinks.VisitRatingKind)
        {
            // A home visit's rating request: its rating page, with a token for that visit.
            var visitToken = centre is null ? null : await visitRatings.IssueAsync(centreId, subject, cancellationToken);
            if (visitToken is null) return Problems.NotFound("This home visit no longer exists.");
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return new RedirectResult($"/api/pages/rate?{CallerResolver.TokenQuery}={Uri.EscapeDataString(visitToken)}&lang=zh");
        }
        if (kind is not (ShortLinks.AppointmentKind or ShortLinks.RatingKind)) return Problems.NotFound("This link is not valid.");
        var stored = centre is null ? null : await appointments.GetAsync(centreId, subject, cancellationToken);
        if (stored is null) return Problems.NotFound("This appointment no longer exists.");
        var token = manage.Issue(centre!, stored.Appointment);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        var page = kind == ShortLinks.RatingKind ? "rate" : "manage";
        return new RedirectResult($"/api/pages/{page}?{CallerResolver.TokenQuery}={Uri.EscapeDataString(token)}&lang={stored.Appointment.Language}");
    }

    /// <summary>
    /// The posted form, read within the pages' limits (16 KB, 50 fields, keys of 2,048 characters) before the signature
    /// can be checked over it: a body beyond them is 413 or 400, never an exception, and only then is the signature checked.
    /// </summary>
    private async Task<(Dictionary<string, string>? Form, IActionResult? Refused)> SignedFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (read, fault) = await Scheduler.Functions.Pages.PageForm.ReadAsync(request, cancellationToken);
        switch (fault)
        {
            case Scheduler.Functions.Pages.FormFault.NotAForm:
                return (null, Problems.Forbidden("Twilio posts a signed form (application/x-www-form-urlencoded)."));
            case Scheduler.Functions.Pages.FormFault.TooLarge:
                return (null, Problems.Of(StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
                    $"Twilio's form must be at most {RequestBody.MaxBytes} bytes.", new Dictionary<string, object?> { ["field"] = "$" }));
            case Scheduler.Functions.Pages.FormFault.Malformed:
                return (null, Problems.Of(StatusCodes.Status400BadRequest, "The form cannot be read.",
                    $"The form must be well-formed UTF-8 with at most {Scheduler.Functions.Pages.PageForm.MaxFields} fields and names of at most {Scheduler.Functions.Pages.PageForm.MaxKeyLength} characters.",
                    new Dictionary<string, object?> { ["field"] = "$" }));
        }
        var form = read!;
        if (!signature.IsValid(request, form))
        {
            logger.LogWarning("A request to {Path} without a valid Twilio signature was refused", request.Path);
            return (null, Problems.Forbidden("The request is not signed by Twilio for this URL."));
        }
        return (form, null);
    }
}

/// <summary>
/// Whether the local inbox (<c>GET /api/local/sms</c>) and the local phone page may be shown: only with
/// <c>Sms:Provider</c> <c>local</c> on an app that serves only this machine (<see cref="SchedulerOptions.IsLocal"/>).
/// Both are anonymous and show every number's codes and links, so a deployment never shows them, whatever its provider.
/// </summary>
public static class LocalInbox
{
    /// <summary>Why they are refused, or null when they may be shown.</summary>
    public static string? Refusal(SmsOptions sms, SchedulerOptions scheduler) =>
        !sms.UsesLocal ? "The local inbox exists only with Sms:Provider 'local'; SMS are sent through the provider here."
        : !scheduler.IsLocal ? "The local inbox exists only on an app that serves this machine alone (Scheduler:PublicBaseUrl on localhost): "
                               + "it is anonymous and shows every number's codes and links, so a deployment never shows it, even with Sms:Provider 'local'."
        : null;
}
