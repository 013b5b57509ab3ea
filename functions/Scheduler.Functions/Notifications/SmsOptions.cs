namespace Scheduler.Functions.Notifications;

/// <summary>
/// Settings under <c>Sms</c> (app setting <c>Sms__Provider</c>): where messages go. <c>local</c> (the dev host's
/// default; <c>console</c> is read as <c>local</c>) keeps them in the outbox, listed by <c>GET /api/local/sms</c>;
/// <c>twilio</c> sends them, which needs <see cref="TwilioOptions"/>. When messages go is <see cref="NotificationOptions"/>. Not validated at start:
/// <c>GET /api/health</c> names what is wrong instead.
/// </summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";
    public const string Local = "local";
    public const string Console = "console";
    public const string Twilio = "twilio";

    /// <summary><c>local</c> or <c>twilio</c>.</summary>
    public string Provider { get; set; } = Local;

    /// <summary>Numbers outside mainland China the centre sends SMS to (comma-separated E.164); every other foreign number is refused.</summary>
    public string AllowedNumbers { get; set; } = "";

    public bool UsesTwilio => string.Equals(Provider?.Trim(), Twilio, StringComparison.OrdinalIgnoreCase);

    public bool UsesLocal => string.Equals(Provider?.Trim(), Local, StringComparison.OrdinalIgnoreCase)
                             || string.Equals(Provider?.Trim(), Console, StringComparison.OrdinalIgnoreCase);

    /// <summary>"ok", or what is wrong with the SMS configuration, naming the settings (never their values).</summary>
    public string Check(TwilioOptions twilio)
    {
        if (UsesLocal) return "ok";
        if (!UsesTwilio) return $"unknown provider '{Provider}': Sms:Provider must be '{Local}' or '{Twilio}'";
        return twilio.Check();
    }
}
