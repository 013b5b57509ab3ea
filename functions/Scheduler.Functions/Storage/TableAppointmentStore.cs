using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Functions.Infrastructure;

namespace Scheduler.Functions.Storage;

/// <summary>
/// Appointments and the slot counters that guard capacity, in table <c>appointments</c>. One partition per centre
/// and window category (<c>huli|social</c>) holds the counters (<c>slot|20261130|0900</c>, seats taken by everyone
/// and by the green channel), the appointments (<c>appt|{id}</c>) and an outbox of their events (<c>event|{id}</c>).
/// A booking, a reschedule (any two dates of one category) or a cancellation is one entity-group transaction: the
/// counters it changes are replaced only if their ETag is unchanged since read, so two hosts racing for the last
/// seat cannot both win; the loser re-reads and tries again, a bounded number of times.
/// </summary>
public sealed class TableAppointmentStore(StorageClients storage, AppointmentEventPublisher events, ILogger<TableAppointmentStore> logger) : IAppointmentStore
{
    public const int MaxAttempts = 25;
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.AppointmentsTable);

    public static string PartitionKey(string centreId, string categoryId) => $"{centreId}|{categoryId}";
    public static string SlotRow(SlotKey key) => $"slot|{key.Date:yyyyMMdd}|{key.Start:HHmm}";
    public static string AppointmentRow(string id) => $"appt|{id}";

    public async Task<IReadOnlyDictionary<SlotKey, SlotUsage>> ReadUsageAsync(string centreId, string categoryId, LocalDate from, LocalDate to, CancellationToken cancellationToken)
    {
        var pk = PartitionKey(centreId, categoryId);
        var low = $"slot|{from:yyyyMMdd}|";
        var high = $"slot|{to:yyyyMMdd}|~";
        var result = new Dictionary<SlotKey, SlotUsage>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(low) > 0 && x.RowKey.CompareTo(high) < 0,
            select: ["RowKey", "General", "Green"], cancellationToken: cancellationToken))
            result[ParseSlot(e.RowKey)] = Usage(e);
        return result;
    }

    public async Task<CommitOutcome> CommitAsync(SlotChange change, CancellationToken cancellationToken)
    {
        var a = change.Appointment;
        var pk = PartitionKey(a.CentreId, a.CategoryId);
        var green = a.Green;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var takeRows = await Task.WhenAll(change.Take.Select(k => _table.GetEntityIfExistsAsync<TableEntity>(pk, SlotRow(k), cancellationToken: cancellationToken)));
            var releaseRows = await Task.WhenAll(change.Release.Select(k => _table.GetEntityIfExistsAsync<TableEntity>(pk, SlotRow(k), cancellationToken: cancellationToken)));
            if (!change.Admit(takeRows.Select(r => r.HasValue ? Usage(r.Value!) : SlotUsage.Empty).ToList()))
                return CommitOutcome.Full;

            var actions = new List<TableTransactionAction>();
            for (var i = 0; i < change.Take.Count; i++)
            {
                var row = takeRows[i];
                var usage = (row.HasValue ? Usage(row.Value!) : SlotUsage.Empty).Add(green, +1);
                var entity = Counter(pk, change.Take[i], usage);
                actions.Add(row.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, row.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, entity));
            }
            for (var i = 0; i < change.Release.Count; i++)
            {
                if (!releaseRows[i].HasValue)
                {
                    logger.LogWarning("Appointment {Id}: counter {Row} to release is missing", a.Id, SlotRow(change.Release[i]));
                    continue;
                }
                var usage = Usage(releaseRows[i].Value!).Add(green, -1);
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace,
                    Counter(pk, change.Release[i], usage with { General = Math.Max(0, usage.General), Green = Math.Max(0, usage.Green) }), releaseRows[i].Value!.ETag));
            }
            var appointmentIndex = actions.Count;
            var appointment = AppointmentEntity(pk, a);
            actions.Add(change.ExpectedETag is null
                ? new TableTransactionAction(TableTransactionActionType.Add, appointment)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, appointment, new ETag(change.ExpectedETag)));
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add,
                new TableEntity(pk, $"event|{change.Event.EventId}") { ["Json"] = JsonSerializer.Serialize(change.Event, Json.Options) }));

            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                if (e.FailedTransactionActionIndex == appointmentIndex) return CommitOutcome.Conflict;
                // A counter changed or appeared since it was read: another booking won that race. Read again.
                await Task.Delay(Random.Shared.Next(1, 5 * Math.Min(attempt, 10)), cancellationToken);
                continue;
            }
            await events.PublishAsync(pk, change.Event, cancellationToken);
            return CommitOutcome.Committed;
        }
        logger.LogWarning("Appointment {Id}: gave up after {Attempts} contended attempts", a.Id, MaxAttempts);
        return CommitOutcome.Full;
    }

    public async Task<StoredAppointment?> GetAsync(string centreId, string appointmentId, CancellationToken cancellationToken)
    {
        var dot = appointmentId.IndexOf('.');
        if (dot <= 0 || appointmentId.Length > 100) return null;
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(centreId, appointmentId[..dot]), AppointmentRow(appointmentId), cancellationToken: cancellationToken);
        return found.HasValue ? new StoredAppointment(Read(found.Value!), found.Value!.ETag.ToString()) : null;
    }

    public async Task<IReadOnlyList<Appointment>> ListByStatusAsync(string centreId, AppointmentStatus status, CancellationToken cancellationToken)
    {
        var low = $"{centreId}|";
        var high = $"{centreId}|~";
        var name = status.ToString();
        var result = new List<Appointment>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(low) > 0 && x.PartitionKey.CompareTo(high) < 0 && x.GetString("Status") == name,
            cancellationToken: cancellationToken))
            result.Add(Read(e));
        return result;
    }

    public async Task<IReadOnlyList<Appointment>> ListAsync(string centreId, string categoryId, LocalDate date, CancellationToken cancellationToken)
    {
        var pk = PartitionKey(centreId, categoryId);
        var day = date.ToString("yyyy-MM-dd", null);
        var result = new List<Appointment>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo("appt|") > 0 && x.RowKey.CompareTo("appt|~") < 0 && x.GetString("Date") == day,
            cancellationToken: cancellationToken))
            result.Add(Read(e));
        return result.OrderBy(x => x.Start).ThenBy(x => x.CreatedAt).ToList();
    }

    private static TableEntity AppointmentEntity(string pk, Appointment a) => new(pk, AppointmentRow(a.Id))
    {
        ["Json"] = JsonSerializer.Serialize(a, Json.Options),
        ["Date"] = a.Date.ToString("yyyy-MM-dd", null),
        ["Status"] = a.Status.ToString(),
    };

    private static Appointment Read(TableEntity e) => JsonSerializer.Deserialize<Appointment>(e.GetString("Json"), Json.Options)!;

    private static TableEntity Counter(string pk, SlotKey key, SlotUsage usage) => new(pk, SlotRow(key)) { ["General"] = usage.General, ["Green"] = usage.Green };

    private static SlotUsage Usage(TableEntity e) => new(e.GetInt32("General") ?? 0, e.GetInt32("Green") ?? 0);

    private static SlotKey ParseSlot(string rowKey)
    {
        var parts = rowKey.Split('|');
        return new SlotKey(
            new LocalDate(int.Parse(parts[1][..4]), int.Parse(parts[1][4..6]), int.Parse(parts[1][6..8])),
            new LocalTime(int.Parse(parts[2][..2]), int.Parse(parts[2][2..4])));
    }
}
