using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Core.Operations;

namespace Scheduler.Functions.Appointments;

/// <summary>
/// The <c>appointment-events</c> queue: each event is handled once (audit, then it leaves the outbox). A message
/// holds one event, or several sent together (<see cref="AppointmentEventBatch"/>), handled side by side; should one
/// fail, the message is retried and the others, idempotent, change nothing again. A message that is not an
/// appointment event (or batch) of a version this code knows throws with the reason, so the host retries it and
/// then moves it to <c>appointment-events-poison</c> (see <see cref="PoisonFunctions"/>); its events stay in the
/// outbox for the sweep.
/// </summary>
public sealed class AppointmentEventFunctions(HandleAppointmentEvent handle, AppointmentEventPublisher publisher, PoisonWatch poison, ICentreList centres,
    ILogger<AppointmentEventFunctions> logger)
{
    [Function("AppointmentEvent")]
    public Task Handle([QueueTrigger(StorageNames.AppointmentEventsQueue, Connection = StorageClients.ConnectionName)] string message, CancellationToken cancellationToken) =>
        poison.GuardAsync(StorageNames.AppointmentEventsQueue, message, () => Task.WhenAll(ParseAll(message).Select(async e =>
        {
            var notified = await handle.HandleAsync(e, cancellationToken);
            if (notified.Skipped is not null && notified.Kind is not null) logger.LogWarning("Event {Event}: {Skipped}", e.EventId, notified.Skipped);
        })), cancellationToken);

    /// <summary>
    /// Hourly at minute 7 (UTC, as every timer on Flex Consumption; any local hour): sends again the events whose
    /// send failed right after their commit, for every centre. Events normally reach the queue from the commit itself.
    /// </summary>
    [Function("SweepAppointmentEvents")]
    public async Task Sweep([TimerTrigger("0 7 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var runs = await EachCentre.RunAsync(await centres.ListAsync(cancellationToken), (centre, ct) => publisher.SweepAsync([centre], ct), cancellationToken);
        foreach (var (centre, sent) in runs.Done)
            if (sent > 0) logger.LogWarning("Centre {Centre}: sent {Count} appointment events left in the outbox", centre, sent);
        foreach (var (centre, error) in runs.Failed)
            logger.LogError(error, "Centre {Centre}: the outbox sweep failed; the next firing sweeps it again", centre);
        runs.ThrowIfAnyFailed("SweepAppointmentEvents");
    }

    /// <summary>The events of a message: the one it is, or those of its batch.</summary>
    public static IReadOnlyList<AppointmentEvent> ParseAll(string message)
    {
        AppointmentEventBatch? batch;
        try
        {
            using (var doc = JsonDocument.Parse(message))
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("events", out _)) return [Parse(message)];
            batch = JsonSerializer.Deserialize<AppointmentEventBatch>(message, Json.Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not valid JSON for an appointment event or a batch of them at '{ex.Path}'.");
        }
        if (batch is null || batch.Type != AppointmentEventBatch.BatchType || batch.Events is not { Count: > 0 } events)
            throw new InvalidDataException($"Not a batch of appointment events: type '{AppointmentEventBatch.BatchType}' and at least one event are required.");
        if (batch.Version != AppointmentEventBatch.CurrentVersion)
            throw new InvalidDataException($"Appointment event batch version {batch.Version} is not one this code reads ({AppointmentEventBatch.CurrentVersion}).");
        if (events.Count > AppointmentEventPublisher.MaxPerMessage)
            throw new InvalidDataException($"A batch holds at most {AppointmentEventPublisher.MaxPerMessage} appointment events, not {events.Count}.");
        for (var i = 0; i < events.Count; i++)
        {
            try
            {
                Validate(events[i]);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"Event {i} of the batch: {e.Message}");
            }
        }
        return events;
    }

    public static AppointmentEvent Parse(string message)
    {
        AppointmentEvent? e;
        try
        {
            e = JsonSerializer.Deserialize<AppointmentEvent>(message, Json.Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not valid JSON for an appointment event at '{ex.Path}'.");
        }
        return Validate(e);
    }

    private static AppointmentEvent Validate(AppointmentEvent? e)
    {
        if (e is null || string.IsNullOrEmpty(e.EventId) || string.IsNullOrEmpty(e.AppointmentId) || string.IsNullOrEmpty(e.CentreId)
            || e.Type?.StartsWith("appointment.", StringComparison.Ordinal) != true || e.Type == AppointmentEventBatch.BatchType)
            throw new InvalidDataException("Not an appointment event: eventId, type, centreId and appointmentId are required.");
        if (e.Version is < 1 or > AppointmentEvent.CurrentVersion)
            throw new InvalidDataException($"Appointment event version {e.Version} is not one this code reads (1 to {AppointmentEvent.CurrentVersion}).");
        return e;
    }
}

/// <summary>
/// Every five minutes (UTC schedule; any local time): in every centre, appointments that waited for a confirmation
/// (after repeated no-shows) past their deadline lapse and free their seats.
/// </summary>
public sealed class LapseFunction(ChangeAppointmentStatus status, ICentreList centres, ILogger<LapseFunction> logger)
{
    [Function("LapseUnconfirmedAppointments")]
    public async Task Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var caller = new SystemCaller("lapse-timer");
        var runs = await EachCentre.RunAsync(await centres.ListAsync(cancellationToken), (centre, ct) => status.LapseUnconfirmedAsync(centre, caller, ct), cancellationToken);
        foreach (var (centre, lapsed) in runs.Done)
            if (lapsed > 0) logger.LogInformation("Centre {Centre}: {Count} unconfirmed appointments lapsed", centre, lapsed);
        foreach (var (centre, error) in runs.Failed)
            logger.LogError(error, "Centre {Centre}: lapsing unconfirmed appointments failed; the next firing tries again", centre);
        runs.ThrowIfAnyFailed("LapseUnconfirmedAppointments");
    }
}
