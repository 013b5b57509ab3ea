using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Roster;

namespace Scheduler.Functions.Roster;

/// <summary>Extended sessions a dispatcher accepted for a day, in table <c>rosters</c> beside the day's rosters (<c>session|{id}</c>).</summary>
public sealed class TableAcceptedSessions(StorageClients storage) : IAcceptedSessions
{
    public static readonly RowSchema<OpenSession> Schema = new("accepted session", 1);
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.RostersTable);

    public async Task<IReadOnlyList<OpenSession>> ListAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var pk = TableRosterStore.Partition(centreId, date);
        var result = new List<OpenSession>();
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {"session|"} and RowKey lt {"session}"}"),
                           cancellationToken: cancellationToken))
            result.Add(JsonRow.Read(e, Schema));
        return result;
    }
}
