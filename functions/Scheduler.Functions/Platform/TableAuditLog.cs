using Azure;
using Azure.Data.Tables;
using NodaTime;
using NodaTime.Text;
using Scheduler.Core.Auditing;

namespace Scheduler.Functions.Platform;

/// <summary>
/// The audit trail in table <c>audit</c>: partition <c>centre|yyyyMMdd</c> (UTC day), row key the inverted time
/// plus the entry's key (an event id, so a redelivered event is recorded once) or a random suffix, so a day reads
/// newest first and two entries in one tick never collide. Entries of events (keyed) are written with others of the
/// same day in one transaction (<see cref="TableBatcher"/>); each caller still returns only once its entry is stored.
/// </summary>
public sealed class TableAuditLog : IAuditLog
{
    private readonly TableClient _table;
    private readonly TableBatcher _events;

    public TableAuditLog(StorageClients storage)
    {
        _table = storage.Tables.GetTableClient(StorageNames.AuditTable);
        _events = new TableBatcher(_table, BatchWindow);
    }

    /// <summary>How long an event's entry waits for others of its day to go in one transaction.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(15);

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var ticks = entry.At.ToUnixTimeTicks();
        var entity = new TableEntity(PartitionKey(entry.CentreId, entry.At.InUtc().Date), $"{long.MaxValue - ticks:D19}-{entry.Key ?? Guid.NewGuid().ToString("N")}")
        {
            ["At"] = InstantPattern.ExtendedIso.Format(entry.At),
            ["Actor"] = entry.Actor,
            ["Action"] = entry.Action,
            ["Subject"] = entry.Subject,
            ["Detail"] = entry.Detail,
        };
        if (entry.Key is not null)
        {
            // An event's entry: the same event delivered again writes the same row, so it may be written again. The
            // entries of events handled at about the same time go in one transaction per day (group commit).
            await _events.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
            return;
        }
        await _table.AddEntityAsync(entity, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadDayAsync(string centreId, LocalDate utcDate, int max, CancellationToken cancellationToken)
    {
        var result = new List<AuditEntry>();
        var pk = PartitionKey(centreId, utcDate);
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Partition(pk), maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            result.Add(new AuditEntry(InstantPattern.ExtendedIso.Parse(e.GetString("At")).Value, centreId,
                e.GetString("Actor"), e.GetString("Action"), e.GetString("Subject"), e.GetString("Detail")));
            if (result.Count >= max) break;
        }
        return result;
    }

    private static string PartitionKey(string centreId, LocalDate date) => $"{centreId}|{date:yyyyMMdd}";
}
