using Azure;
using Azure.Identity;

namespace Scheduler.Functions.Platform;

/// <summary>
/// App Service leaves a Key Vault reference it cannot resolve (the secret is missing, or the app's identity may not
/// read it yet) in place as its literal text, <c>@Microsoft.KeyVault(...)</c>, and fetches it again only on a restart,
/// a refresh of the references or about once a day.
/// </summary>
public static class KeyVaultReference
{
    public static bool IsUnresolved(string? value) =>
        value is not null && value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A setting the app needs is not usable yet (an unresolved Key Vault reference). The app still starts, so that
/// <c>GET /api/health</c> can say so; what needs the setting fails with this exception, which names it.
/// </summary>
public sealed class SettingUnavailableException(string setting, string problem)
    : InvalidOperationException($"{setting}: {problem}. GET /api/health reports it; the app picks the value up when restarted.")
{
    public string Setting { get; } = setting;
}

/// <summary>
/// Failures of a dependency the app waits out rather than dying of: storage that does not answer, and on a new
/// deployment a managed identity whose role assignments have not spread yet (no token, or 403 from storage).
/// </summary>
public static class DependencyProblems
{
    public static bool IsDependencyFailure(Exception e) => e switch
    {
        RequestFailedException or HttpRequestException or TimeoutException or AuthenticationFailedException or SettingUnavailableException => true,
        AggregateException a => a.InnerExceptions.All(IsDependencyFailure),
        _ => false,
    };

    /// <summary>A short description for health and logs: the kind of failure and the service's error code, never a secret.</summary>
    public static string Describe(Exception e) => e switch
    {
        AuthenticationFailedException => $"identity: the app's managed identity got no token ({e.GetType().Name})",
        RequestFailedException { Status: 401 or 403 } r =>
            $"forbidden: the app's identity may not use it (HTTP {r.Status}{(string.IsNullOrEmpty(r.ErrorCode) ? "" : " " + r.ErrorCode)}); new role assignments take minutes to apply",
        RequestFailedException { Status: > 0 } r => $"failed (HTTP {r.Status}{(string.IsNullOrEmpty(r.ErrorCode) ? "" : " " + r.ErrorCode)})",
        SettingUnavailableException s => s.Message,
        AggregateException { InnerExceptions.Count: > 0 } a => Describe(a.InnerExceptions[0]),
        OperationCanceledException or TimeoutException => "timeout",
        _ => "unreachable",
    };
}
