using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Where an appointment is kept (ADR 0031): under the day it was booked for, the day named in its id, so a booking is
/// one transaction of four rows (the appointment, the number's ledger, the slot's counter, the event) and a day's
/// list is still one range read. An appointment moved to another day keeps its row and gets a copy under the day it
/// is on; an appointment stored before, with an id that names no day, is kept at <c>appt|{id}</c> with its day's copy.
/// Each test has a centre (partition) of its own; the events' queue is unreachable, so nothing leaves the test.
/// </summary>
public sealed class AppointmentLayoutTests(AzuriteFixture azurite)
{
    private static readonly Instant Now = SchedulerHost.DemoNow;
    private static readonly LocalDate Booked = new(2026, 12, 14);

    private (TableAppointmentStore Store, StorageMeter Meter) Instance() => AppointmentStores.Create(azurite.ConnectionString);

    private async Task<string> CentreAsync()
    {
        await AppointmentStores.CreateTablesAsync(azurite.ConnectionString);
        return $"lay{Guid.NewGuid():N}"[..20];
    }

    private static Appointment Appointment(string id, string centre, LocalDate date, LocalTime start) =>
        new(id, centre, "social", "pension-certification", false, ["pension-certification"], date, start, start.PlusMinutes(15), 1,
            "Asia/Shanghai", "李芳", "+8613900000002", "resident-key", null, null, "zh", AppointmentStatus.Booked, Now, "anonymous", null, Now);

    private static SlotChange Book(Appointment a) =>
        new(a, null, [new SlotKey(a.Date, a.Start)], [], _ => true, AppointmentEvent.Of(AppointmentEventTypes.Booked, a, AnonymousCaller.Instance, Now),
            new LedgerWrite("mobile-key", BookerLedger.Empty.Reserve(new LedgerEntry(a.Id, a.Date, a.ItemIds, a.ResidentKey, Now), a.Date), null));

    private static async Task<SlotChange> MoveAsync(TableAppointmentStore store, string centre, string id, LocalDate to)
    {
        var stored = (await store.GetAsync(centre, id, TestContext.Current.CancellationToken))!;
        var before = stored.Appointment;
        var after = before with { Date = to };
        return new SlotChange(after, stored.ETag, [new SlotKey(to, after.Start)], [new SlotKey(before.Date, before.Start)], _ => true,
            AppointmentEvent.Of(AppointmentEventTypes.Rescheduled, after, AnonymousCaller.Instance, Now));
    }

    private async Task<List<string>> RowKeysAsync(string centre, string prefix)
    {
        var keys = new List<string>();
        await foreach (var e in new TableClient(azurite.ConnectionString, StorageNames.AppointmentsTable).QueryAsync<TableEntity>(
                           KeyFilter.Range(centre, prefix, prefix + "~"), cancellationToken: TestContext.Current.CancellationToken))
            keys.Add(e.RowKey);
        return keys;
    }

    [Fact]
    public void An_id_names_the_day_it_was_booked_for_and_an_id_from_before_names_none()
    {
        var id = AppointmentIds.New("social", Booked, "9f0a1b2c3d4e5f60718a");
        Assert.Equal("social.20261214-9f0a1b2c3d4e5f60718a", id);
        Assert.Equal(Booked, AppointmentIds.BookedFor(id));
        Assert.Equal("9f0a1b2c3d4e5f60718a", AppointmentIds.KeyOf(id));
        Assert.Equal("day|20261214|social.20261214-9f0a1b2c3d4e5f60718a", TableAppointmentStore.AppointmentRow(id));

        // Ids from before: hex after the category, no day; not even one whose key starts with eight digits.
        foreach (var old in new[] { "social.9f0a1b2c3d4e5f60718a", "social.20261214aabbccddeeff", "social.2026121", "business.20261399-aa" })
        {
            Assert.Null(AppointmentIds.BookedFor(old));
            Assert.Equal($"appt|{old}", TableAppointmentStore.AppointmentRow(old));
        }
        Assert.Equal("9f0a1b2c3d4e5f60718a", AppointmentIds.KeyOf("social.9f0a1b2c3d4e5f60718a"));
    }

    [Fact]
    public async Task A_booking_is_one_transaction_of_four_rows_with_the_appointment_kept_under_its_day()
    {
        var centre = await CentreAsync();
        var (store, meter) = Instance();
        var a = Appointment(AppointmentIds.New("social", Booked, "0001"), centre, Booked, new LocalTime(9, 0));

        meter.Reset();
        meter.Recording = true;
        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(Book(a), TestContext.Current.CancellationToken));
        meter.Recording = false;

        var transaction = Assert.Single(meter.Snapshot(), t => t.Service == "table" && t.Operation == "transaction");
        Assert.Equal((1L, 4L), (transaction.Requests, transaction.Written));
        var rows = await RowKeysAsync(centre, "");
        Assert.Equal(4, rows.Count);
        Assert.Contains($"day|20261214|{a.Id}", rows);
        Assert.Contains("booker|mobile-key", rows);
        Assert.Contains("slot|social|20261214|0900", rows);
        Assert.Single(rows, r => r.StartsWith("event|", StringComparison.Ordinal));

        var read = await store.GetAsync(centre, a.Id, TestContext.Current.CancellationToken);
        Assert.Equal((a.Id, a.Date, a.Start, a.ResidentName), (read!.Appointment.Id, read.Appointment.Date, read.Appointment.Start, read.Appointment.ResidentName));
        Assert.Equal([a.Id], (await store.ListDayAsync(centre, Booked, TestContext.Current.CancellationToken)).Select(x => x.Id));
        Assert.Equal([a.Id], (await store.ListAsync(centre, "social", Booked, TestContext.Current.CancellationToken)).Select(x => x.Id));

        // The same id again is refused on the appointment's row: the repeated request the use case answers with the first.
        Assert.Equal(CommitOutcome.Conflict, await store.CommitAsync(Book(a) with { Ledger = null }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_appointment_moved_between_days_is_listed_only_on_the_day_it_is_on_and_always_read_by_its_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var centre = await CentreAsync();
        var (store, _) = Instance();
        var id = AppointmentIds.New("social", Booked, "0002");
        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(Book(Appointment(id, centre, Booked, new LocalTime(10, 0))), ct));
        var second = Booked.PlusDays(1);
        var third = Booked.PlusDays(2);

        // The day its id reads, and the ids each of the three days lists.
        async Task<(LocalDate Read, string First, string Second, string Third)> WhereAsync() => (
            (await store.GetAsync(centre, id, ct))!.Appointment.Date,
            string.Join(",", (await store.ListDayAsync(centre, Booked, ct)).Select(x => x.Id)),
            string.Join(",", (await store.ListAsync(centre, "social", second, ct)).Select(x => x.Id)),
            string.Join(",", (await store.ListDayAsync(centre, third, ct)).Select(x => x.Id)));

        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(await MoveAsync(store, centre, id, second), ct));
        Assert.Equal((second, "", id, ""), await WhereAsync());
        // Kept where it was booked, with a copy under the day it is on.
        Assert.Equal([$"day|{Booked:yyyyMMdd}|{id}", $"day|{second:yyyyMMdd}|{id}"], await RowKeysAsync(centre, "day|"));

        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(await MoveAsync(store, centre, id, third), ct));
        Assert.Equal((third, "", "", id), await WhereAsync());

        // Back to the day it was booked for: the copies left behind are marks, the appointment's own row lists it again.
        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(await MoveAsync(store, centre, id, Booked), ct));
        Assert.Equal((Booked, id, "", ""), await WhereAsync());
        Assert.Equal(3, (await RowKeysAsync(centre, "day|")).Count);
        Assert.Equal([1, 0, 0], new[] { Booked, second, third }.Select(d => Counter(centre, d, new LocalTime(10, 0))));

        // A change made on what was read before a move is refused on the appointment's row.
        var stale = await MoveAsync(store, centre, id, second);
        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(await MoveAsync(store, centre, id, third), ct));
        Assert.Equal(CommitOutcome.Conflict, await store.CommitAsync(stale, ct));
        Assert.Equal((third, "", "", id), await WhereAsync());
    }

    [Fact]
    public async Task An_appointment_stored_before_days_were_in_ids_is_read_listed_and_moved_where_it_was_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var centre = await CentreAsync();
        var (store, _) = Instance();
        var old = Appointment("social.9f0a1b2c3d4e5f60718a", centre, Booked, new LocalTime(11, 0));
        // The rows as the store wrote them then: the appointment at appt|{id}, its day's copy, its seat.
        var table = new TableClient(azurite.ConnectionString, StorageNames.AppointmentsTable);
        await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, JsonRow.Write(new TableEntity(centre, $"appt|{old.Id}")
            {
                ["Category"] = "social", ["Date"] = "2026-12-14", ["Status"] = "Booked",
            }, TableAppointmentStore.AppointmentSchema, old)),
            new TableTransactionAction(TableTransactionActionType.Add, JsonRow.Write(new TableEntity(centre, $"day|20261214|{old.Id}") { ["Status"] = "Booked" },
                TableAppointmentStore.AppointmentSchema, old)),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(centre, "slot|social|20261214|1100") { ["General"] = 1, ["Green"] = 0 }),
        ], ct);

        Assert.Equal((old.Id, Booked), ((await store.GetAsync(centre, old.Id, ct))!.Appointment.Id, (await store.GetAsync(centre, old.Id, ct))!.Appointment.Date));
        Assert.Equal([old.Id], (await store.ListDayAsync(centre, Booked, ct)).Select(x => x.Id));

        var later = Booked.PlusDays(3);
        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(await MoveAsync(store, centre, old.Id, later), ct));
        Assert.Equal(later, (await store.GetAsync(centre, old.Id, ct))!.Appointment.Date);
        Assert.Empty(await store.ListDayAsync(centre, Booked, ct));
        Assert.Equal([old.Id], (await store.ListDayAsync(centre, later, ct)).Select(x => x.Id));
        Assert.Equal([$"appt|{old.Id}"], await RowKeysAsync(centre, "appt|"));
        Assert.Equal([$"day|20261214|{old.Id}", $"day|{later:yyyyMMdd}|{old.Id}"], await RowKeysAsync(centre, "day|"));
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(KeyFilter.Range(centre, "", "~"), cancellationToken: ct)) rows.Add(e);
        Assert.Equal([$"appt|{old.Id}"], rows.Where(TableAppointmentStore.IsAppointmentRow).Select(e => e.RowKey));
    }

    private int Counter(string centre, LocalDate date, LocalTime start) =>
        new TableClient(azurite.ConnectionString, StorageNames.AppointmentsTable).GetEntityIfExists<TableEntity>(centre,
            TableAppointmentStore.SlotRow("social", new SlotKey(date, start))) is { HasValue: true } row ? row.Value!.GetInt32("General") ?? 0 : 0;
}
