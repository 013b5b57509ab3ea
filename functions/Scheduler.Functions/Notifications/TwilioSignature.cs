using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Twilio.Security;

namespace Scheduler.Functions.Notifications;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> with Twilio's own <see cref="RequestValidator"/> against the URL Twilio was given:
/// the configured public base URL with the request's path and query (never the Host the request arrived with, which
/// differs behind App Service's front end). With the <c>twilio</c> provider the local development token is refused.
/// </summary>
public sealed class TwilioSignature(IOptions<TwilioOptions> twilio, IOptions<SmsOptions> sms, IOptions<SchedulerOptions> scheduler)
{
    public const string Header = "X-Twilio-Signature";

    public string UrlOf(HttpRequest request) => $"{scheduler.Value.PublicBaseUrl.TrimEnd('/')}{request.Path}{request.QueryString}";

    public bool IsValid(HttpRequest request, IReadOnlyDictionary<string, string> form)
    {
        var token = twilio.Value.AuthToken?.Trim();
        if (string.IsNullOrEmpty(token) || KeyVaultReference.IsUnresolved(token)) return false;
        if (sms.Value.UsesTwilio && twilio.Value.UsesLocalToken) return false;
        var signature = request.Headers[Header].ToString();
        if (signature.Length == 0) return false;
        return new RequestValidator(token).Validate(UrlOf(request), form.ToDictionary(p => p.Key, p => p.Value), signature);
    }
}
