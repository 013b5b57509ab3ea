using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using NodaTime;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Appointments;

/// <summary>
/// Appointments, the slot counters that guard capacity and the per-mobile ledgers, in table <c>appointments</c>,
/// one partition per centre (<c>huli</c>): counters <c>slot|social|20261130|0900</c> (seats taken by everyone and by
/// the green channel), appointments under the day they were booked for, <c>day|20261130|{id}</c> (the day is in the
/// id: <see cref="AppointmentIds"/>), with a copy under the day they are on now when they moved to another, ledgers
/// <c>booker|{mobile key}</c> (a keyed hash: the table never holds a number as a key) and an outbox of events
/// <c>event|{id}</c> that their consumer removes. An appointment whose id has no day (booked before ADR 0031) is
/// kept at <c>appt|{id}</c> with a copy under its day, as it was written.
/// A booking, a reschedule or a status change is one entity-group transaction: the counters it changes are replaced
/// only if their ETag is unchanged since read, so two hosts racing for the last seat cannot both win, and the
/// ledger and the appointment only if unchanged since read (or added only if absent). A booking from a number with
/// no ledger yet is at most three storage calls: the counter read, the transaction and the event's queue send; the
/// read is skipped when the instance knows the counter (<see cref="CounterHints"/>, ADR 0029; changes of one counter in
/// one instance take turns, so each guesses on what the last wrote), and the send is shared
/// with the events committed at the same time (<see cref="AppointmentEventPublisher"/>). Availability
/// is read from a summary, never from the counters (ADR 0017), which the event's consumer brings in step (ADR 0028).
/// See ADR 0012. Days past the retention window are moved to the archive (<see cref="TableAppointmentArchive"/>,
/// ADR 0027): an appointment not found here is looked up there, and a day old enough to be archived is read from both.
/// </summary>
public sealed class TableAppointmentStore(StorageClients storage, AppointmentEventPublisher events, AvailabilitySummaries summaries, ILogger<TableAppointmentStore> logger,
    TableAppointmentArchive? archive = null, CounterHints? hints = null)
    : IAppointmentStore
{
    private readonly CounterHints _hints = hints ?? new CounterHints();

    public const int MaxAttempts = 25;
    public static readonly RowSchema<Appointment> AppointmentSchema = new("appointment", 1);
    /// <summary>
    /// Version 2 added the downgraded green-channel claims (<c>downgrades</c>) and whether an entry's claim waits for its
    /// check (<c>greenPending</c>); a version 1 ledger had neither: none downgraded, none counted as waiting.
    /// </summary>
    public static readonly RowSchema<BookerLedger> LedgerSchema = new("booker ledger", 2, LedgerV1ToV2);

    private static System.Text.Json.Nodes.JsonObject LedgerV1ToV2(System.Text.Json.Nodes.JsonObject ledger)
    {
        ledger["downgrades"] ??= new System.Text.Json.Nodes.JsonArray();
        if (ledger["active"] is System.Text.Json.Nodes.JsonArray active)
            foreach (var entry in active.OfType<System.Text.Json.Nodes.JsonObject>())
                entry["greenPending"] ??= false;
        return ledger;
    }

    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.AppointmentsTable);

    public static string SlotRow(string categoryId, SlotKey key) => $"slot|{categoryId}|{key.Date:yyyyMMdd}|{key.Start:HHmm}";
    /// <summary>Where the appointment itself is kept: under the day it was booked for, or <c>appt|{id}</c> for an id from before (ADR 0031).</summary>
    public static string AppointmentRow(string id) => AppointmentIds.BookedFor(id) is { } day ? DayRow(day, id) : $"appt|{id}";
    public static string LedgerRow(string mobileKey) => $"booker|{mobileKey}";

    /// <summary>Whether a row of the table is an appointment itself, not a copy, a mark, a counter or a ledger.</summary>
    public static bool IsAppointmentRow(TableEntity row) =>
        row.GetBoolean(MovedColumn) != true && row.RowKey.IndexOf('|') is > 0 and var bar
        && row.RowKey[..bar] is "appt" or "day" && AppointmentRow(row.RowKey[(row.RowKey.LastIndexOf('|') + 1)..]) == row.RowKey;

    /// <summary>
    /// An appointment's row under a day: the appointment itself on the day it was booked for (<see cref="AppointmentRow"/>),
    /// else a copy of it, so a day's appointments are one range read.
    /// </summary>
    public static string DayRow(LocalDate date, string id) => $"day|{date:yyyyMMdd}|{id}";

    /// <summary>The deadline index: an appointment awaiting confirmation, by when it must be confirmed (UTC).</summary>
    public static string ConfirmRow(Instant deadline, string id) => $"confirm|{deadline.InUtc():yyyyMMddHHmmss}|{id}";

    private const string MovedColumn = "Moved";

    /// <summary>From the availability summary (ADR 0017): one point read, a few seconds behind the counters at most.</summary>
    public Task<IReadOnlyDictionary<SlotKey, SlotUsage>> ReadUsageAsync(string centreId, string categoryId, LocalDate from, LocalDate to, CancellationToken cancellationToken) =>
        summaries.ReadAsync(centreId, categoryId, from, to, cancellationToken);

    public Task RefreshUsageAsync(string centreId, string categoryId, IReadOnlyCollection<SlotKey> slots, CancellationToken cancellationToken) =>
        summaries.RefreshAsync(centreId, categoryId, slots, cancellationToken);

    public async Task<CommitOutcome> CommitAsync(SlotChange change, CancellationToken cancellationToken)
    {
        var a = change.Appointment;
        var recorded = change.RecordedEvent;
        var pk = a.CentreId;
        var keys = change.Take.Concat(change.Release).ToList();
        var guess = keys.Count > 0 && _hints.ShouldGuess();
        // A guess waits for this instance's other changes of the same counters, and guesses on what they wrote.
        using var turn = guess ? await _hints.TakeTurnAsync(pk, keys.Select(k => SlotRow(a.CategoryId, k)), cancellationToken) : null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (attempt == 2) turn?.Dispose();
            // The first try may go on what this instance knows of the counters (ADR 0029); every later one reads them.
            Dictionary<SlotKey, (SlotUsage Usage, ETag? ETag)>? hinted = null;
            var guessed = attempt == 1 && guess && TryHints(pk, a.CategoryId, change, out hinted);
            var counters = guessed ? hinted! : await ReadCountersAsync(pk, a.CategoryId, keys, cancellationToken);
            if (!change.Admit(change.Take.Select(k => counters[k].Usage).ToList()))
            {
                // Refused on a guess: read and decide on what is there. Refused on a read: the slot is full.
                if (guessed) continue;
                // The booker was offered a seat the counters no longer have: the summary learns it before the alternatives are read.
                await RefreshSummaryAsync(a, change.Take, cancellationToken);
                return CommitOutcome.Full;
            }

            var actions = new List<TableTransactionAction>();
            var appointment = JsonRow.Write(new TableEntity(pk, AppointmentRow(a.Id))
            {
                ["Category"] = a.CategoryId,
                ["Date"] = a.Date.ToString("yyyy-MM-dd", null),
                ["Status"] = a.Status.ToString(),
            }, AppointmentSchema, a);
            actions.Add(change.ExpectedETag is null
                ? new TableTransactionAction(TableTransactionActionType.Add, appointment)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, appointment, new ETag(change.ExpectedETag)));
            var ledgerIndex = -1;
            if (change.Ledger is { } ledger)
            {
                ledgerIndex = actions.Count;
                var entity = JsonRow.Write(new TableEntity(pk, LedgerRow(ledger.MobileKey)), LedgerSchema, ledger.Next);
                actions.Add(ledger.ExpectedETag is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(ledger.ExpectedETag)));
            }
            var written = new List<(int Index, string Row, SlotUsage Usage)>();
            foreach (var key in change.Take)
            {
                var (usage, etag) = counters[key];
                var next = usage.Add(a.Green, +1);
                written.Add((actions.Count, SlotRow(a.CategoryId, key), next));
                var entity = Counter(pk, a.CategoryId, key, next);
                actions.Add(etag is { } known
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, known)
                    : new TableTransactionAction(TableTransactionActionType.Add, entity));
            }
            foreach (var key in change.Release)
            {
                var (usage, etag) = counters[key];
                if (etag is not { } known)
                {
                    logger.LogWarning("Appointment {Id}: counter {Row} to release is missing", a.Id, SlotRow(a.CategoryId, key));
                    continue;
                }
                var next = usage.Add(a.Green, -1);
                next = next with { General = Math.Max(0, next.General), Green = Math.Max(0, next.Green) };
                written.Add((actions.Count, SlotRow(a.CategoryId, key), next));
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, Counter(pk, a.CategoryId, key, next), known));
            }
            // The indexes, in the same transaction: a copy under the day it is on when that is not where it is kept
            // (and a mark on a day it left, unless it is kept there), the confirmation deadline.
            var home = appointment.RowKey;
            if (DayRow(a.Date, a.Id) != home)
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, JsonRow.Copy(appointment, new TableEntity(pk, DayRow(a.Date, a.Id))
                {
                    ["Status"] = a.Status.ToString(),
                })));
            foreach (var left in change.Release.Select(k => k.Date).Where(d => d != a.Date && DayRow(d, a.Id) != home).Distinct())
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, DayRow(left, a.Id)) { [MovedColumn] = true }));
            if (a.Status == AppointmentStatus.AwaitingConfirmation && a.ConfirmBy is { } deadline)
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, ConfirmRow(deadline, a.Id))));
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, AppointmentEventPublisher.OutboxRow(pk, recorded)));

            Response<IReadOnlyList<Response>> responses;
            try
            {
                responses = await _table.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                if (e.FailedTransactionActionIndex == 0) return CommitOutcome.Conflict;
                if (e.FailedTransactionActionIndex == ledgerIndex) return CommitOutcome.LedgerChanged;
                // A counter changed or appeared since it was read (another booking won that race), or the guess was
                // wrong: forget what was known and read again.
                foreach (var (_, row, _) in written) _hints.Forget(pk, row);
                if (guessed) _hints.Record(held: false);
                else await Task.Delay(Random.Shared.Next(1, 5 * Math.Min(attempt, 10)), cancellationToken);
                continue;
            }
            if (guessed) _hints.Record(held: true);
            foreach (var (index, row, usage) in written)
            {
                var etag = index < responses.Value.Count ? responses.Value[index].Headers.ETag : null;
                if (etag is not null) _hints.Learn(pk, row, usage, etag);
                else _hints.Forget(pk, row);
            }
            turn?.Dispose();
            await events.PublishAsync(recorded, cancellationToken);
            return CommitOutcome.Committed;
        }
        logger.LogWarning("Appointment {Id}: gave up after {Attempts} contended attempts", a.Id, MaxAttempts);
        return CommitOutcome.Full;
    }

    /// <summary>
    /// The counters of the change as this instance last knew them; a slot to take that it never saw is guessed
    /// empty (no counter yet). False when a slot to give back is unknown: that needs a read.
    /// </summary>
    private bool TryHints(string pk, string categoryId, SlotChange change, out Dictionary<SlotKey, (SlotUsage Usage, ETag? ETag)> counters)
    {
        counters = [];
        foreach (var key in change.Release)
        {
            if (!_hints.TryGet(pk, SlotRow(categoryId, key), out var usage, out var etag)) return false;
            counters[key] = (usage, etag);
        }
        foreach (var key in change.Take)
            counters[key] = _hints.TryGet(pk, SlotRow(categoryId, key), out var usage, out var etag) ? (usage, etag) : (SlotUsage.Empty, null);
        return true;
    }

    private async Task RefreshSummaryAsync(Appointment a, IReadOnlyCollection<SlotKey> slots, CancellationToken cancellationToken)
    {
        try
        {
            await summaries.RefreshAsync(a.CentreId, a.CategoryId, slots, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            // The slot stays offered until the next refresh or rebuild; the counters refused the booking all the same.
            logger.LogWarning("Appointment {Id}: availability summary not refreshed ({Status})", a.Id, e.Status);
        }
    }

    public async Task<StoredAppointment?> GetAsync(string centreId, string appointmentId, CancellationToken cancellationToken)
    {
        if (!IsKeySafe(appointmentId)) return null;
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(centreId, AppointmentRow(appointmentId), cancellationToken: cancellationToken);
        if (found.HasValue) return new StoredAppointment(JsonRow.Read(found.Value!, AppointmentSchema), found.Value!.ETag.ToString());
        return archive is not null && await archive.GetAsync(centreId, appointmentId, cancellationToken) is { } archived
            ? new StoredAppointment(JsonRow.Read(archived, AppointmentSchema), archived.ETag.ToString(), Archived: true)
            : null;
    }

    public async Task<StoredLedger?> ReadLedgerAsync(string centreId, string mobileKey, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(centreId, LedgerRow(mobileKey), cancellationToken: cancellationToken);
        return found.HasValue ? new StoredLedger(JsonRow.Read(found.Value!, LedgerSchema), found.Value!.ETag.ToString()) : null;
    }

    public async Task<IReadOnlyList<Appointment>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        return await DayRowsAsync(centreId, date, $"day|{date:yyyyMMdd}|", $"day|{date:yyyyMMdd}|~", cancellationToken);
    }

    public async Task<IReadOnlyList<Appointment>> ListAsync(string centreId, string categoryId, LocalDate date, CancellationToken cancellationToken)
    {
        var result = await DayRowsAsync(centreId, date, $"day|{date:yyyyMMdd}|{categoryId}.", $"day|{date:yyyyMMdd}|{categoryId}.~", cancellationToken);
        return result.OrderBy(x => x.Start).ThenBy(x => x.CreatedAt).ToList();
    }

    /// <summary>
    /// The day rows (appointments and copies) in a row-key range: one range read of the hot partition, and for a day old enough to have been
    /// archived one more of the archive's month partition, the hot copy winning (a row a run could not move yet).
    /// </summary>
    private async Task<List<Appointment>> DayRowsAsync(string centreId, LocalDate date, string fromInclusive, string toExclusive, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var e in Range(centreId, fromInclusive, toExclusive, cancellationToken))
            rows[e.RowKey] = e;
        if (archive is not null && archive.MayHold(date))
            foreach (var e in await archive.DayRowsAsync(centreId, date, fromInclusive, toExclusive, cancellationToken))
                rows.TryAdd(e.RowKey, e);
        // Marks of appointments that left the day, and appointments kept under the day they were booked for that are on another now.
        return rows.Values.Where(e => e.GetBoolean(MovedColumn) != true).Select(e => JsonRow.Read(e, AppointmentSchema)).Where(a => a.Date == date).ToList();
    }

    /// <summary>
    /// Reads the deadline index up to <paramref name="dueBy"/>, and the appointment of each row: those still awaiting
    /// are returned; a row whose appointment has moved on (confirmed, cancelled, lapsed at an earlier run) is deleted,
    /// so the index holds only deadlines to come and those just due.
    /// </summary>
    public async Task<IReadOnlyList<Appointment>> ListConfirmationsDueAsync(string centreId, Instant dueBy, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, Appointment>();
        await foreach (var e in Range(centreId, "confirm|", $"confirm|{dueBy.InUtc():yyyyMMddHHmmss}|~", cancellationToken))
        {
            var id = e.RowKey[(e.RowKey.LastIndexOf('|') + 1)..];
            var stored = await GetAsync(centreId, id, cancellationToken);
            if (stored is { Archived: false, Appointment: { Status: AppointmentStatus.AwaitingConfirmation, ConfirmBy: { } deadline } a } && deadline <= dueBy)
                result[id] = a;
            else
                try
                {
                    await _table.DeleteEntityAsync(centreId, e.RowKey, ETag.All, cancellationToken);
                }
                catch (RequestFailedException gone) when (gone.Status == 404)
                {
                }
        }
        return result.Values.ToList();
    }

    /// <summary>
    /// The counters of <paramref name="keys"/>, with their ETags (null: no counter yet), as read now: one point read
    /// for one slot, one range read per day otherwise. What is read is remembered in the hints.
    /// </summary>
    private async Task<Dictionary<SlotKey, (SlotUsage Usage, ETag? ETag)>> ReadCountersAsync(string pk, string categoryId, IReadOnlyList<SlotKey> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<SlotKey, TableEntity>();
        if (keys.Count == 1)
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(pk, SlotRow(categoryId, keys[0]), cancellationToken: cancellationToken);
            if (row.HasValue) found[keys[0]] = row.Value!;
        }
        else if (keys.Count > 1)
        {
            var wanted = keys.ToHashSet();
            var reads = keys.GroupBy(k => k.Date).Select(async day =>
            {
                var rows = new List<TableEntity>();
                await foreach (var e in Range(pk, SlotRow(categoryId, new SlotKey(day.Key, day.Min(k => k.Start))), SlotRow(categoryId, new SlotKey(day.Key, day.Max(k => k.Start))) + "~", cancellationToken))
                    rows.Add(e);
                return rows;
            });
            foreach (var e in (await Task.WhenAll(reads)).SelectMany(r => r))
                if (wanted.Contains(ParseSlot(e.RowKey))) found[ParseSlot(e.RowKey)] = e;
        }
        var counters = new Dictionary<SlotKey, (SlotUsage Usage, ETag? ETag)>();
        foreach (var key in keys)
        {
            var (usage, etag) = found.TryGetValue(key, out var row) ? (Usage(row), row.ETag) : (SlotUsage.Empty, (ETag?)null);
            counters[key] = (usage, etag);
            _hints.Learn(pk, SlotRow(categoryId, key), usage, etag);
        }
        return counters;
    }

    private IAsyncEnumerable<TableEntity> Range(string pk, string fromInclusive, string toExclusive, CancellationToken cancellationToken) =>
        _table.QueryAsync<TableEntity>(KeyFilter.Range(pk, fromInclusive, toExclusive),
            cancellationToken: cancellationToken);

    /// <summary>Ids from links and paths: short, and free of the characters a row key may not hold.</summary>
    private static bool IsKeySafe(string id) =>
        id.Length is > 0 and <= 100 && !id.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?' or '|');

    private static TableEntity Counter(string pk, string categoryId, SlotKey key, SlotUsage usage) =>
        new(pk, SlotRow(categoryId, key)) { ["General"] = usage.General, ["Green"] = usage.Green };

    internal static SlotUsage Usage(TableEntity e) => new(e.GetInt32("General") ?? 0, e.GetInt32("Green") ?? 0);

    internal static SlotKey ParseSlot(string rowKey)
    {
        var parts = rowKey.Split('|');
        return new SlotKey(
            new LocalDate(int.Parse(parts[2][..4]), int.Parse(parts[2][4..6]), int.Parse(parts[2][6..8])),
            new LocalTime(int.Parse(parts[3][..2]), int.Parse(parts[3][2..4])));
    }
}
