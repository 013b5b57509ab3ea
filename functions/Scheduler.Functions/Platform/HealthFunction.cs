using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scheduler.Functions.Platform;

/// <param name="Alerts">What needs someone's attention without making the app unhealthy (queue messages given up on).</param>
public sealed record HealthReport(string Status, string Version, IReadOnlyDictionary<string, string> Checks, IReadOnlyList<string> Alerts);

/// <summary>
/// <c>GET /api/health</c>: whether the storage the app needs answers to the app's identity, whether the app's own
/// settings are resolved (the token-signing key's Key Vault reference) and whether SMS can be sent (with the
/// <c>twilio</c> provider, every Twilio setting present and its Key Vault reference resolved). A failure names the
/// check and its kind (unreachable, identity without a token, forbidden, unresolved reference), never a secret.
/// Queue messages given up on in the last day are listed as alerts; they do not make the app unhealthy.
/// </summary>
public sealed class HealthFunction(StorageClients storage, IOptions<SchedulerOptions> scheduler, IOptions<SmsOptions> sms, IOptions<TwilioOptions> twilio,
    Scheduler.Core.Operations.PoisonWatch poison, ILogger<HealthFunction> logger)
{
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static string Version { get; } =
        typeof(HealthFunction).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    [Function("Health")]
    [ApiOperation("Health of the app, of the storage it needs and of its SMS configuration.", Tag = "operations")]
    [ApiResponse(200, "Healthy.", Type = typeof(HealthReport))]
    [ApiResponse(503, "A dependency failed; the body names it.")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken)
    {
        var checks = new Dictionary<string, string>
        {
            ["tables"] = await CheckAsync("tables", ct => storage.Tables.GetPropertiesAsync(ct), cancellationToken),
            ["queues"] = await CheckAsync("queues", ct => storage.Queues.GetPropertiesAsync(ct), cancellationToken),
            ["settings"] = scheduler.Value.Check(),
            ["sms"] = sms.Value.Check(twilio.Value),
        };
        var failed = checks.Where(c => c.Value != "ok").Select(c => c.Key).ToList();
        if (failed.Count == 0) return new OkObjectResult(new HealthReport("healthy", Version, checks, await AlertsAsync(cancellationToken)));
        foreach (var check in new[] { "settings", "sms" }.Where(c => checks[c] != "ok"))
            logger.LogWarning("Health check {Check} failed: {Reason}", check, checks[check]);
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Unhealthy.",
            "Failed: " + string.Join("; ", failed.Select(f => $"{f} ({checks[f]})")) + ".",
            new Dictionary<string, object?> { ["version"] = Version, ["checks"] = checks, ["failed"] = failed });
    }

    private async Task<IReadOnlyList<string>> AlertsAsync(CancellationToken cancellationToken)
    {
        var poisoned = await poison.RecentAsync(cancellationToken);
        return poisoned.Count == 0 ? [] :
        [
            $"{poisoned.Count} queue message(s) given up on in the last day ({string.Join(", ", poisoned.GroupBy(p => p.Queue).Select(g => $"{g.Key}: {g.Count()}"))}); " +
            "see GET /api/dispatch/poisoned",
        ];
    }

    private async Task<string> CheckAsync(string name, Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await probe(timeout.Token);
            return "ok";
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = DependencyProblems.Describe(e);
            logger.LogWarning("Health check {Check} failed: {Reason} ({Exception})", name, reason, e.GetType().Name);
            return reason;
        }
    }
}
