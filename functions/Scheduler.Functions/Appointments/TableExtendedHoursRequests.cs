using System.Text.Json;
using Azure.Data.Tables;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Appointments;

/// <summary>Extended-hours requests waiting for the centre, in table <c>extendedhours</c>: partition centre, row the request id.</summary>
public sealed class TableExtendedHoursRequests(StorageClients storage) : IExtendedHoursRequests
{
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.ExtendedHoursTable);

    public Task AddAsync(ExtendedHoursRequest request, CancellationToken cancellationToken) =>
        _table.AddEntityAsync(new TableEntity(request.CentreId, request.Id)
        {
            ["Json"] = JsonSerializer.Serialize(request, Json.Options),
            ["Date"] = request.Date.ToString("yyyy-MM-dd", null),
            ["CategoryId"] = request.CategoryId,
            ["Wanted"] = request.Wanted.ToString(),
        }, cancellationToken);

    public async Task<IReadOnlyList<ExtendedHoursRequest>> ListAsync(string centreId, CancellationToken cancellationToken)
    {
        var result = new List<ExtendedHoursRequest>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == centreId, cancellationToken: cancellationToken))
            result.Add(JsonSerializer.Deserialize<ExtendedHoursRequest>(e.GetString("Json"), Json.Options)!);
        return result;
    }
}
