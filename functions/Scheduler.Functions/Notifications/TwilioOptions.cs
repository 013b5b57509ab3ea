using System.Text.RegularExpressions;

namespace Scheduler.Functions.Notifications;

/// <summary>
/// Settings under <c>Twilio</c> (app settings <c>Twilio__Name</c>), needed when <c>Sms:Provider</c> is <c>twilio</c>.
/// In Azure the account SID and auth token are Key Vault references. Bound without validation at start, so a
/// missing secret does not stop the app: <see cref="Check"/> feeds <c>GET /api/health</c>.
/// </summary>
public sealed partial class TwilioOptions
{
    public const string Section = "Twilio";

    /// <summary>The account SID, <c>AC</c> and 32 hex digits.</summary>
    public string AccountSid { get; set; } = "";

    /// <summary>The auth token: authenticates calls to Twilio and validates <c>X-Twilio-Signature</c> on webhooks.</summary>
    public string AuthToken { get; set; } = "";

    /// <summary>The sender number in E.164 form; not needed when <see cref="MessagingServiceSid"/> is set.</summary>
    public string FromNumber { get; set; } = "";

    /// <summary>A Messaging Service SID, <c>MG</c> and 32 hex digits; preferred over <see cref="FromNumber"/> when set.</summary>
    public string MessagingServiceSid { get; set; } = "";

    /// <summary>
    /// The auth token of local development (in <c>local.settings.sample.json</c>): the local phone page signs its
    /// replies with it. Public, so a deployment does not start with it (<see cref="Platform.SampleSecrets"/>), and a local
    /// run that sends through Twilio refuses it (health reports it, webhooks answer 403).
    /// </summary>
    public const string LocalAuthToken = "local-development-only-twilio-token";

    /// <summary>Twilio's REST API; another address only for a local stub of it.</summary>
    public string ApiBaseUrl { get; set; } = "";

    /// <summary>Seconds to wait for Twilio's answer before the request counts as unanswered (then looked up before any resend).</summary>
    public int TimeoutSeconds { get; set; } = 15;

    public bool UsesLocalToken => string.Equals(AuthToken?.Trim(), LocalAuthToken, StringComparison.Ordinal);

    /// <summary>"ok", or the settings that are missing, unresolved or malformed, by name (values are never shown).</summary>
    public string Check()
    {
        var missing = new List<string>();
        var unresolved = new List<string>();
        var invalid = new List<string>();
        void Inspect(string name, string? value, Regex? shape)
        {
            if (string.IsNullOrWhiteSpace(value)) missing.Add(name);
            // App Service leaves a Key Vault reference it cannot resolve in place, as the literal text.
            else if (KeyVaultReference.IsUnresolved(value)) unresolved.Add(name);
            else if (shape is not null && !shape.IsMatch(value.Trim())) invalid.Add(name);
        }

        Inspect($"{Section}:{nameof(AccountSid)}", AccountSid, AccountSidShape());
        Inspect($"{Section}:{nameof(AuthToken)}", AuthToken, null);
        if (string.IsNullOrWhiteSpace(FromNumber) && string.IsNullOrWhiteSpace(MessagingServiceSid))
            missing.Add($"{Section}:{nameof(FromNumber)} or {Section}:{nameof(MessagingServiceSid)}");
        else if (!string.IsNullOrWhiteSpace(MessagingServiceSid))
            Inspect($"{Section}:{nameof(MessagingServiceSid)}", MessagingServiceSid, MessagingServiceSidShape());
        else
            Inspect($"{Section}:{nameof(FromNumber)}", FromNumber, E164());

        var problems = new List<string>();
        if (UsesLocalToken) problems.Add($"{Section}:{nameof(AuthToken)} is the local development token: set the deployment's own");
        if (missing.Count > 0) problems.Add("missing: " + string.Join(", ", missing));
        if (unresolved.Count > 0) problems.Add("Key Vault reference not resolved: " + string.Join(", ", unresolved));
        if (invalid.Count > 0) problems.Add("malformed: " + string.Join(", ", invalid));
        return problems.Count == 0 ? "ok" : string.Join("; ", problems);
    }

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSidShape();

    [GeneratedRegex("^MG[0-9a-fA-F]{32}$")]
    private static partial Regex MessagingServiceSidShape();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
