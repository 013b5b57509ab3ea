using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Operations;

namespace Scheduler.Functions.HomeVisits;

/// <summary>
/// Re-encrypts stored resident IDs under the current data key (ADR 0025): every night, and at once with
/// <c>POST /admin/functions/ReencryptResidentIds</c> (master key) after a rotation. When a run reports nothing
/// rewritten, nothing left and nothing unreadable in any centre, no row uses an older key version and it can be
/// taken off <c>DataKeys:Keys</c>. Every centre of the deployment has its turn; the run fails, naming the centres,
/// when one left IDs behind.
/// </summary>
public sealed class DataKeyFunctions(ReencryptResidentIds reencrypt, ICentreList centres, ILogger<DataKeyFunctions> logger)
{
    /// <summary>19:30 UTC, 03:30 in Asia/Shanghai.</summary>
    [Function("ReencryptResidentIds")]
    public async Task Run([TimerTrigger("0 30 19 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var runs = await EachCentre.RunAsync(await centres.ListAsync(cancellationToken), async (centre, ct) =>
        {
            var outcome = await reencrypt.RunAsync(centre, ct);
            logger.LogInformation("Centre {Centre}: resident IDs re-encrypted under the current data key: {Rewritten} of {Read} requests read; " +
                                  "{Left} changed elsewhere each time, left for the next run; {Unreadable} read by no key on the ring",
                centre, outcome.Rewritten, outcome.Read, outcome.Left, outcome.Unreadable);
            if (outcome.Unreadable > 0)
                throw new InvalidOperationException($"{outcome.Unreadable} resident IDs could not be read with any key on DataKeys:Keys (a key version taken off too early, " +
                                                    "or damaged values); they were left as they are and the others were moved.");
            if (outcome.Left > 0) throw new InvalidOperationException($"{outcome.Left} requests kept changing while their resident IDs were re-encrypted; run again.");
            return outcome;
        }, cancellationToken);
        foreach (var (centre, error) in runs.Failed) logger.LogError(error, "Centre {Centre}: re-encryption did not finish", centre);
        runs.ThrowIfAnyFailed("ReencryptResidentIds");
    }
}
