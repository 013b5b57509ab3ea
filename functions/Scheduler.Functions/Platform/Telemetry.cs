using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Scheduler.Functions.Platform;

/// <summary>
/// OpenTelemetry from the worker to Application Insights: a span for each function invocation (joined to the
/// host's request span), Azure SDK calls to storage as dependencies, logs, and <see cref="SchedulerMetrics"/>.
/// On only where <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (in Azure); every span and log goes through
/// the privacy processors first.
/// </summary>
public static class Telemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]);

    public static IServiceCollection AddSchedulerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString)) return services;
        var credential = CredentialFor(configuration[AuthenticationStringSetting]);

        // The Azure SDK emits its spans through ActivitySource only when asked.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource("Azure.*").AddProcessor(new PrivacyActivityProcessor()))
            .WithMetrics(metrics => metrics.AddMeter(SchedulerMetrics.MeterName))
            .WithLogging(logging => logging.AddProcessor(new PrivacyLogProcessor()))
            .UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (credential is not null) options.Credential = credential;
            });
        return services;
    }

    /// <summary>
    /// The credential Application Insights wants when its local authentication is off:
    /// <c>Authorization=AAD;ClientId=&lt;user-assigned identity&gt;</c> (App Service's setting format), or none.
    /// </summary>
    public static TokenCredential? CredentialFor(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString)) return null;
        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !string.Equals(kind, "AAD", StringComparison.OrdinalIgnoreCase)) return null;
        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
