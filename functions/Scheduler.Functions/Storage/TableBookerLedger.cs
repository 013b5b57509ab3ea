using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Functions.Infrastructure;

namespace Scheduler.Functions.Storage;

/// <summary>
/// The per-mobile ledger in table <c>bookers</c>: one row per centre and pseudonymous mobile key (an HMAC of the
/// number: the table never holds the number itself) with the appointments it holds and its no-shows. Every change is
/// a read and an ETag-guarded replace, retried on 412.
/// </summary>
public sealed class TableBookerLedger(StorageClients storage) : IBookerLedger
{
    private const int MaxAttempts = 20;
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.BookersTable);

    private sealed record Ledger(List<LedgerEntry> Active, List<string> NoShows);

    public async Task<LedgerReservation> ReserveAsync(string centreId, string mobileKey, LedgerEntry entry, int maxActive,
        Func<LedgerEntry, Task<bool>> isStillActive, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (ledger, etag) = await ReadAsync(centreId, mobileKey, cancellationToken);
            var noShows = ledger.NoShows.Count;
            if (ledger.Active.Any(e => e.AppointmentId == entry.AppointmentId)) return new(LedgerRefusal.None, noShows);
            if (ledger.Active.Count >= maxActive || ledger.Active.Any(e => Clashes(e, entry)))
            {
                // Entries may be stale (a cancellation that could not update the ledger, a day gone by): check them.
                var kept = new List<LedgerEntry>();
                foreach (var e in ledger.Active)
                    if (e.ReservedAt > entry.ReservedAt - Duration.FromMinutes(2) || await isStillActive(e)) kept.Add(e);
                ledger = ledger with { Active = kept };
                if (ledger.Active.Any(e => Clashes(e, entry))) return new(LedgerRefusal.Duplicate, noShows);
                if (ledger.Active.Count >= maxActive) return new(LedgerRefusal.TooManyActive, noShows);
            }
            ledger.Active.Add(entry);
            if (await TryWriteAsync(centreId, mobileKey, ledger, etag, cancellationToken)) return new(LedgerRefusal.None, noShows);
        }
        throw new InvalidOperationException("The booker's ledger is too contended.");
    }

    public Task ReleaseAsync(string centreId, string mobileKey, string appointmentId, CancellationToken cancellationToken) =>
        ChangeAsync(centreId, mobileKey, l => l.Active.RemoveAll(e => e.AppointmentId == appointmentId) > 0, cancellationToken);

    public async Task<LedgerRefusal> MoveAsync(string centreId, string mobileKey, string appointmentId, LocalDate newDate, CancellationToken cancellationToken)
    {
        var refusal = LedgerRefusal.None;
        await ChangeAsync(centreId, mobileKey, l =>
        {
            refusal = LedgerRefusal.None;
            var i = l.Active.FindIndex(e => e.AppointmentId == appointmentId);
            if (i < 0) return false;
            var moved = l.Active[i] with { Date = newDate };
            if (l.Active.Any(e => e.AppointmentId != appointmentId && Clashes(e, moved)))
            {
                refusal = LedgerRefusal.Duplicate;
                return false;
            }
            l.Active[i] = moved;
            return true;
        }, cancellationToken);
        return refusal;
    }

    public Task RecordNoShowAsync(string centreId, string mobileKey, string appointmentId, CancellationToken cancellationToken) =>
        ChangeAsync(centreId, mobileKey, l =>
        {
            var changed = l.Active.RemoveAll(e => e.AppointmentId == appointmentId) > 0;
            if (l.NoShows.Contains(appointmentId)) return changed;
            l.NoShows.Add(appointmentId);
            return true;
        }, cancellationToken);

    private static bool Clashes(LedgerEntry a, LedgerEntry b) =>
        a.ResidentKey == b.ResidentKey && a.Date == b.Date && a.ItemIds.Intersect(b.ItemIds).Any();

    private async Task ChangeAsync(string centreId, string mobileKey, Func<Ledger, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (ledger, etag) = await ReadAsync(centreId, mobileKey, cancellationToken);
            if (!change(ledger)) return;
            if (await TryWriteAsync(centreId, mobileKey, ledger, etag, cancellationToken)) return;
        }
        throw new InvalidOperationException("The booker's ledger is too contended.");
    }

    private async Task<(Ledger Ledger, ETag? ETag)> ReadAsync(string centreId, string mobileKey, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(centreId, mobileKey, cancellationToken: cancellationToken);
        if (!found.HasValue) return (new Ledger([], []), null);
        var ledger = JsonSerializer.Deserialize<Ledger>(found.Value!.GetString("Json"), Json.Options) ?? new Ledger([], []);
        return (ledger, found.Value.ETag);
    }

    private async Task<bool> TryWriteAsync(string centreId, string mobileKey, Ledger ledger, ETag? etag, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(centreId, mobileKey) { ["Json"] = JsonSerializer.Serialize(ledger, Json.Options) };
        try
        {
            if (etag is null) await _table.AddEntityAsync(entity, cancellationToken);
            else await _table.UpdateEntityAsync(entity, etag.Value, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }
}
