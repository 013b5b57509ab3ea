using Scheduler.Core.Results;

namespace Scheduler.Core.HomeVisits.Requests;

/// <summary>Moves a stored resident ID to the current data key; the ID itself never leaves the adapter.</summary>
public interface IIdReencryption
{
    /// <summary>Whether <paramref name="stored"/> is already under the current data key.</summary>
    bool IsCurrent(string stored);

    /// <summary>
    /// <paramref name="stored"/> encrypted again under the current data key; null when no key on the ring reads it
    /// (its key version was taken off, or the value is damaged).
    /// </summary>
    string? Reencrypt(string stored);
}

/// <summary>
/// What a re-encryption run did: requests read, IDs moved to the current key, those left (changed elsewhere every
/// time) and those no key on the ring could read (left as they are, for an operator to look at).
/// </summary>
public sealed record ReencryptionOutcome(int Read, int Rewritten, int Left, int Unreadable = 0);

/// <summary>
/// Rewrites the resident IDs of a centre's home-visit requests that are under an older data key to the current one,
/// so an old key version can be retired (ADR 0023, 0025). Idempotent: an ID already under the current key is left as
/// it is, so a second run rewrites nothing. Resumable: it walks the requests a page at a time in the order they came,
/// starting after <c>after</c> when given, and each rewrite is a replace under the request's ETag (a request changed
/// meanwhile is read again), so a run stopped anywhere is finished by the next. An ID no key reads is counted and
/// skipped, so one damaged row or a key taken off too early does not keep every other ID on the old key.
/// </summary>
public sealed class ReencryptResidentIds(IHomeVisitStore store, IIdReencryption ids)
{
    public const int PageSize = 100;

    public async Task<ReencryptionOutcome> RunAsync(string centreId, CancellationToken cancellationToken, string? after = null)
    {
        int read = 0, rewritten = 0, left = 0, unreadable = 0;
        while (true)
        {
            var page = await store.PageAsync(centreId, PageSize, after, cancellationToken);
            foreach (var request in page)
            {
                read++;
                if (request.ProtectedIdNumber is not { } listed || ids.IsCurrent(listed)) continue;
                var done = await ConflictRetry.RunAsync(async _ =>
                {
                    var stored = await store.GetAsync(centreId, request.Id, cancellationToken);
                    if (stored?.Request.ProtectedIdNumber is not { } value || ids.IsCurrent(value)) return Attempt<Rewrite?>.Done(Rewrite.Unchanged);
                    if (ids.Reencrypt(value) is not { } current) return Attempt<Rewrite?>.Done(Rewrite.Unreadable);
                    var moved = stored.Request with { ProtectedIdNumber = current };
                    return await store.ReplaceAsync(moved, stored.ETag, cancellationToken) ? Attempt<Rewrite?>.Done(Rewrite.Moved) : Attempt<Rewrite?>.Again;
                }, () => null);
                switch (done)
                {
                    case null: left++; break;
                    case Rewrite.Moved: rewritten++; break;
                    case Rewrite.Unreadable: unreadable++; break;
                }
            }
            if (page.Count < PageSize) return new ReencryptionOutcome(read, rewritten, left, unreadable);
            after = RequestPosition.Of(page[^1]);
        }
    }

    private enum Rewrite { Unchanged, Moved, Unreadable }
}
