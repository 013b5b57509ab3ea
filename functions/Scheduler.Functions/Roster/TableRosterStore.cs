using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Calendar;
using Scheduler.Core.Roster;

namespace Scheduler.Functions.Roster;

/// <summary>
/// Rosters in table <c>rosters</c>: one partition per centre and day (<c>huli|20261201</c>) holding each planned
/// roster (<c>run|{id}</c>), the pointer to the day's published roster (<c>published</c>) and the extended sessions
/// a dispatcher accepted (<c>session|{id}</c>), so publishing (the roster, the pointer and the superseded roster) is
/// one entity-group transaction.
/// The pointer also carries the windows the published roster staffs (<see cref="StaffedWindows"/>), so the centre
/// directory reads a fortnight of them in one range query of the pointers.
/// </summary>
public sealed class TableRosterStore(StorageClients storage) : IRosterStore, IStaffedWindowsSource
{
    public static readonly RowSchema<RosterRun> Schema = new("roster", 1);
    public static readonly RowSchema<StaffedWindows> WindowsSchema = new("staffed windows", 1);
    private const string Pointer = "published";
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.RostersTable);

    internal static string Partition(string centreId, LocalDate date) => $"{centreId}|{date:yyyyMMdd}";

    public Task AddAsync(RosterRun run, CancellationToken cancellationToken) => _table.AddEntityAsync(Entity(run), cancellationToken);

    public async Task<StoredRosterRun?> GetAsync(string centreId, string rosterId, CancellationToken cancellationToken)
    {
        if (!TryDate(rosterId, out var date)) return null;
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, date), $"run|{rosterId}", cancellationToken: cancellationToken);
        return found.HasValue ? new StoredRosterRun(JsonRow.Read(found.Value!, Schema), found.Value!.ETag.ToString()) : null;
    }

    public async Task<StoredRosterRun?> PublishedAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var pointer = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, date), Pointer, cancellationToken: cancellationToken);
        return pointer.HasValue ? await GetAsync(centreId, pointer.Value!.GetString("RosterId"), cancellationToken) : null;
    }

    public async Task<IReadOnlyList<RosterRun>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var runs = new List<RosterRun>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Range(Partition(centreId, date), "run|", "run|~"), cancellationToken: cancellationToken))
            runs.Add(JsonRow.Read(e, Schema));
        return runs;
    }

    public async Task<bool> PublishAsync(StoredRosterRun run, StoredRosterRun? previous, Instant at, string by, CancellationToken cancellationToken)
    {
        var pk = Partition(run.Run.CentreId, run.Run.Date);
        var pointer = await _table.GetEntityIfExistsAsync<TableEntity>(pk, Pointer, cancellationToken: cancellationToken);
        if (pointer.HasValue != previous is not null || (previous is not null && pointer.Value!.GetString("RosterId") != previous.Run.Id)) return false;
        var next = JsonRow.Write(new TableEntity(pk, Pointer) { ["RosterId"] = run.Run.Id }, WindowsSchema, RosterPlanning.Windows(run.Run));
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, Entity(run.Run with { Status = RosterRunStatus.Published, PublishedAt = at, PublishedBy = by }), new ETag(run.ETag)),
            pointer.HasValue
                ? new(TableTransactionActionType.UpdateReplace, next, pointer.Value!.ETag)
                : new(TableTransactionActionType.Add, next),
        };
        if (previous is not null)
            actions.Add(new(TableTransactionActionType.UpdateReplace, Entity(previous.Run with { Status = RosterRunStatus.Superseded }), new ETag(previous.ETag)));
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>The published rosters' windows of a range of days: one query over the day partitions' pointers.</summary>
    public async Task<IReadOnlyList<StaffedWindows>> ReadAsync(string centreId, LocalDate from, LocalDate to, CancellationToken cancellationToken)
    {
        var result = new List<StaffedWindows>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Partition(centreId, from)} and PartitionKey le {Partition(centreId, to)} and RowKey eq {Pointer}");
        await foreach (var pointer in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (pointer.ContainsKey(JsonRow.SchemaColumn)) result.Add(JsonRow.Read(pointer, WindowsSchema));
            // A pointer written before it carried the windows: read them from the roster it names.
            else if (await GetAsync(centreId, pointer.GetString("RosterId"), cancellationToken) is { } run) result.Add(RosterPlanning.Windows(run.Run));
        }
        return result;
    }

    internal static bool TryDate(string id, out LocalDate date)
    {
        date = default;
        var parsed = NodaTime.Text.LocalDatePattern.CreateWithInvariantCulture("yyyyMMdd").Parse(id.Length >= 8 ? id[..8] : "");
        if (!parsed.Success || id.Length > 80 || id.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?')) return false;
        date = parsed.Value;
        return true;
    }

    private static TableEntity Entity(RosterRun run) =>
        JsonRow.Write(new TableEntity(Partition(run.CentreId, run.Date), $"run|{run.Id}") { ["Status"] = run.Status.ToString() }, Schema, run);
}
