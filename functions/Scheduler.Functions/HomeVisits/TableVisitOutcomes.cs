using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.HomeVisits.Planning;

namespace Scheduler.Functions.HomeVisits;

/// <summary>
/// Visit outcomes in table <c>visitoutcomes</c>: partition centre and day of the visit (<c>huli|20261217</c>, so the
/// evening's rating batch reads one partition), row the request id. Adding is the claim: the first record stands.
/// </summary>
public sealed class TableVisitOutcomes(StorageClients storage) : IVisitOutcomes
{
    public static readonly RowSchema<VisitOutcome> Schema = new("visit outcome", 1);
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.VisitOutcomesTable);

    private static string Partition(string centreId, LocalDate date) => $"{centreId}|{date:yyyyMMdd}";

    public async Task<bool> AddAsync(VisitOutcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(JsonRow.Write(new TableEntity(Partition(outcome.CentreId, outcome.Date), outcome.RequestId)
            {
                ["Outcome"] = outcome.Outcome.ToString(),
                ["RecordedAt"] = outcome.RecordedAt.ToDateTimeOffset(),
            }, Schema, outcome), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<VisitOutcome?> GetAsync(string centreId, LocalDate date, string requestId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, date), requestId, cancellationToken: cancellationToken);
        return found.HasValue ? JsonRow.Read(found.Value!, Schema) : null;
    }

    public async Task<IReadOnlyList<VisitOutcome>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var result = new List<VisitOutcome>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Partition(Partition(centreId, date)), cancellationToken: cancellationToken))
            result.Add(JsonRow.Read(e, Schema));
        return result;
    }
}
