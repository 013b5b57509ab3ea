using Azure.Data.Tables;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Appointments;

/// <summary>Extended-hours requests waiting for the centre, in table <c>extendedhours</c>: partition centre, row the request id.</summary>
public sealed class TableExtendedHoursRequests(StorageClients storage) : IExtendedHoursRequests, Scheduler.Core.Roster.IExtendedHoursLedger
{
    public static readonly RowSchema<ExtendedHoursRequest> Schema = new("extended-hours request", 1);
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.ExtendedHoursTable);

    public async Task<bool> AddAsync(ExtendedHoursRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(JsonRow.Write(new TableEntity(request.CentreId, request.Id)
            {
                ["Date"] = request.Date.ToString("yyyy-MM-dd", null),
                ["CategoryId"] = request.CategoryId,
                ["Wanted"] = request.Wanted.ToString(),
            }, Schema, request), cancellationToken);
            return true;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<ExtendedHoursRequest>> ListAsync(string centreId, CancellationToken cancellationToken)
    {
        var result = new List<ExtendedHoursRequest>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Partition(centreId), cancellationToken: cancellationToken))
            result.Add(JsonRow.Read(e, Schema));
        return result;
    }
}
