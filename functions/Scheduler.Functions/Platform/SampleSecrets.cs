using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Scheduler.Functions.Notifications;

namespace Scheduler.Functions.Platform;

/// <summary>
/// The secrets of <c>local.settings.sample.json</c>: public, so only a local run (public base URL on localhost) may
/// use them. The one place that refuses them: a deployment whose settings hold any of them, under any setting name,
/// does not start, and the failure names the setting, never the value.
/// </summary>
public static class SampleSecrets
{
    /// <summary>Each sample secret with the setting it is the sample of (for the message).</summary>
    public static IReadOnlyList<(string Setting, string Value)> All { get; } =
    [
        ("Scheduler:TokenSigningKey", SchedulerOptions.SampleSigningKey),
        ("DataKeys:Keys:v1", DataKeyOptions.SampleKey),
        ("Twilio:AuthToken", TwilioOptions.LocalAuthToken),
    ];

    /// <summary>The settings of <paramref name="configuration"/> holding a sample secret, each with what to do instead.</summary>
    public static IReadOnlyList<string> FoundIn(IConfiguration configuration)
    {
        var found = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value)) continue;
            foreach (var (setting, sample) in All)
                if (string.Equals(value.Trim(), sample, StringComparison.Ordinal))
                    found.Add($"{key} holds the sample value of {setting} from local.settings.sample.json; a deployment needs its own secret"
                        + (setting == "Twilio:AuthToken" ? " (the auth token of the Twilio account)." : " (openssl rand -base64 32)."));
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }
}

/// <summary>Stops a deployment at start while any setting holds a sample secret (<see cref="SampleSecrets"/>); a local run takes them.</summary>
public sealed class SampleSecretsValidator(IConfiguration configuration) : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        if (options.IsLocal) return ValidateOptionsResult.Skip;
        var found = SampleSecrets.FoundIn(configuration);
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }
}
