using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Availability is served from a summary per centre and category (ADR 0017), kept in step by the consumer of each
/// booking's event (ADR 0028) and cached over HTTP for seconds; the counters stay the truth. Two dev hosts on one
/// Azurite, construction windows on 2026-12-10 (no other class books them).
/// </summary>
public sealed class AvailabilitySummaryTests(AvailabilitySummaryTests.Fixture fixture) : IClassFixture<AvailabilitySummaryTests.Fixture>
{
    public sealed class Fixture(AzuriteFixture azurite) : DemoHostFixture(azurite)
    {
        public TestDevHost Second { get; private set; } = null!;

        protected override async Task OnStartedAsync(TestDevHost host) => Second = await SchedulerHost.StartAsync(ConnectionString);

        public override async ValueTask DisposeAsync()
        {
            if (Second is not null) await Second.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    private const string Date = "2026-12-10";
    private const string Item = "construction-permit";

    private static async Task<(HttpResponseMessage Response, Dictionary<string, int> Free)> AvailabilityAsync(HttpClient client)
    {
        var response = await client.GetAsync($"/api/availability?itemId={Item}&from={Date}&to={Date}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var free = doc.RootElement.EnumerateArray().SelectMany(d => d.GetProperty("slots").EnumerateArray())
            .ToDictionary(s => s.GetProperty("start").GetString()![..5], s => s.GetProperty("free").GetInt32());
        return (response, free);
    }

    /// <summary>
    /// Waits until the events of <paramref name="appointmentIds"/> are handled (their outbox rows are gone: a row is
    /// removed after the offers were refreshed), for 30 s at most.
    /// </summary>
    private static async Task EventsHandledAsync(string connection, IReadOnlyCollection<string> appointmentIds)
    {
        var table = new TableClient(connection, StorageNames.AppointmentsTable);
        for (var i = 0; i < 150; i++)
        {
            var left = 0;
            foreach (var id in appointmentIds)
                await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == "huli" && e.RowKey.CompareTo($"event|{id}-") >= 0 && e.RowKey.CompareTo($"event|{id}-~") < 0,
                                   select: ["RowKey"], cancellationToken: TestContext.Current.CancellationToken))
                    left++;
            if (left == 0) return;
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        Assert.Fail("the booking events were not handled within 30 s");
    }

    [Fact]
    public async Task Simultaneous_bookings_on_two_hosts_leave_the_offers_equal_to_the_counters()
    {
        var (first, before) = await AvailabilityAsync(fixture.Host.Client);
        Assert.Equal(AppointmentFunctions.AvailabilityCacheControl, first.Headers.CacheControl?.ToString());
        var starts = before.Keys.Where(s => string.CompareOrdinal(s, "12:00") < 0).Order().Take(3).ToList();
        Assert.Equal(3, starts.Count);

        var gate = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, 18).Select(async i =>
        {
            await gate.Task;
            var client = i % 2 == 0 ? fixture.Host.Client : fixture.Second.Client;
            return await PostAsync(client, "/api/appointments", Json(Booking(Date, starts[i % 3], item: Item)));
        }).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{r.Status}: {r.Body}"));

        // Once the events are handled (the booking calls answered before), each slot offers less than before.
        await EventsHandledAsync(fixture.ConnectionString, results.Where(r => r.Status == HttpStatusCode.Created)
            .Select(r => r.Body.GetProperty("appointment").GetProperty("id").GetString()!).ToList());
        var (_, after) = await AvailabilityAsync(fixture.Second.Client);
        foreach (var start in starts)
        {
            Assert.True(Slot(fixture.ConnectionString, "construction", Date, start).Counted > 0);
            Assert.True(after.GetValueOrDefault(start) < before[start]);
        }
        // The same offers as a summary built afresh from the counters.
        var summaries = new TableClient(fixture.ConnectionString, StorageNames.AvailabilityTable);
        await summaries.DeleteEntityAsync(AvailabilitySummaries.Partition("huli", "construction"), AvailabilitySummaries.RowKey,
            Azure.ETag.All, TestContext.Current.CancellationToken);
        var (_, rebuilt) = await AvailabilityAsync(fixture.Host.Client);
        Assert.Equal(rebuilt.OrderBy(kv => kv.Key), after.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task A_slot_filled_behind_the_summary_is_still_offered_but_its_booking_answers_409_with_fresh_alternatives()
    {
        var (_, before) = await AvailabilityAsync(fixture.Host.Client);
        var start = before.Keys.Where(s => string.CompareOrdinal(s, "14:00") >= 0).Order().First();
        // Someone took every seat, and the summary has not heard of it (as if its refresh had failed).
        var counters = new TableClient(fixture.ConnectionString, StorageNames.AppointmentsTable);
        await counters.UpsertEntityAsync(new TableEntity("huli", $"slot|construction|{Date.Replace("-", "")}|{start.Replace(":", "")}")
        {
            ["General"] = before[start], ["Green"] = 0,
        }, TableUpdateMode.Replace, TestContext.Current.CancellationToken);

        var (_, stale) = await AvailabilityAsync(fixture.Host.Client);
        Assert.Equal(before[start], stale[start]);

        var (status, body) = await PostAsync(fixture.Host.Client, "/api/appointments", Json(Booking(Date, start, item: Item)));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("slot-full", body.GetProperty("code").GetString());
        var alternatives = body.GetProperty("alternatives").EnumerateArray().ToList();
        Assert.NotEmpty(alternatives);
        Assert.DoesNotContain(alternatives, a => a.GetProperty("date").GetString() == Date && a.GetProperty("start").GetString()!.StartsWith(start));
        // The refused booking read the counters, and the summary learnt from them before it answered: the slot is no longer offered.
        var (_, healed) = await AvailabilityAsync(fixture.Host.Client);
        Assert.False(healed.ContainsKey(start));
    }

    [Fact]
    public async Task Refreshes_asked_for_at_once_are_coalesced_and_each_caller_sees_its_counters_in_the_summary()
    {
        var ct = TestContext.Current.CancellationToken;
        var centre = $"coalesce{Guid.NewGuid():N}"[..20];
        var clients = StorageClients.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageClients.ConnectionName] = fixture.ConnectionString }).Build());
        var clock = new NodaTime.Testing.FakeClock(SchedulerHost.DemoNow);
        var summaries = new AvailabilitySummaries(clients, clock);
        var counters = clients.Tables.GetTableClient(StorageNames.AppointmentsTable);
        var days = Enumerable.Range(0, 40).Select(i => new NodaTime.LocalDate(2026, 12, 1).PlusDays(i % 20)).ToList();
        await summaries.ReadAsync(centre, "social", days[0], days[^1], ct); // the summary exists, empty

        // Forty counters (two per day) change; then forty callers, one per counter, ask for their slot at once.
        await Task.WhenAll(days.Select((day, i) => counters.UpsertEntityAsync(new TableEntity(centre, TableAppointmentStore.SlotRow("social", new(day, new NodaTime.LocalTime(9, i < 20 ? 0 : 15))))
        {
            ["General"] = 1 + i % 3, ["Green"] = i % 2,
        }, TableUpdateMode.Replace, ct)));
        clients.Meter.Reset();
        clients.Meter.Recording = true;
        await Task.WhenAll(days.Select((day, i) => summaries.RefreshAsync(centre, "social", [new Scheduler.Core.Booking.SlotKey(day, new NodaTime.LocalTime(9, i < 20 ? 0 : 15))], ct)).ToList());
        clients.Meter.Recording = false;

        var offered = await summaries.ReadAsync(centre, "social", days[0], days[^1], ct);
        Assert.Equal(40, offered.Count);
        foreach (var (day, i) in days.Select((d, i) => (d, i)))
            Assert.Equal(new Scheduler.Core.Booking.SlotUsage(1 + i % 3, i % 2), offered[new(day, new NodaTime.LocalTime(9, i < 20 ? 0 : 15))]);
        var summaryWrites = clients.Meter.Snapshot().Where(t => t.Resource == StorageNames.AvailabilityTable).Sum(t => t.Written);
        // The first call starts a round at once; the 39 others, asked while it runs, wait for the next and share it.
        Assert.InRange(summaryWrites, 1, 2);
    }
}
