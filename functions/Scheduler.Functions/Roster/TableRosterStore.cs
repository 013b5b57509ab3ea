using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Roster;

namespace Scheduler.Functions.Roster;

/// <summary>
/// Rosters in table <c>rosters</c>: one partition per centre and day (<c>huli|20261201</c>) holding each planned
/// roster (<c>run|{id}</c>), the pointer to the day's published roster (<c>published</c>) and the extended sessions
/// a dispatcher accepted (<c>session|{id}</c>), so publishing (the roster, the pointer and the superseded roster) is
/// one entity-group transaction.
/// </summary>
public sealed class TableRosterStore(StorageClients storage) : IRosterStore
{
    public static readonly RowSchema<RosterRun> Schema = new("roster", 1);
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

    public async Task<bool> PublishAsync(StoredRosterRun run, StoredRosterRun? previous, Instant at, string by, CancellationToken cancellationToken)
    {
        var pk = Partition(run.Run.CentreId, run.Run.Date);
        var pointer = await _table.GetEntityIfExistsAsync<TableEntity>(pk, Pointer, cancellationToken: cancellationToken);
        if (pointer.HasValue != previous is not null || (previous is not null && pointer.Value!.GetString("RosterId") != previous.Run.Id)) return false;
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, Entity(run.Run with { Status = RosterRunStatus.Published, PublishedAt = at, PublishedBy = by }), new ETag(run.ETag)),
            pointer.HasValue
                ? new(TableTransactionActionType.UpdateReplace, new TableEntity(pk, Pointer) { ["RosterId"] = run.Run.Id }, pointer.Value!.ETag)
                : new(TableTransactionActionType.Add, new TableEntity(pk, Pointer) { ["RosterId"] = run.Run.Id }),
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
