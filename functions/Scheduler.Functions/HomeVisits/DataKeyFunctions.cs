using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Core.HomeVisits.Requests;

namespace Scheduler.Functions.HomeVisits;

/// <summary>
/// Re-encrypts stored resident IDs under the current data key (ADR 0025): every night, and at once with
/// <c>POST /admin/functions/ReencryptResidentIds</c> (master key) after a rotation. When a run reports nothing
/// rewritten and nothing left, no row uses an older key version and it can be taken off <c>DataKeys:Keys</c>.
/// </summary>
public sealed class DataKeyFunctions(ReencryptResidentIds reencrypt, IOptions<Platform.SchedulerOptions> options, ILogger<DataKeyFunctions> logger)
{
    /// <summary>19:30 UTC, 03:30 in Asia/Shanghai.</summary>
    [Function("ReencryptResidentIds")]
    public async Task Run([TimerTrigger("0 30 19 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var outcome = await reencrypt.RunAsync(options.Value.CentreId, cancellationToken);
        logger.LogInformation("Resident IDs re-encrypted under the current data key: {Rewritten} of {Read} requests read; {Left} changed elsewhere each time, left for the next run",
            outcome.Rewritten, outcome.Read, outcome.Left);
        if (outcome.Left > 0) throw new InvalidOperationException($"{outcome.Left} requests kept changing while their resident IDs were re-encrypted; run again.");
    }
}
