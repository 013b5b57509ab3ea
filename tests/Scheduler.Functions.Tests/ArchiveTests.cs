using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Past appointments leave the hot partition (ADR 0027): days before the retention cutoff (90 days before the demo's
/// 2026-11-27) move to table <c>appointmentarchive</c> a bounded number of days per run, every row copied before its
/// hot original is deleted under its ETag, and reads by id and by day still find them. Each test has a centre of its
/// own (the demo catalogue) and writes its history the way the store lays it out.
/// </summary>
public sealed class ArchiveTests(DemoHostFixture fixture) : IClassFixture<DemoHostFixture>
{
    private static readonly LocalDate Old = new(2026, 6, 1);
    private static readonly LocalDate Recent = new(2026, 11, 24); // within the last week: never read from the archive

    [Fact]
    public async Task Past_days_move_in_bounded_runs_losing_no_row_and_stay_readable_by_id_and_by_day()
    {
        var ct = TestContext.Current.CancellationToken;
        const string centre = "arch-a";
        await SaveCentreAsync(centre, ct);
        var written = new List<TableEntity>();
        for (var d = 0; d < 12; d++) written.AddRange(Day(centre, Old.PlusDays(d), 5));
        written.AddRange(Day(centre, Recent, 5));
        // An appointment that moved away from its first day leaves a mark there, which moves with the day.
        written.Add(new TableEntity(centre, TableAppointmentStore.DayRow(Old, "social.movedaway")) { ["Moved"] = true });
        await WriteAsync(written, ct);

        var archiving = Archiving(new ArchiveSettings(90, 5));
        var runs = new List<ArchiveRun>();
        for (var i = 0; i < 4; i++) runs.Add((await archiving.RunAsync(centre, ct)).Value!);

        Assert.Equal([5, 5, 2, 0], runs.Select(r => r.Days.Count));
        Assert.Equal(new LocalDate(2026, 8, 29), runs[0].Cutoff);
        Assert.Equal(Old, runs[0].Days[0].Date);
        Assert.Equal(60, runs.Sum(r => r.Appointments));
        Assert.Equal(0, runs.Sum(r => r.Left));
        // 12 days x 5 x (appointment, day copy, counter) and the mark: every row is in exactly one place, unchanged.
        Assert.Equal(12 * 5 * 3 + 1, runs.Sum(r => r.Rows));
        var hot = await RowsAsync(StorageNames.AppointmentsTable, e => e.PartitionKey == centre, ct);
        var archived = await RowsAsync(StorageNames.AppointmentArchiveTable, e => e.PartitionKey.CompareTo(centre + "|") > 0 && e.PartitionKey.CompareTo(centre + "|~") < 0, ct);
        Assert.Equal(15, hot.Count);
        Assert.All(hot, e => Assert.Contains(Recent.ToString("yyyyMMdd", null), e.RowKey, StringComparison.Ordinal));
        Assert.Equal(written.Count - 15, archived.Count);
        foreach (var original in written.Where(e => !e.RowKey.Contains(Recent.ToString("yyyyMMdd", null), StringComparison.Ordinal)))
        {
            var copy = Assert.Single(archived, a => a.RowKey == original.RowKey);
            Assert.Equal(original.GetString(JsonRow.JsonColumn), copy.GetString(JsonRow.JsonColumn));
            Assert.Equal(original.GetInt32("General"), copy.GetInt32("General"));
        }
        Assert.All(archived.Where(a => a.RowKey.StartsWith("appt|", StringComparison.Ordinal)), a => Assert.Equal(TableAppointmentArchive.AppointmentPartition(centre), a.PartitionKey));
        Assert.Contains(archived, a => a.PartitionKey == $"{centre}|202606" && a.RowKey.StartsWith("slot|social|20260603|", StringComparison.Ordinal));

        // Read back: by id (the manage link), refused to change; by day, one range read of that month's partition.
        var store = fixture.Host.Services.GetRequiredService<IAppointmentStore>();
        var byId = await store.GetAsync(centre, Id(Old.PlusDays(2), 3), ct);
        Assert.NotNull(byId);
        Assert.True(byId.Archived);
        Assert.Equal(Old.PlusDays(2), byId.Appointment.Date);
        var cancel = await fixture.Host.Services.GetRequiredService<ChangeAppointmentStatus>()
            .ApplyAsync(centre, byId.Appointment.Id, AppointmentAction.Cancel, new SystemCaller("test"), ct);
        Assert.Equal(ErrorCodes.Archived, cancel.Error?.Code);
        Assert.Equal(ProblemKind.Conflict, cancel.Error?.Kind);

        var meter = fixture.Host.Services.GetRequiredService<StorageMeter>();
        meter.Reset();
        meter.Recording = true;
        var day = await store.ListAsync(centre, "social", Old.PlusDays(2), ct);
        var dayAll = await store.ListDayAsync(centre, Old, ct);
        var recent = await store.ListAsync(centre, "social", Recent, ct);
        meter.Recording = false;
        Assert.Equal(5, day.Count);
        Assert.Equal(5, dayAll.Count);
        Assert.Equal(5, recent.Count);
        var reads = meter.Snapshot().Where(t => t.Service == "table" && t.Partition.Split('|')[0] == centre).ToList();
        Assert.DoesNotContain(reads, t => t.Operation.Contains("filtered", StringComparison.Ordinal));
        // The archived days: their five copies (and the mark) from the month's partition; the recent day: five from the hot one, nothing from the archive.
        Assert.Equal(11, reads.Where(t => t.Resource == StorageNames.AppointmentArchiveTable).Sum(t => t.Read));
        Assert.Equal(2, reads.Where(t => t.Resource == StorageNames.AppointmentArchiveTable).Sum(t => t.Requests));
        Assert.Equal(5, reads.Where(t => t.Resource == StorageNames.AppointmentsTable).Sum(t => t.Read));
    }

    [Fact]
    public async Task Two_runs_at_once_take_turns_and_a_row_changed_during_a_run_loses_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        const string centre = "arch-b";
        await SaveCentreAsync(centre, ct);
        var written = new List<TableEntity>();
        for (var d = 0; d < 6; d++) written.AddRange(Day(centre, Old.PlusDays(d), 20));
        await WriteAsync(written, ct);

        // A writer keeps changing one appointment of the first day while two runs move the days: each change either
        // lands in the hot row before it is moved (and is then copied), or finds the row gone.
        var hotTable = new TableClient(fixture.ConnectionString, StorageNames.AppointmentsTable);
        var touched = Id(Old, 7);
        var lastTouch = 0;
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i <= 200; i++)
            {
                try
                {
                    await hotTable.UpdateEntityAsync(new TableEntity(centre, TableAppointmentStore.AppointmentRow(touched)) { ["Touch"] = i }, ETag.All, TableUpdateMode.Merge, ct);
                    lastTouch = i;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    return;
                }
            }
        }, ct);
        var archiving = Archiving(new ArchiveSettings(90, 31));
        var both = await Task.WhenAll(archiving.RunAsync(centre, ct), archiving.RunAsync(centre, ct));
        await writer;
        Assert.All(both, r => Assert.Null(r.Error));
        // The lease: one run moved the days, or they ran one after the other; never both at once.
        Assert.Equal(120, both.Sum(r => r.Value!.Appointments) + (await RowsAsync(StorageNames.AppointmentsTable,
            e => e.PartitionKey == centre && e.RowKey.CompareTo("appt|") > 0 && e.RowKey.CompareTo("appt|~") < 0, ct)).Count);
        // Whatever a run left (a row changed under it) the next run takes.
        for (var i = 0; i < 5 && (await RowsAsync(StorageNames.AppointmentsTable, e => e.PartitionKey == centre, ct)).Count > 0; i++)
            await archiving.RunAsync(centre, ct);

        Assert.Empty(await RowsAsync(StorageNames.AppointmentsTable, e => e.PartitionKey == centre, ct));
        var archived = await RowsAsync(StorageNames.AppointmentArchiveTable, e => e.PartitionKey.CompareTo(centre + "|") > 0 && e.PartitionKey.CompareTo(centre + "|~") < 0, ct);
        Assert.Equal(written.Count, archived.Count);
        Assert.Equal(written.Select(e => e.RowKey).Order(StringComparer.Ordinal), archived.Select(e => e.RowKey).Order(StringComparer.Ordinal));
        var copy = Assert.Single(archived, e => e.RowKey == TableAppointmentStore.AppointmentRow(touched));
        Assert.True(lastTouch > 0);
        Assert.Equal(lastTouch, copy.GetInt32("Touch"));
    }

    [Fact]
    public async Task Appointments_kept_under_the_day_they_were_booked_for_move_with_it_and_are_found_by_id()
    {
        var ct = TestContext.Current.CancellationToken;
        const string centre = "arch-d";
        await SaveCentreAsync(centre, ct);
        var next = Old.PlusDays(1);
        // As the store writes them now (ADR 0031): one appointment kept under each of two days, and one booked for the
        // first day and moved to the second, kept under the first with its copy under the second.
        var stays = Kept(centre, AppointmentIds.New("social", Old, "aa01"), Old, Old, new LocalTime(9, 0));
        var other = Kept(centre, AppointmentIds.New("social", next, "aa02"), next, next, new LocalTime(9, 0));
        var moved = Kept(centre, AppointmentIds.New("social", Old, "aa03"), Old, next, new LocalTime(9, 15));
        var movedAppointment = JsonRow.Read(moved[0], TableAppointmentStore.AppointmentSchema);
        var copy = JsonRow.Write(new TableEntity(centre, TableAppointmentStore.DayRow(next, movedAppointment.Id)) { ["Status"] = "Served" },
            TableAppointmentStore.AppointmentSchema, movedAppointment);
        var written = stays.Concat(other).Concat(moved).Append(copy).ToList();
        // And one booked for the first day and moved to a day not yet past the retention: it stays hot, with its copy.
        var far = Kept(centre, AppointmentIds.New("social", Old, "aa04"), Old, Recent, new LocalTime(9, 30));
        var farAppointment = JsonRow.Read(far[0], TableAppointmentStore.AppointmentSchema);
        var farCopy = JsonRow.Write(new TableEntity(centre, TableAppointmentStore.DayRow(Recent, farAppointment.Id)) { ["Status"] = "Served" },
            TableAppointmentStore.AppointmentSchema, farAppointment);
        await WriteAsync(written.Concat(far).Append(farCopy), ct);

        var run = (await Archiving(new ArchiveSettings(90, 31)).RunAsync(centre, ct)).Value!;

        // The first day leaves the two appointments moved to later days; the second takes the one moved to it, beside its copy.
        Assert.Equal([Old, next], run.Days.Select(d => d.Date));
        Assert.Equal([2, 0], run.Days.Select(d => d.Left));
        Assert.Equal((3, written.Count), (run.Appointments, run.Rows));
        Assert.Equal(new[] { far[0].RowKey, far[1].RowKey, farCopy.RowKey }.Order(StringComparer.Ordinal), (await RowsAsync(StorageNames.AppointmentsTable, e => e.PartitionKey == centre, ct))
            .Select(e => e.RowKey).Order(StringComparer.Ordinal));
        var archived = await RowsAsync(StorageNames.AppointmentArchiveTable, e => e.PartitionKey == TableAppointmentArchive.MonthPartition(centre, Old), ct);
        Assert.Equal(written.Select(e => e.RowKey).Order(StringComparer.Ordinal), archived.Select(e => e.RowKey).Order(StringComparer.Ordinal));

        var store = fixture.Host.Services.GetRequiredService<IAppointmentStore>();
        foreach (var (id, date) in new[] { (stays[0], Old), (other[0], next), (moved[0], next) }.Select(x => (JsonRow.Read(x.Item1, TableAppointmentStore.AppointmentSchema).Id, x.Item2)))
        {
            var byId = await store.GetAsync(centre, id, ct);
            Assert.Equal((true, date), (byId!.Archived, byId.Appointment.Date));
        }
        Assert.Equal([stays[0].RowKey.Split('|')[2]], (await store.ListDayAsync(centre, Old, ct)).Select(a => a.Id));
        Assert.Equal(2, (await store.ListDayAsync(centre, next, ct)).Count);
        var stillHot = await store.GetAsync(centre, farAppointment.Id, ct);
        Assert.Equal((false, Recent), (stillHot!.Archived, stillHot.Appointment.Date));
        Assert.Equal([farAppointment.Id], (await store.ListDayAsync(centre, Recent, ct)).Select(a => a.Id));
    }

    [Fact]
    public async Task An_archived_appointments_manage_link_opens_a_page_saying_it_is_past()
    {
        var ct = TestContext.Current.CancellationToken;
        const string centre = "huli"; // the deployment's centre: the pages serve it
        var day = new LocalDate(2026, 3, 2);
        var rows = Day(centre, day, 1).ToList();
        await WriteAsync(rows, ct);
        var run = await Archiving(new ArchiveSettings(90, 1)).RunAsync(centre, ct);
        Assert.Equal(day, Assert.Single(run.Value!.Days).Date);

        var token = fixture.Host.Services.GetRequiredService<Scheduler.Core.Identity.ResidentTokenService>()
            .Issue(centre, "appointment/" + Id(day, 0), ManageLinks.Purpose, Duration.FromDays(1));
        using var page = await fixture.Host.Client.GetAsync($"/api/pages/manage?token={Uri.EscapeDataString(token)}&lang=en", ct);
        var html = await page.Content.ReadAsStringAsync(ct);
        Assert.Equal(System.Net.HttpStatusCode.Gone, page.StatusCode);
        Assert.Contains("is past; its record is kept in the archive", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/pages/manage/cancel", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_centre_that_does_not_exist_is_refused()
    {
        var run = await Archiving(ArchiveSettings.Default).RunAsync("no-such-centre", TestContext.Current.CancellationToken);
        Assert.Equal(ErrorCodes.UnknownCentre, run.Error?.Code);
    }

    private ArchivePastAppointments Archiving(ArchiveSettings settings) =>
        new(fixture.Host.Services.GetRequiredService<IAppointmentArchive>(), fixture.Host.Services.GetRequiredService<ICentreDirectory>(),
            fixture.Host.Services.GetRequiredService<IClock>(), settings);

    private async Task SaveCentreAsync(string centre, CancellationToken ct)
    {
        var demo = DemoData.Load();
        await fixture.Host.Services.GetRequiredService<CatalogueStore>().SaveAsync(demo with { Centre = demo.Centre with { Id = centre } }, ct);
    }

    private static string Id(LocalDate day, int i) => $"social.past{day:yyyyMMdd}{i:D2}";

    /// <summary>
    /// A day of served appointments as the store wrote them before ids named their day (ADR 0031), as rows from then
    /// still are: the appointment at <c>appt|{id}</c>, its day copy, its slot's counter.
    /// </summary>
    private static IEnumerable<TableEntity> Day(string centre, LocalDate day, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var start = new LocalTime(9, 0).PlusMinutes(15 * i);
            var a = new Appointment(Id(day, i), centre, "social", "pension-certification", false, ["pension-certification"], day, start, start.PlusMinutes(15), 1,
                "Asia/Shanghai", "李芳", "+8613800000000", "resident-key", null, null, "zh", AppointmentStatus.Served,
                Instant.FromUtc(day.Year, day.Month, day.Day, 0, 0).Minus(Duration.FromDays(3)), "test", null, Instant.FromUtc(day.Year, day.Month, day.Day, 2, 0));
            yield return JsonRow.Write(new TableEntity(centre, TableAppointmentStore.AppointmentRow(a.Id))
            {
                ["Category"] = a.CategoryId, ["Date"] = a.Date.ToString("yyyy-MM-dd", null), ["Status"] = a.Status.ToString(),
            }, TableAppointmentStore.AppointmentSchema, a);
            yield return JsonRow.Write(new TableEntity(centre, TableAppointmentStore.DayRow(a.Date, a.Id)) { ["Status"] = a.Status.ToString() },
                TableAppointmentStore.AppointmentSchema, a);
            yield return new TableEntity(centre, TableAppointmentStore.SlotRow("social", new SlotKey(day, start))) { ["General"] = 1, ["Green"] = 0 };
        }
    }

    /// <summary>A served appointment kept under the day it was booked for (ADR 0031), on <paramref name="on"/> now, and its seat.</summary>
    private static List<TableEntity> Kept(string centre, string id, LocalDate bookedFor, LocalDate on, LocalTime start)
    {
        var a = new Appointment(id, centre, "social", "pension-certification", false, ["pension-certification"], on, start, start.PlusMinutes(15), 1,
            "Asia/Shanghai", "李芳", "+8613800000000", "resident-key", null, null, "zh", AppointmentStatus.Served,
            Instant.FromUtc(bookedFor.Year, bookedFor.Month, bookedFor.Day, 0, 0).Minus(Duration.FromDays(3)), "test", null, Instant.FromUtc(on.Year, on.Month, on.Day, 2, 0));
        return
        [
            JsonRow.Write(new TableEntity(centre, TableAppointmentStore.AppointmentRow(a.Id))
            {
                ["Category"] = a.CategoryId, ["Date"] = a.Date.ToString("yyyy-MM-dd", null), ["Status"] = a.Status.ToString(),
            }, TableAppointmentStore.AppointmentSchema, a),
            new TableEntity(centre, TableAppointmentStore.SlotRow("social", new SlotKey(on, start))) { ["General"] = 1, ["Green"] = 0 },
        ];
    }

    private async Task WriteAsync(IEnumerable<TableEntity> rows, CancellationToken ct)
    {
        var table = new TableClient(fixture.ConnectionString, StorageNames.AppointmentsTable);
        foreach (var chunk in rows.Chunk(100))
            await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct);
    }

    private async Task<List<TableEntity>> RowsAsync(string table, System.Linq.Expressions.Expression<Func<TableEntity, bool>> filter, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in new TableClient(fixture.ConnectionString, table).QueryAsync(filter, cancellationToken: ct)) rows.Add(e);
        return rows;
    }
}
