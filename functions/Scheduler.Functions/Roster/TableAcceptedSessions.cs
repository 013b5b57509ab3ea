using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Calendar;
using Scheduler.Core.Roster;

namespace Scheduler.Functions.Roster;

/// <summary>Extended sessions a dispatcher accepted for a day, in table <c>rosters</c> beside the day's rosters (<c>session|{id}</c>).</summary>
public sealed class TableAcceptedSessions(StorageClients storage) : IAcceptedSessions
{
    public static readonly RowSchema<AcceptedSession> Schema = new("accepted session", 1);
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.RostersTable);

    public async Task<IReadOnlyList<AcceptedSession>> ListAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var pk = TableRosterStore.Partition(centreId, date);
        var result = new List<AcceptedSession>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Range(pk, "session|", "session}"),
                           cancellationToken: cancellationToken))
            result.Add(JsonRow.Read(e, Schema));
        return result;
    }

    public async Task AcceptAsync(string centreId, AcceptedSession accepted, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(JsonRow.Write(new TableEntity(TableRosterStore.Partition(centreId, accepted.Date), $"session|{accepted.Session.Id}"), Schema, accepted),
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Accepted already (a retry, or two dispatchers at once): the first record stands.
        }
    }
}

/// <summary>An accepted session becomes bookable as one of the centre's extended sessions in its catalogue, which the calendar turns into slots.</summary>
public sealed class CatalogueBookableSessions(CatalogueStore catalogue) : IBookableSessions
{
    public Task OpenAsync(string centreId, ExtendedSession session, CancellationToken cancellationToken) =>
        catalogue.AddExtendedSessionAsync(centreId, session, cancellationToken);
}
