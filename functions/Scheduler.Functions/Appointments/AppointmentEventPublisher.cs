using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using NodaTime;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Appointments;

/// <summary>
/// The appointment events' outbox. A change writes its event as row <c>event|{id}</c> in the same transaction as the
/// change; right after the commit the event is sent to the <c>appointment-events</c> queue, and its consumer removes
/// the row once it has handled it (<see cref="AcknowledgeAsync"/>). A row left behind because the send failed or
/// the process stopped is sent again by <see cref="SweepAsync"/>, from an hourly timer. An event may so be sent
/// twice, never lost: its consumer is idempotent by <see cref="AppointmentEvent.EventId"/>.
/// </summary>
public sealed class AppointmentEventPublisher(StorageClients storage, IClock clock, ILogger<AppointmentEventPublisher> logger) : IAppointmentEventOutbox
{
    public static readonly RowSchema<AppointmentEvent> EventSchema = new("appointment event", AppointmentEvent.CurrentVersion, o => o, o => o);

    /// <summary>How old a row must be before the sweep sends it again: older than any send still under way.</summary>
    public static readonly Duration SweepAge = Duration.FromMinutes(5);

    private readonly QueueClient _queue = storage.Queues.GetQueueClient(StorageNames.AppointmentEventsQueue);
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.AppointmentsTable);
    private readonly TableBatcher _acks = new(storage.Tables.GetTableClient(StorageNames.AppointmentsTable), TimeSpan.FromMilliseconds(15));

    public static string Row(string eventId) => $"event|{eventId}";

    public static TableEntity OutboxRow(string partitionKey, AppointmentEvent appointmentEvent) =>
        JsonRow.Write(new TableEntity(partitionKey, Row(appointmentEvent.EventId)), EventSchema, appointmentEvent);

    /// <summary>Sends the event; a failure leaves its row for the sweep.</summary>
    public async Task PublishAsync(AppointmentEvent appointmentEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.SendMessageAsync(JsonSerializer.Serialize(appointmentEvent, Json.Options), cancellationToken);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or TimeoutException)
        {
            logger.LogWarning("Event {EventId} stays in the outbox for the sweep ({Error})", appointmentEvent.EventId, e.Message);
        }
    }

    /// <summary>The event's consumer has handled it: its outbox row goes.</summary>
    /// <summary>
    /// Deletes the event's outbox row, with the rows of other events handled at about the same time in one transaction
    /// (they share the centre's partition). A row already gone (an event delivered twice) is no error. Should the
    /// process stop before the delete, the sweep sends the event again and its handling, idempotent, changes nothing.
    /// </summary>
    public Task AcknowledgeAsync(AppointmentEvent appointmentEvent, CancellationToken cancellationToken) =>
        _acks.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(appointmentEvent.CentreId, Row(appointmentEvent.EventId)), ETag.All),
            e => e.Status == 404);

    /// <summary>Sends again every event of <paramref name="centreIds"/> still in the outbox after <see cref="SweepAge"/>; returns how many.</summary>
    public async Task<int> SweepAsync(IEnumerable<string> centreIds, CancellationToken cancellationToken)
    {
        var before = clock.GetCurrentInstant() - SweepAge;
        var sent = 0;
        foreach (var centreId in centreIds)
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(x => x.PartitionKey == centreId && x.RowKey.CompareTo("event|") > 0 && x.RowKey.CompareTo("event|~") < 0,
                               cancellationToken: cancellationToken))
            {
                var e = JsonRow.Read(row, EventSchema);
                if (e.At > before) continue;
                await PublishAsync(e, cancellationToken);
                sent++;
            }
        }
        return sent;
    }
}
