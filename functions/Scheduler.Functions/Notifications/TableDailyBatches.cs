using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Notifications;

namespace Scheduler.Functions.Notifications;

/// <summary>
/// Table <c>sms</c>, partition <c>batch-{centre}</c>: one row per scheduled batch and local date
/// (<c>{batch}|yyyyMMdd</c>) once it ran, with how many messages it queued. One point read per timer firing after the
/// batch's time.
/// </summary>
public sealed class TableDailyBatches(StorageClients storage) : IDailyBatches
{
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.SmsTable);

    public async Task<bool> IsDoneAsync(string centreId, string batch, LocalDate date, CancellationToken cancellationToken) =>
        (await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId), Row(batch, date), ["PartitionKey"], cancellationToken)).HasValue;

    public async Task MarkDoneAsync(string centreId, string batch, LocalDate date, int count, Instant at, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(new TableEntity(Partition(centreId), Row(batch, date)) { ["Queued"] = count, ["At"] = at.ToString() }, TableUpdateMode.Replace,
            cancellationToken);

    public static string Partition(string centreId) => "batch-" + centreId;

    private static string Row(string batch, LocalDate date) => $"{batch}|{date:yyyyMMdd}";
}
