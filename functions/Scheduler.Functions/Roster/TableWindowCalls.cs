using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Roster;

namespace Scheduler.Functions.Roster;

/// <summary>Window calls in table <c>windowcalls</c>: partition centre and day (<c>huli|20261201</c>), row the appointment id.</summary>
public sealed class TableWindowCalls(StorageClients storage) : IWindowCalls
{
    public static readonly RowSchema<WindowCall> Schema = new("window call", 1);
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.WindowCallsTable);

    private static string Partition(string centreId, LocalDate date) => $"{centreId}|{date:yyyyMMdd}";

    public async Task<bool> AddAsync(WindowCall call, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(JsonRow.Write(new TableEntity(Partition(call.CentreId, call.Date), call.AppointmentId)
            {
                ["CategoryId"] = call.CategoryId,
                ["CalledAt"] = call.CalledAt.ToDateTimeOffset(),
            }, Schema, call), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<WindowCall>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var result = new List<WindowCall>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Partition(Partition(centreId, date)), cancellationToken: cancellationToken))
            result.Add(JsonRow.Read(e, Schema));
        return result;
    }

    public async Task<WindowCall?> GetAsync(string centreId, LocalDate date, string appointmentId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, date), appointmentId, cancellationToken: cancellationToken);
        return found.HasValue ? JsonRow.Read(found.Value!, Schema) : null;
    }
}
