using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Scheduler.Core.Booking;
using Scheduler.Functions.Infrastructure;

namespace Scheduler.Functions.Storage;

/// <summary>
/// Moves appointment events from the outbox rows, written in the same transaction as the change, to the
/// <c>appointment-events</c> queue. Right after a commit it sends the event and deletes its row; a row left behind
/// (the send failed, or the process stopped) is sent by <see cref="FlushAsync"/> from the timer. An event may so be
/// sent twice, never lost: consumers deduplicate by <see cref="AppointmentEvent.EventId"/>.
/// </summary>
public sealed class AppointmentEventPublisher(StorageClients storage, ILogger<AppointmentEventPublisher> logger)
{
    private readonly QueueClient _queue = storage.Queues.GetQueueClient(StorageNames.AppointmentEventsQueue);
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.AppointmentsTable);

    public async Task PublishAsync(string partitionKey, AppointmentEvent appointmentEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.SendMessageAsync(JsonSerializer.Serialize(appointmentEvent, Json.Options), cancellationToken);
            await _table.DeleteEntityAsync(partitionKey, $"event|{appointmentEvent.EventId}", ETag.All, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            logger.LogWarning("Event {EventId} stays in the outbox for the next flush ({Status})", appointmentEvent.EventId, e.Status);
        }
    }

    /// <summary>Sends every event still in the outbox; returns how many.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        await foreach (var row in _table.QueryAsync<TableEntity>(x => x.RowKey.CompareTo("event|") > 0 && x.RowKey.CompareTo("event|~") < 0, cancellationToken: cancellationToken))
        {
            var e = JsonSerializer.Deserialize<AppointmentEvent>(row.GetString("Json"), Json.Options)!;
            await PublishAsync(row.PartitionKey, e, cancellationToken);
            sent++;
        }
        return sent;
    }
}
