using System.ComponentModel.DataAnnotations;

namespace Scheduler.Functions.Platform;

/// <summary>Settings under <c>Scheduler</c> (app settings <c>Scheduler__Name</c>). Validated when the app starts.</summary>
public sealed class SchedulerOptions : IValidatableObject
{
    public const string Section = "Scheduler";

    /// <summary>The centre this app serves.</summary>
    [Required, RegularExpression("^[a-z0-9-]{2,32}$")]
    public string CentreId { get; set; } = "huli";

    /// <summary>IANA zone for residents' local dates and times when a centre names none.</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>The public base URL residents' links and Twilio webhooks are built on.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:7071";

    /// <summary>Base64 key (32 bytes or more) that signs residents' tokens. From Key Vault in Azure.</summary>
    [Required]
    public string TokenSigningKey { get; set; } = "";

    /// <summary>How long a resident's link stays valid, in hours.</summary>
    [Range(1, 24 * 60)]
    public int ResidentLinkHours { get; set; } = 24 * 30;

    /// <summary>Load the demo centre into storage at start (idempotent). Local only.</summary>
    public bool LoadDemoData { get; set; }

    /// <summary>The signing key, decoded; throws <see cref="SettingUnavailableException"/> while it is an unresolved Key Vault reference.</summary>
    public byte[] SigningKeyBytes()
    {
        if (KeyVaultReference.IsUnresolved(TokenSigningKey))
            throw new SettingUnavailableException($"{Section}:{nameof(TokenSigningKey)}", "Key Vault reference not resolved");
        try
        {
            return Convert.FromBase64String(TokenSigningKey);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    /// <summary>A key for another purpose (pseudonyms of phone numbers, ...) derived from the signing key, so one secret serves both.</summary>
    public byte[] DerivedKey(string purpose) =>
        System.Security.Cryptography.HMACSHA256.HashData(SigningKeyBytes(), System.Text.Encoding.UTF8.GetBytes("scheduler:" + purpose));

    /// <summary>"ok", or the settings that are unresolved Key Vault references, by name (for <c>GET /api/health</c>).</summary>
    public string Check() =>
        KeyVaultReference.IsUnresolved(TokenSigningKey) ? $"Key Vault reference not resolved: {Section}:{nameof(TokenSigningKey)}" : "ok";

    /// <summary>The signing key of <c>local.settings.sample.json</c>: public, so only a local run may use it (<see cref="SampleSecrets"/>).</summary>
    public const string SampleSigningKey = "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1zaWduaW5nLWtleS1kby1ub3QtdXNl";

    /// <summary>Whether the app serves only this machine (its public base URL is localhost), where the sample secrets may be used.</summary>
    public bool IsLocal => Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var url) && (url.IsLoopback || url.Host == "localhost");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The sample key of local.settings.sample.json is refused outside a local run by SampleSecretsValidator, with the other sample secrets.
        // An unresolved Key Vault reference does not stop the app (a new deployment's role assignments may still be
        // spreading): health reports it and what needs the key fails naming it. A key that is there but too short does.
        if (!KeyVaultReference.IsUnresolved(TokenSigningKey) && SigningKeyBytes().Length < 32)
            yield return new ValidationResult("Scheduler:TokenSigningKey must be base64 of at least 32 bytes.", [nameof(TokenSigningKey)]);
        if (NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone) is null)
            yield return new ValidationResult($"Scheduler:TimeZone '{TimeZone}' is not an IANA time zone.", [nameof(TimeZone)]);
    }
}
