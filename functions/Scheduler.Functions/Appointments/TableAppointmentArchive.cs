using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Appointments;

/// <summary>
/// Past appointments out of the hot partition (ADR 0027), in table <c>appointmentarchive</c>: partition
/// <c>{centre}|{yyyyMM}</c> (the month of the appointment's day) holds the day rows <c>day|yyyyMMdd|{id}</c> (the
/// appointments kept under the day they were booked for, the copies of those that moved there, the marks of those
/// that moved away) and the slot counters <c>slot|...</c> of that month; the day in an appointment's id (ADR 0031)
/// finds it there. Partition <c>{centre}|appt</c> holds the appointments whose ids have no day, <c>appt|{id}</c>.
/// Rows keep their hot row key and columns, so reading them back is the hot store's reading. A day is moved by
/// copying every row (upserts: a repeated run copies again harmlessly) and then deleting the hot rows in
/// entity-group transactions under the ETags read; a row that changed between the read and the delete stays hot and
/// is moved by a later run, when its copy is written again first. One run at a time per centre: a lease row
/// <c>{centre}|lease</c> / <c>archiving</c> held for <see cref="LeaseFor"/>, renewed before each day.
/// </summary>
public sealed class TableAppointmentArchive(StorageClients storage, IClock clock) : IAppointmentArchive
{
    private const int Parallel = 16;
    private readonly IClock _clock = clock;

    /// <summary>How long a run's lease lasts unless renewed: far longer than one day's move (seconds), short enough not to hold up the next night.</summary>
    public static readonly Duration LeaseFor = Duration.FromMinutes(15);
    private readonly TableClient _hot = storage.Tables.GetTableClient(StorageNames.AppointmentsTable);
    private readonly TableClient _archive = storage.Tables.GetTableClient(StorageNames.AppointmentArchiveTable);

    public static string MonthPartition(string centreId, LocalDate date) => $"{centreId}|{date:yyyyMM}";
    public static string AppointmentPartition(string centreId) => $"{centreId}|appt";

    /// <summary>
    /// Whether a day may have rows in the archive: any day older than the shortest retention allowed (so a day archived
    /// under a shorter setting than today's is still found), with one day more for a centre whose date runs ahead of
    /// UTC. Later days are only read from the hot partition.
    /// </summary>
    public bool MayHold(LocalDate date) => date <= _clock.GetCurrentInstant().InUtc().Date.PlusDays(1 - ArchiveSettings.MinimumRetentionDays);

    public async Task<IArchiveLease?> TryLeaseAsync(string centreId, CancellationToken cancellationToken)
    {
        var lease = new Lease(this, centreId);
        return await lease.RenewAsync(cancellationToken) ? lease : null;
    }

    /// <summary>The lease row: taken when absent or lapsed, renewed while this holder's ETag is unchanged.</summary>
    private sealed class Lease(TableAppointmentArchive archive, string centreId) : IArchiveLease
    {
        private ETag? _etag;

        public async Task<bool> RenewAsync(CancellationToken cancellationToken)
        {
            var now = archive._clock.GetCurrentInstant();
            var row = new TableEntity($"{centreId}|lease", "archiving") { ["Until"] = (now + LeaseFor).ToDateTimeOffset() };
            try
            {
                if (_etag is { } held)
                {
                    _etag = (await archive._archive.UpdateEntityAsync(row, held, TableUpdateMode.Replace, cancellationToken)).Headers.ETag;
                    return true;
                }
                var found = await archive._archive.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken);
                if (!found.HasValue)
                    _etag = (await archive._archive.AddEntityAsync(row, cancellationToken)).Headers.ETag;
                else if (found.Value!.GetDateTimeOffset("Until") is { } until && Instant.FromDateTimeOffset(until) > now)
                    return false;
                else
                    _etag = (await archive._archive.UpdateEntityAsync(row, found.Value.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag;
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
            {
                _etag = null;
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_etag is not { } held) return;
            try
            {
                await archive._archive.DeleteEntityAsync($"{centreId}|lease", "archiving", held);
            }
            catch (RequestFailedException)
            {
                // Taken over or gone: it lapses by itself.
            }
        }
    }

    public async Task<LocalDate?> OldestHotDayAsync(string centreId, LocalDate from, LocalDate before, CancellationToken cancellationToken)
    {
        var low = from == LocalDate.MinIsoValue ? "day|" : $"day|{from:yyyyMMdd}|";
        var high = $"day|{before:yyyyMMdd}|";
        await foreach (var page in _hot.QueryAsync<TableEntity>(KeyFilter.Range(centreId, low, high),
                           maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
        {
            // An empty page can come with a continuation: the first row found is the oldest day.
            if (page.Values.Count > 0) return ParseDay(page.Values[0].RowKey);
            if (page.ContinuationToken is null) return null;
        }
        return null;
    }

    public async Task<ArchivedDay> ArchiveDayAsync(string centreId, IReadOnlyList<string> categoryIds, LocalDate date, CancellationToken cancellationToken)
    {
        var dayRows = await RangeAsync(_hot, centreId, $"day|{date:yyyyMMdd}|", $"day|{date:yyyyMMdd}|~", cancellationToken);
        var counters = new List<TableEntity>();
        foreach (var category in categoryIds)
            counters.AddRange(await RangeAsync(_hot, centreId, $"slot|{category}|{date:yyyyMMdd}|", $"slot|{category}|{date:yyyyMMdd}|~", cancellationToken));

        // A copy moves with its appointment if that is still hot and on this day (its row found from the id: under the
        // day it was booked for, or appt|{id} for an id from before). An appointment kept under this day moves with it
        // unless it is on a later day now: then it moves with that day, beside its copy there (ADR 0031).
        var groups = new List<List<TableEntity>>();
        var left = 0;
        var dayText = date.ToString("yyyy-MM-dd", null);
        using var gate = new SemaphoreSlim(Parallel);
        var reads = dayRows.Select(async row =>
        {
            var id = row.RowKey[(row.RowKey.LastIndexOf('|') + 1)..];
            if (row.GetBoolean("Moved") == true) return (row, (TableEntity?)null, true);
            if (TableAppointmentStore.AppointmentRow(id) == row.RowKey)
                return (row, null, string.CompareOrdinal(row.GetString("Date") ?? dayText, dayText) <= 0);
            await gate.WaitAsync(cancellationToken);
            try
            {
                var found = await _hot.GetEntityIfExistsAsync<TableEntity>(centreId, TableAppointmentStore.AppointmentRow(id), cancellationToken: cancellationToken);
                if (!found.HasValue) return (row, null, true);
                var appointment = found.Value!;
                // The appointment moved to another day after this copy was read: the day copy is stale, leave both for the next run.
                return appointment.GetString("Date") == dayText ? (row, appointment, true) : (row, appointment, false);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        foreach (var (row, appointment, movable) in await Task.WhenAll(reads))
        {
            if (!movable)
            {
                left++;
                continue;
            }
            groups.Add(appointment is null ? [row] : [appointment, row]);
        }
        groups.AddRange(counters.Select(c => new List<TableEntity> { c }));

        // Copy first: each row to its archive partition (a day row to the month of its day, an appointment from before
        // to the id partition, a counter to this day's month).
        var month = MonthPartition(centreId, date);
        foreach (var partition in groups.SelectMany(g => g).GroupBy(e => ArchivePartition(centreId, e.RowKey, month)))
            await UpsertAsync(partition.Select(e => Copy(e, partition.Key)), cancellationToken);

        // Then delete, each appointment with its copy where it has one, under the ETags read.
        var moved = 0;
        var movedAppointments = 0;
        foreach (var batch in Batches(groups))
        {
            if (await DeleteAsync(batch.SelectMany(g => g), cancellationToken))
            {
                moved += batch.Sum(g => g.Count);
                movedAppointments += batch.Count(g => TableAppointmentStore.IsAppointmentRow(g[0]));
                continue;
            }
            // One of the batch changed or went: group by group, so the others still move.
            foreach (var group in batch)
            {
                if (await DeleteAsync(group, cancellationToken))
                {
                    moved += group.Count;
                    if (TableAppointmentStore.IsAppointmentRow(group[0])) movedAppointments++;
                }
                else left += group.Count;
            }
        }
        return new ArchivedDay(date, movedAppointments, moved, left);
    }

    private static string ArchivePartition(string centreId, string rowKey, string month) =>
        rowKey.StartsWith("appt|", StringComparison.Ordinal) ? AppointmentPartition(centreId)
        : rowKey.StartsWith("day|", StringComparison.Ordinal) ? MonthPartition(centreId, ParseDay(rowKey))
        : month;

    /// <summary>An archived appointment by id, or null.</summary>
    public async Task<TableEntity?> GetAsync(string centreId, string appointmentId, CancellationToken cancellationToken)
    {
        var partition = AppointmentIds.BookedFor(appointmentId) is { } day ? MonthPartition(centreId, day) : AppointmentPartition(centreId);
        var found = await _archive.GetEntityIfExistsAsync<TableEntity>(partition, TableAppointmentStore.AppointmentRow(appointmentId), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>The archived day rows of a date whose row keys lie in [<paramref name="fromInclusive"/>, <paramref name="toExclusive"/>): one range read in the month's partition.</summary>
    public Task<List<TableEntity>> DayRowsAsync(string centreId, LocalDate date, string fromInclusive, string toExclusive, CancellationToken cancellationToken) =>
        RangeAsync(_archive, MonthPartition(centreId, date), fromInclusive, toExclusive, cancellationToken);

    /// <summary>Delete all or nothing; false when a row changed (412) or went (404) since read.</summary>
    private async Task<bool> DeleteAsync(IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        var actions = rows.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, e.ETag)).ToList();
        try
        {
            await _hot.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            if (actions.Count == 1 || e.Status == 412) return false;
            // A row already gone (a run beside this one moved it): delete the others one by one, still under their ETags.
            var all = true;
            foreach (var action in actions)
                try
                {
                    await _hot.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, action.ETag, cancellationToken);
                }
                catch (RequestFailedException gone) when (gone.Status == 404)
                {
                }
                catch (RequestFailedException changed) when (changed.Status == 412)
                {
                    all = false;
                }
            return all;
        }
    }

    /// <summary>Groups packed into transactions of at most 100 rows, a group never split.</summary>
    private static IEnumerable<List<List<TableEntity>>> Batches(List<List<TableEntity>> groups)
    {
        var batch = new List<List<TableEntity>>();
        var size = 0;
        foreach (var g in groups)
        {
            if (size + g.Count > 100)
            {
                yield return batch;
                batch = [];
                size = 0;
            }
            batch.Add(g);
            size += g.Count;
        }
        if (batch.Count > 0) yield return batch;
    }

    private async Task UpsertAsync(IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(100))
            await _archive.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
    }

    private static TableEntity Copy(TableEntity hot, string partition)
    {
        var copy = new TableEntity(partition, hot.RowKey);
        foreach (var (name, value) in hot)
            if (name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")) copy[name] = value;
        return copy;
    }

    private static async Task<List<TableEntity>> RangeAsync(TableClient table, string pk, string fromInclusive, string toExclusive, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(KeyFilter.Range(pk, fromInclusive, toExclusive),
                           cancellationToken: cancellationToken))
            rows.Add(e);
        return rows;
    }

    private static LocalDate ParseDay(string rowKey)
    {
        var d = rowKey.Split('|')[1];
        return new LocalDate(int.Parse(d[..4]), int.Parse(d[4..6]), int.Parse(d[6..8]));
    }
}
