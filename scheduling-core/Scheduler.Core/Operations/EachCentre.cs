namespace Scheduler.Core.Operations;

/// <summary>What a city-wide timer did: each centre's result, and the centres whose run threw, with the exception.</summary>
public sealed record CentreRuns<T>(IReadOnlyList<(string CentreId, T Result)> Done, IReadOnlyList<(string CentreId, Exception Error)> Failed)
{
    /// <summary>Throws, naming every centre that failed, when one did: the invocation then shows as failed, after every centre had its turn.</summary>
    public void ThrowIfAnyFailed(string what)
    {
        if (Failed.Count == 0) return;
        throw new AggregateException($"{what} failed for {Failed.Count} of {Failed.Count + Done.Count} centres: {string.Join(", ", Failed.Select(f => f.CentreId))}.",
            Failed.Select(f => f.Error));
    }
}

/// <summary>
/// Runs a timer's use case for every centre of the deployment (ADR 0018), one after the other: a centre whose run
/// throws does not keep the others from theirs; its failure is collected for the caller to log with the centre and
/// then fail the invocation (<see cref="CentreRuns{T}.ThrowIfAnyFailed"/>). Each use case keeps its own idempotency,
/// per centre, so the next firing takes up what failed and repeats nothing that was done. Cancellation stops the loop.
/// </summary>
public static class EachCentre
{
    public static async Task<CentreRuns<T>> RunAsync<T>(IEnumerable<string> centreIds, Func<string, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var done = new List<(string, T)>();
        var failed = new List<(string, Exception)>();
        foreach (var centreId in centreIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                done.Add((centreId, await work(centreId, cancellationToken)));
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failed.Add((centreId, e));
            }
        }
        return new CentreRuns<T>(done, failed);
    }
}
