using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Scheduler.Core.Booking;
using Scheduler.Pages;

namespace Scheduler.Functions.Pages;

/// <summary>
/// Local development only: a phone-like page showing the messages to a number (the local inbox) with a box to type
/// a reply. phone.js signs the reply as Twilio would (HMAC-SHA1 with the local auth token over the public URL and
/// the form), posts it to the real <c>/api/sms/inbound</c> and shows the answer when it arrives. It exists only with
/// <c>Sms:Provider</c> <c>local</c> on an app that serves only this machine (<see cref="Scheduler.Functions.Notifications.LocalInbox"/>).
/// </summary>
public sealed class PhonePage(TableSmsOutbox outbox, ICentreDirectory centres, IOptions<SmsOptions> sms, IOptions<TwilioOptions> twilio, IOptions<SchedulerOptions> options)
{
    [Function("PagePhone")]
    [ApiOperation("Local development only: a phone showing a number's SMS, to reply from.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(404, "SMS are sent through Twilio here, or the app serves more than this machine.")]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/phone")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (Scheduler.Functions.Notifications.LocalInbox.Refusal(sms.Value, options.Value) is { } refused) return Problems.NotFound(refused);
        if (string.IsNullOrEmpty(twilio.Value.AuthToken)) return Problems.NotFound("The local phone needs a Twilio:AuthToken to sign its replies with.");
        var to = request.Query["to"].ToString().Trim();
        if (!System.Text.RegularExpressions.Regex.IsMatch(to, @"^\+[1-9][0-9]{6,14}$")) return Problems.Validation("to", "to must be a number in E.164 form, like +8613912345678.");
        var lang = Lang.For(request.Query["lang"]);
        var centre = await centres.GetAsync(RoleGate.Centre(request), cancellationToken) ?? throw new InvalidOperationException("The centre has no profile.");
        var messages = (await outbox.ListToAsync(to, 50, cancellationToken)).Reverse()
            .Select(m => new PhoneMessage(m.Message.Key, m.Message.Text, $"{m.Message.At} · {m.Message.Kind} · {m.ProviderStatus ?? m.Status}")).ToList();
        return await PageResponse.RenderAsync<Scheduler.Pages.Local.PhonePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.PhoneTitle], $"/api/pages/phone?to={ResidentPages.Q(to)}&lang={lang.Other.Code}", ["phone.js"]),
            ["To"] = to, ["InboundUrl"] = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/sms/inbound", ["SigningToken"] = twilio.Value.AuthToken, ["Messages"] = messages,
        }, carriesToken: true);
    }
}
