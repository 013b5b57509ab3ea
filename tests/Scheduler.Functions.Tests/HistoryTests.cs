using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// History does not matter: with a year of appointments behind it, a centre's availability, booking, staff day list, reminders, lapse timer and outbox sweep read exactly the entities they read
/// when the centre was new, counted by the storage pipeline's meter, and none of them filters on a non-key column.
/// A centre of its own (<c>hist</c>, the demo catalogue) so other classes' bookings do not count.
/// </summary>
public sealed class HistoryTests(DemoHostFixture fixture) : IClassFixture<DemoHostFixture>
{
    private const string Centre = "hist";
    private const string Item = "pension-certification";

    [Fact]
    public async Task A_year_of_history_changes_no_read_of_any_endpoint_timer_or_queue_function()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = fixture.Host.Services;
        var demo = Scheduler.Functions.Catalogue.DemoData.Load();
        await services.GetRequiredService<CatalogueStore>().SaveAsync(demo with { Centre = demo.Centre with { Id = Centre } }, ct);

        var empty = await ReadsAsync(services, new LocalDate(2026, 12, 1), ct);
        var generated = await GenerateYearAsync(services, ct);
        var full = await ReadsAsync(services, new LocalDate(2026, 12, 2), ct);

        Assert.True(generated > 7000);
        // Calls that read nothing (a write another booking's batched audit happened to put in the window) do not count.
        Assert.Equal(empty.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key), full.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key));
        Assert.DoesNotContain(full, kv => kv.Key.Contains("filtered query", StringComparison.Ordinal));
        // What each read is: the summary row, the day's one appointment (not the 7,300 before it).
        Assert.Equal(1, full["availability: availability point read"]);
        Assert.Equal(1, full["staff day list: appointments query"]);
        // The booking was measured (its transaction); on a slot this instance never saw it reads no counter (ADR 0029).
        Assert.Contains("book: appointments transaction", full.Keys);
    }

    /// <summary>Entities read per operation in the centre's partitions, with the kind of each call.</summary>
    private async Task<Dictionary<string, long>> ReadsAsync(IServiceProvider services, LocalDate date, CancellationToken ct)
    {
        var meter = services.GetRequiredService<StorageMeter>();
        var reads = new Dictionary<string, long>();
        async Task MeasureAsync(string name, Func<Task> operation)
        {
            meter.Reset();
            meter.Recording = true;
            await operation();
            meter.Recording = false;
            foreach (var t in meter.Snapshot().Where(t => t.Service == "table" && t.Partition.Split('|')[0] == Centre))
                reads[$"{name}: {t.Resource} {t.Operation}"] = reads.GetValueOrDefault($"{name}: {t.Resource} {t.Operation}") + t.Read;
        }

        var availability = services.GetRequiredService<AvailabilityQuery>();
        var store = services.GetRequiredService<IAppointmentStore>();
        await availability.GetAsync(Centre, null, Item, null, date, date.PlusDays(6), false, ct);
        await MeasureAsync("availability", () => availability.GetAsync(Centre, null, Item, null, date, date.PlusDays(6), false, ct));
        var mobile = "+86" + BookingClient.NewMobile();
        var proof = await VerifiedMobiles.ProofAsync(fixture.Host, Centre, mobile, ct);
        await OutboxEmptyAsync(ct);
        // The booking alone: its event goes to the queue every test host of this run polls (they share one Azurite),
        // so which host's consumer takes it, and whose meter sees its reads, is not this test's to decide.
        await MeasureAsync("book", async () =>
        {
            var booked = await services.GetRequiredService<BookAppointment>().BookAsync(Centre,
                new BookCommand(Item, null, date, new LocalTime(9, 0), "李芳", mobile, null, null, "zh", null, MobileProof: proof), AnonymousCaller.Instance, ct);
            Assert.Null(booked.Error);
        });
        await OutboxEmptyAsync(ct);
        await MeasureAsync("staff day list", () => store.ListAsync(Centre, "social", date, ct));
        await MeasureAsync("day before reminders", () => services.GetRequiredService<SendDayBeforeReminders>().RunAsync(Centre, ct));
        await MeasureAsync("lapse timer", () => services.GetRequiredService<ChangeAppointmentStatus>().LapseUnconfirmedAsync(Centre, new SystemCaller("test"), ct));
        await MeasureAsync("outbox sweep", () => services.GetRequiredService<AppointmentEventPublisher>().SweepAsync([Centre], ct));
        return reads;
    }

    /// <summary>Waits until the events' consumer has removed the booking's outbox row (read with a client of its own, not counted).</summary>
    private async Task OutboxEmptyAsync(CancellationToken ct)
    {
        var table = new TableClient(fixture.ConnectionString, StorageNames.AppointmentsTable);
        for (var i = 0; i < 300; i++)
        {
            var left = 0;
            await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == Centre && e.RowKey.CompareTo("event|") > 0 && e.RowKey.CompareTo("event|~") < 0,
                               cancellationToken: ct))
                left++;
            if (left == 0) return;
            await Task.Delay(100, ct);
        }
        Assert.Fail("The events' consumer did not take the booking's event.");
    }

    /// <summary>
    /// A year of past appointments (20 a day, served or cancelled), laid out as the store lays them out: the
    /// appointment, its day's copy and its slot's counter. Returns how many.
    /// </summary>
    private async Task<int> GenerateYearAsync(IServiceProvider services, CancellationToken ct)
    {
        var table = new TableClient(fixture.ConnectionString, StorageNames.AppointmentsTable);
        var template = (await services.GetRequiredService<IAppointmentStore>().ListAsync(Centre, "social", new LocalDate(2026, 12, 1), ct)).Single();
        var count = 0;
        var rows = new List<TableEntity>();
        for (var day = new LocalDate(2025, 11, 27); day < new LocalDate(2026, 11, 27); day = day.PlusDays(1))
        {
            for (var i = 0; i < 20; i++)
            {
                var start = new LocalTime(9, 0).PlusMinutes(15 * i);
                var a = template with
                {
                    Id = $"social.history{day:yyyyMMdd}{i:D2}", Date = day, Start = start, End = start.PlusMinutes(15),
                    Status = i % 5 == 0 ? AppointmentStatus.Cancelled : AppointmentStatus.Served,
                };
                rows.Add(JsonRow.Write(new TableEntity(Centre, TableAppointmentStore.AppointmentRow(a.Id))
                {
                    ["Category"] = a.CategoryId, ["Date"] = a.Date.ToString("yyyy-MM-dd", null), ["Status"] = a.Status.ToString(),
                }, TableAppointmentStore.AppointmentSchema, a));
                rows.Add(JsonRow.Write(new TableEntity(Centre, TableAppointmentStore.DayRow(a.Date, a.Id)) { ["Status"] = a.Status.ToString() },
                    TableAppointmentStore.AppointmentSchema, a));
                rows.Add(new TableEntity(Centre, TableAppointmentStore.SlotRow("social", new SlotKey(day, start))) { ["General"] = i % 5 == 0 ? 0 : 1, ["Green"] = 0 });
                count++;
            }
        }
        foreach (var chunk in rows.Chunk(100))
            await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct);
        return count;
    }
}
