using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Scheduler.Functions.Platform;

/// <summary>
/// The keys that encrypt stored data (resident IDs), under <c>DataKeys</c>: <c>DataKeys__Current</c> names the version
/// new data is encrypted under, <c>DataKeys__Keys__{version}</c> holds each version's key (base64 of 32 bytes; Key
/// Vault references in Azure). Every version still used by stored rows stays listed, so rotating is adding a version
/// and making it current. Independent of the link-signing key, which can then be rotated alone (ADR 0023).
/// </summary>
public sealed class DataKeyOptions
{
    public const string Section = "DataKeys";

    /// <summary>The version new data is encrypted under; <c>DataKeys:Keys</c> must hold it.</summary>
    public string Current { get; set; } = "";

    /// <summary>Every key version still in use, by version name (<c>v1</c>, <c>v2</c>, ...).</summary>
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>The data key of <c>local.settings.sample.json</c>: public, so only a local run may use it (<see cref="SampleSecrets"/>).</summary>
    public const string SampleKey = "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1kYXRhLWtleSE=";

    /// <summary>The version name of data written before data keys existed (key derived from the signing key); never configurable.</summary>
    public const string LegacyVersion = "v0";

    public static bool IsVersionName(string version) => Regex.IsMatch(version, "^v[1-9][0-9]{0,5}$");
}

/// <summary>
/// Checks the data keys at start: a current version that is listed, keys of 32 bytes (the sample key is refused
/// outside a local run by <see cref="SampleSecretsValidator"/>, with the other sample secrets).
/// </summary>
public sealed class DataKeyOptionsValidator : IValidateOptions<DataKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, DataKeyOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Current))
            problems.Add("DataKeys:Current is not set: name the version of the key that encrypts stored data (v1, with its key in DataKeys:Keys:v1; openssl rand -base64 32).");
        else if (!options.Keys.ContainsKey(options.Current))
            problems.Add($"DataKeys:Keys:{options.Current} is not set: DataKeys:Current names it as the key that encrypts stored data.");
        foreach (var (version, key) in options.Keys)
        {
            if (!DataKeyOptions.IsVersionName(version))
                problems.Add($"DataKeys:Keys:{version}: a key version is named v1, v2, ... (v0 is the key derived from the signing key, never set).");
            if (KeyVaultReference.IsUnresolved(key)) continue; // as with the signing key: health names it, use fails naming it
            if (Decode(key) is not { Length: 32 })
                problems.Add($"DataKeys:Keys:{version} must be base64 of exactly 32 bytes (openssl rand -base64 32).");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static byte[]? Decode(string key)
    {
        try
        {
            return Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>A stored value names a data key version that <c>DataKeys:Keys</c> does not list.</summary>
public sealed class UnknownDataKeyException(string version)
    : Exception($"Stored data is encrypted under data key '{version}', which DataKeys:Keys does not list; put that version back (a key stays listed while stored rows use it).")
{
    public string Version { get; } = version;
}

/// <summary>The data keys by version, decoded on demand, with v0 (derived from the signing key) for data written before versions.</summary>
public sealed class DataKeyRing(DataKeyOptions options, Func<byte[]>? legacyKey)
{
    public string Current => options.Current;

    public byte[] Key(string version)
    {
        if (version == DataKeyOptions.LegacyVersion && legacyKey is not null) return legacyKey();
        if (!options.Keys.TryGetValue(version, out var key)) throw new UnknownDataKeyException(version);
        if (KeyVaultReference.IsUnresolved(key))
            throw new SettingUnavailableException($"{DataKeyOptions.Section}:Keys:{version}", "Key Vault reference not resolved");
        return DataKeyOptionsValidator.Decode(key) ?? throw new UnknownDataKeyException(version);
    }
}
