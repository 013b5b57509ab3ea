using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Booking;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// An instance answers availability from its copy of a summary for <c>Availability:CacheSeconds</c> (ADR 0017,
/// addendum): no storage read within that time, a read after it, one read for callers that miss together, and its own
/// refreshes (a booking refused as full, the events' consumer) put what they wrote in its copy. One host with the
/// copy on (5 s) and a clock of its own, on an Azurite of its own, so no other host takes its events off the queue.
/// The summary reads are counted by the app's storage meter.
/// </summary>
public sealed class AvailabilityCacheTests(AvailabilityCacheTests.Fixture fixture) : IClassFixture<AvailabilityCacheTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        private AzuriteFixture _azurite = null!;
        public FakeClock Clock { get; } = SchedulerHost.DemoClock();
        public TestDevHost Host { get; private set; } = null!;
        public StorageMeter Meter => Host.Services.GetRequiredService<StorageMeter>();
        public string ConnectionString => _azurite.ConnectionString;

        public async ValueTask InitializeAsync()
        {
            _azurite = await AzuriteFixture.StartFreshAsync();
            Host = await SchedulerHost.StartAsync(_azurite.ConnectionString, Clock, s => s["Availability__CacheSeconds"] = "5");
        }

        public async ValueTask DisposeAsync()
        {
            if (Host is not null) await Host.DisposeAsync();
            if (_azurite is not null) await _azurite.DisposeAsync();
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Free seats by start (<c>HH:mm</c>) on <paramref name="date"/> for <paramref name="item"/>, as the host answers.</summary>
    private async Task<Dictionary<string, int>> OffersAsync(string item, string date)
    {
        var response = await fixture.Host.Client.GetAsync($"/api/availability?itemId={item}&from={date}&to={date}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return doc.RootElement.EnumerateArray().SelectMany(d => d.GetProperty("slots").EnumerateArray())
            .ToDictionary(s => s.GetProperty("start").GetString()![..5], s => s.GetProperty("free").GetInt32());
    }

    /// <summary>Point reads of the summary of <paramref name="category"/> counted since the meter was reset.</summary>
    private long SummaryReads(string category) => fixture.Meter.Snapshot()
        .Where(t => t.Resource == StorageNames.AvailabilityTable && t.Partition == AvailabilitySummaries.Partition("huli", category) && t.Operation == "point read")
        .Sum(t => t.Requests);

    /// <summary>Starts counting from zero with every copy the host holds out of date (the clock moved past their time).</summary>
    private void StartCounting()
    {
        fixture.Clock.Advance(Duration.FromSeconds(60));
        fixture.Meter.Reset();
        fixture.Meter.Recording = true;
    }

    /// <summary>Waits until the event of <paramref name="appointmentId"/> is handled (its outbox row is gone), for 30 s at most.</summary>
    private async Task EventHandledAsync(string appointmentId)
    {
        var table = new TableClient(fixture.ConnectionString, StorageNames.AppointmentsTable);
        for (var i = 0; i < 150; i++)
        {
            var left = 0;
            await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == "huli" && e.RowKey.CompareTo($"event|{appointmentId}-") >= 0 &&
                               e.RowKey.CompareTo($"event|{appointmentId}-~") < 0, select: ["RowKey"], cancellationToken: Ct))
                left++;
            if (left == 0) return;
            await Task.Delay(200, Ct);
        }
        Assert.Fail("the booking's event was not handled within 30 s");
    }

    [Fact]
    public async Task Within_its_time_a_second_answer_reads_no_summary_and_after_it_the_next_reads_again()
    {
        StartCounting();
        var first = await OffersAsync("construction-permit", "2026-12-01");
        Assert.NotEmpty(first);
        Assert.Equal(1, SummaryReads("construction"));

        fixture.Clock.Advance(Duration.FromSeconds(4));
        Assert.Equal(first, await OffersAsync("construction-permit", "2026-12-01"));
        Assert.Equal(1, SummaryReads("construction"));

        fixture.Clock.Advance(Duration.FromSeconds(1)); // 5 s after the read: its time is up
        Assert.Equal(first, await OffersAsync("construction-permit", "2026-12-01"));
        Assert.Equal(2, SummaryReads("construction"));
    }

    [Fact]
    public async Task A_booking_refused_as_full_makes_this_instances_next_answer_show_the_slot_full_without_waiting()
    {
        StartCounting();
        var before = await OffersAsync("pension-certification", "2026-12-02");
        var start = before.Keys.Where(s => string.CompareOrdinal(s, "14:00") >= 0).Order().First();
        // Every seat taken behind the summary's back (another instance's booking whose refresh this one has not seen).
        var counters = new TableClient(fixture.ConnectionString, StorageNames.AppointmentsTable);
        await counters.UpsertEntityAsync(new TableEntity("huli", TableAppointmentStore.SlotRow("social", new SlotKey(new LocalDate(2026, 12, 2), new LocalTime(int.Parse(start[..2]), int.Parse(start[3..5])))))
        {
            ["General"] = before[start], ["Green"] = 0,
        }, TableUpdateMode.Replace, Ct);

        // Within its time the copy still offers the slot; the booking checks the counter and is refused with alternatives.
        Assert.Equal(before[start], (await OffersAsync("pension-certification", "2026-12-02"))[start]);
        var (status, body) = await PostAsync(fixture.Host.Client, "/api/appointments", Json(Booking("2026-12-02", start, item: "pension-certification")));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("slot-full", body.GetProperty("code").GetString());
        var reads = SummaryReads("social");

        // The clock has not moved: the copy is the one the refusal's refresh wrote, not a read of storage.
        var after = await OffersAsync("pension-certification", "2026-12-02");
        Assert.False(after.ContainsKey(start), $"{start} still offered {after.GetValueOrDefault(start)} seats");
        Assert.Equal(reads, SummaryReads("social"));
    }

    [Fact]
    public async Task The_events_consumer_of_this_instance_brings_its_copy_in_step_within_its_time()
    {
        StartCounting();
        var before = await OffersAsync("business-licence", "2026-12-03");
        var start = before.Keys.Where(s => string.CompareOrdinal(s, "10:00") >= 0).Order().First();
        var (status, body) = await PostAsync(fixture.Host.Client, "/api/appointments", Json(Booking("2026-12-03", start, item: "business-licence")));
        Assert.True(status == HttpStatusCode.Created, $"{status}: {body}");
        var id = body.GetProperty("appointment").GetProperty("id").GetString()!;

        // Once the booking's event is handled (its outbox row is removed after the refresh), this host offers a seat less
        // at once: the clock stands where the first answer was made, so only the consumer's refresh can have told it.
        await EventHandledAsync(id);
        Assert.Equal(before[start] - 1, (await OffersAsync("business-licence", "2026-12-03")).GetValueOrDefault(start));
    }

    [Fact]
    public async Task Callers_that_miss_together_make_one_read_of_the_summary()
    {
        var clients = StorageClients.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageClients.ConnectionName] = fixture.ConnectionString }).Build());
        var clock = SchedulerHost.DemoClock();
        var summaries = new AvailabilitySummaries(clients, clock, Duration.FromSeconds(5));
        var centre = $"flight{Guid.NewGuid():N}"[..20];
        var day = new LocalDate(2026, 12, 4);
        await clients.Tables.GetTableClient(StorageNames.AppointmentsTable).UpsertEntityAsync(
            new TableEntity(centre, TableAppointmentStore.SlotRow("social", new SlotKey(day, new LocalTime(9, 0)))) { ["General"] = 2, ["Green"] = 1 },
            TableUpdateMode.Replace, Ct);
        await summaries.ReadAsync(centre, "social", day, day, Ct); // the summary is built and stored
        clock.Advance(Duration.FromSeconds(6));

        clients.Meter.Reset();
        clients.Meter.Recording = true;
        var gate = new TaskCompletionSource();
        var callers = Enumerable.Range(0, 32).Select(async _ =>
        {
            await gate.Task;
            return await summaries.ReadAsync(centre, "social", day, day, Ct);
        }).ToList();
        gate.SetResult();
        var answers = await Task.WhenAll(callers);
        clients.Meter.Recording = false;

        Assert.All(answers, a => Assert.Equal(new SlotUsage(2, 1), a[new SlotKey(day, new LocalTime(9, 0))]));
        var reads = clients.Meter.Snapshot().Where(t => t.Resource == StorageNames.AvailabilityTable).ToList();
        Assert.Equal(1, reads.Sum(t => t.Requests));
        Assert.Equal("point read", Assert.Single(reads).Operation);
    }

    [Fact]
    public void The_copy_may_live_no_longer_than_the_max_age_the_answers_carry()
    {
        static bool Valid(int seconds)
        {
            var options = new AvailabilityOptions { CacheSeconds = seconds };
            return System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new System.ComponentModel.DataAnnotations.ValidationContext(options), [],
                validateAllProperties: true);
        }

        Assert.Equal(5, AvailabilityOptions.MaxAgeSeconds);
        Assert.Equal(AvailabilityOptions.MaxAgeSeconds, new AvailabilityOptions().CacheSeconds);
        Assert.True(Valid(0));
        Assert.True(Valid(AvailabilityOptions.MaxAgeSeconds));
        Assert.False(Valid(AvailabilityOptions.MaxAgeSeconds + 1));
        Assert.False(Valid(-1));
    }

    [Fact]
    public async Task A_read_under_way_when_the_instance_writes_does_not_put_its_older_copy_back()
    {
        var clock = SchedulerHost.DemoClock();
        using var cache = new ShortLivedCache<string, int>(clock, Duration.FromSeconds(5));
        var slow = new TaskCompletionSource<int>();
        var reads = 0;
        var underWay = cache.GetAsync("k", _ => { Interlocked.Increment(ref reads); return slow.Task; }, Ct);
        while (Volatile.Read(ref reads) == 0) await Task.Delay(5, Ct);

        cache.Put("k", 2); // what the instance's own refresh wrote
        slow.SetResult(1); // the older read ends afterwards
        Assert.Equal(1, await underWay);
        Assert.Equal(2, await cache.GetAsync("k", _ => { Interlocked.Increment(ref reads); return Task.FromResult(0); }, Ct));
        Assert.Equal(1, reads);

        clock.Advance(Duration.FromSeconds(5));
        Assert.Equal(3, await cache.GetAsync("k", _ => { Interlocked.Increment(ref reads); return Task.FromResult(3); }, Ct));
        Assert.Equal(2, reads);
    }
}
