namespace Scheduler.Functions.Notifications;

/// <summary>
/// Settings under <c>Sms</c> (app setting <c>Sms__Provider</c>): where messages to residents go. Locally
/// <c>console</c> (messages are logged, nothing is sent); in Azure <c>twilio</c>, which needs <see cref="TwilioOptions"/>.
/// Not validated at start: <c>GET /api/health</c> names what is wrong instead.
/// </summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";
    public const string Console = "console";
    public const string Twilio = "twilio";

    /// <summary><c>console</c> or <c>twilio</c>.</summary>
    public string Provider { get; set; } = Console;

    public bool UsesTwilio => string.Equals(Provider?.Trim(), Twilio, StringComparison.OrdinalIgnoreCase);

    public bool UsesConsole => string.Equals(Provider?.Trim(), Console, StringComparison.OrdinalIgnoreCase);

    /// <summary>"ok", or what is wrong with the SMS configuration, naming the settings (never their values).</summary>
    public string Check(TwilioOptions twilio)
    {
        if (UsesConsole) return "ok";
        if (!UsesTwilio) return $"unknown provider '{Provider}': Sms:Provider must be '{Console}' or '{Twilio}'";
        return twilio.Check();
    }
}
