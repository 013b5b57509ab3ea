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
/// Sends are coalesced in rounds (ADR 0029): an event alone is sent at once as itself; events committed while a
/// send is under way go together in the next, as one <see cref="AppointmentEventBatch"/> message of up to
/// <see cref="MaxPerMessage"/> events, so a burst of bookings costs a queue send per round rather than per booking.
/// </summary>
public sealed class AppointmentEventPublisher : IAppointmentEventOutbox
{
    /// <summary>Events in one message at most: about 18 KB of the queue's 64 KB message limit.</summary>
    public const int MaxPerMessage = 32;

    private readonly IClock clock;
    private readonly ILogger<AppointmentEventPublisher> logger;
    private readonly Rounds<string, AppointmentEvent> _sends;

    public AppointmentEventPublisher(StorageClients storage, IClock clock, ILogger<AppointmentEventPublisher> logger)
    {
        this.clock = clock;
        this.logger = logger;
        _queue = storage.Queues.GetQueueClient(StorageNames.AppointmentEventsQueue);
        _table = storage.Tables.GetTableClient(StorageNames.AppointmentsTable);
        _acks = new TableBatcher(storage.Tables.GetTableClient(StorageNames.AppointmentsTable), TimeSpan.FromMilliseconds(15));
        _sends = new Rounds<string, AppointmentEvent>((_, events) => Task.WhenAll(events.Chunk(MaxPerMessage).Select(SendAsync)));
    }

    public static readonly RowSchema<AppointmentEvent> EventSchema = new("appointment event", AppointmentEvent.CurrentVersion, o => o, o => o);

    /// <summary>How old a row must be before the sweep sends it again: older than any send still under way.</summary>
    public static readonly Duration SweepAge = Duration.FromMinutes(5);

    private readonly QueueClient _queue;
    private readonly TableClient _table;
    private readonly TableBatcher _acks;

    public static string Row(string eventId) => $"event|{eventId}";

    public static TableEntity OutboxRow(string partitionKey, AppointmentEvent appointmentEvent) =>
        JsonRow.Write(new TableEntity(partitionKey, Row(appointmentEvent.EventId)), EventSchema, appointmentEvent);

    /// <summary>Sends the event, with those of its round; a failure leaves its row for the sweep.</summary>
    public async Task PublishAsync(AppointmentEvent appointmentEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _sends.RunAsync(StorageNames.AppointmentEventsQueue, [appointmentEvent], cancellationToken);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or TimeoutException)
        {
            logger.LogWarning("Event {EventId} stays in the outbox for the sweep ({Error})", appointmentEvent.EventId, e.Message);
        }
    }

    /// <summary>One message: the event itself when alone, else the batch.</summary>
    private Task SendAsync(AppointmentEvent[] events) =>
        _queue.SendMessageAsync(events.Length == 1
            ? JsonSerializer.Serialize(events[0], Json.Options)
            : JsonSerializer.Serialize(new AppointmentEventBatch(AppointmentEventBatch.BatchType, AppointmentEventBatch.CurrentVersion, events), Json.Options));

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
            await foreach (var row in _table.QueryAsync<TableEntity>(KeyFilter.Between(centreId, "event|", "event|~"),
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

/// <summary>
/// Several appointment events in one <c>appointment-events</c> message (ADR 0029): <c>{"type":"appointment.events",
/// "version":1,"events":[...]}</c>. A message holding one event is that event itself.
/// </summary>
public sealed record AppointmentEventBatch(string Type, int Version, IReadOnlyList<AppointmentEvent> Events)
{
    public const string BatchType = "appointment.events";
    public const int CurrentVersion = 1;
}
