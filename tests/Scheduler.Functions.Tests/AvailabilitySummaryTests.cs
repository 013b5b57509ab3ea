using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Availability is served from a summary per centre and category (ADR 0017), kept in step by every booking and
/// cached over HTTP for seconds; the counters stay the truth. Two dev hosts on one Azurite, construction windows
/// on 2026-12-10 (no other class books them).
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
        // The refused booking read the counters, and the summary learnt from them: the slot is no longer offered.
        var (_, healed) = await AvailabilityAsync(fixture.Host.Client);
        Assert.False(healed.ContainsKey(start));
    }
}
