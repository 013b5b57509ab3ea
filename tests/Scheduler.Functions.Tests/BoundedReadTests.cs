using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Notifications;
using Scheduler.Core.Residents;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Notifications;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The ratings summary, the dispatchers' follow-up list, the messages to a number (the local inbox) and a day's
/// home-visit requests (planning, telling residents, a staff member's day) read by key: after a year of other
/// ratings, closed follow-ups, requests and hundreds of older messages they read exactly the entities they read before, counted by the storage pipeline's meter, and none of them filters on a non-key column.
/// </summary>
public sealed class BoundedReadTests(DemoHostFixture fixture) : IClassFixture<DemoHostFixture>
{
    private const string Centre = "bounded";
    private static readonly LocalDate Day = new(2026, 11, 25);

    [Fact]
    public async Task Ratings_summary_and_follow_ups_read_the_same_after_a_year_of_history()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = fixture.Host.Services;
        var demo = DemoData.Load();
        await services.GetRequiredService<CatalogueStore>().SaveAsync(demo with { Centre = demo.Centre with { Id = Centre } }, ct);
        var store = services.GetRequiredService<IRatingStore>();
        var ratings = services.GetRequiredService<Ratings>();
        var at = Instant.FromUtc(2026, 11, 25, 3, 0);
        await store.AddAsync(new Rating(Centre, "appointment/social.today1", "social", "pension-certification", 5, null, "sms", at), ct);
        await store.AddAsync(new Rating(Centre, "appointment/social.today2", "social", "pension-certification", 2, "slow", "sms", at.Plus(Duration.FromMinutes(5))), ct);
        await store.AddFollowUpAsync(new FollowUp(Centre, "appointment/social.today2", 2, "slow", at, at.Plus(Duration.FromDays(3)), FollowUpStatus.Open, null, null, null), ct);

        var before = await ReadsAsync(() => Task.WhenAll(ratings.SummaryAsync(Centre, Day, Day, ct), ratings.FollowUpsAsync(Centre, ct)));

        // A year of other days before the last 30 (which the follow-up list shows): a rating a day, and a follow-up opened and closed every other day.
        for (var d = 31; d <= 395; d++)
        {
            var then = at.Minus(Duration.FromDays(d));
            await store.AddAsync(new Rating(Centre, $"appointment/social.past{d}", "social", "pension-certification", 1 + d % 5, null, "page", then), ct);
            if (d % 2 == 0)
                await store.AddFollowUpAsync(new FollowUp(Centre, $"appointment/social.past{d}", 1, null, then, then.Plus(Duration.FromDays(3)), FollowUpStatus.Closed,
                    "called back", "staff:test", then.Plus(Duration.FromHours(2))), ct);
        }
        var summary = await ratings.SummaryAsync(Centre, Day, Day, ct);
        var after = await ReadsAsync(() => Task.WhenAll(ratings.SummaryAsync(Centre, Day, Day, ct), ratings.FollowUpsAsync(Centre, ct)));

        Assert.Equal(2, summary.Value!.Count);
        Assert.Equal(1, summary.Value.FollowUpsOpen);
        Assert.Equal(0, summary.Value.FollowUpsClosed);
        Assert.Equal(before.Reads, after.Reads);
        Assert.False(after.Filtered);
        // The summary: the day's two ratings and the open follow-up; the list: the open follow-up again.
        Assert.Equal(2 + 1 + 1, after.Reads);
    }

    [Fact]
    public async Task The_messages_to_a_number_read_the_newest_only_however_many_came_before()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = fixture.Host.Services;
        var outbox = services.GetRequiredService<TableSmsOutbox>();
        const string to = "+8613900001111";
        var start = Instant.FromUtc(2026, 1, 1, 0, 0);
        async Task SendAsync(int from, int count)
        {
            for (var i = from; i < from + count; i++)
                // Opted out: stored and listed, not queued for sending (this test is about reading).
                await outbox.EnqueueAsync(new OutboundSms($"bounded-{i}", "huli", to, $"message {i}", "test", "zh", start.Plus(Duration.FromMinutes(i)), start), true, ct);
        }

        await SendAsync(0, 12);
        // Only the number's partition is counted: the demo host's own senders read other messages meanwhile.
        var partition = outbox.Partition(to);
        var before = await ReadsInPartitionAsync(() => outbox.ListToAsync(to, 10, ct), partition);
        await SendAsync(12, 300);
        IReadOnlyList<StoredSms> newest = [];
        var after = await ReadsInPartitionAsync(async () => newest = await outbox.ListToAsync(to, 10, ct), partition);

        Assert.Equal(Enumerable.Range(302, 10).Reverse().Select(i => $"message {i}"), newest.Select(s => s.Message.Text));
        Assert.Equal(before.Reads, after.Reads);
        Assert.Equal(20, after.Reads);
        Assert.False(after.Filtered);
    }

    [Fact]
    public async Task A_days_home_visit_requests_read_the_same_after_a_year_of_other_requests()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = fixture.Host.Services.GetRequiredService<IHomeVisitStore>();
        const string centre = "bounded-hv";
        var day = new LocalDate(2026, 12, 2);
        HomeVisitRequest Request(string id, LocalDate date, HomeVisitStatus status) =>
            new(id, centre, "王秀英", "+8613900000011", null, 82, EligibilityReason.Aged60Plus, new GeoPoint(24.50, 118.15), $"湖里区{id}号", "pension-certification",
                [new VisitWindow(date, new LocalTime(9, 0), new LocalTime(11, 0))], VisitUrgency.Routine, null, "web", new EligibilityAssessment(true, "Aged 82."),
                status, null, Instant.FromUtc(2026, 1, 1, 0, 0), "anonymous", id);
        for (var i = 0; i < 3; i++) Assert.True(await store.AddAsync(Request($"hv-day-{i}", day, HomeVisitStatus.Approved), ct));
        await store.ListForDateAsync(centre, day, ct); // the one-off indexing of a centre's older requests happens here

        var before = await ReadsAsync(() => store.ListForDateAsync(centre, day, ct), StorageNames.HomeVisitsTable);
        for (var d = 1; d <= 365; d++)
            Assert.True(await store.AddAsync(Request($"hv-past-{d}", day.PlusDays(-d), d % 3 == 0 ? HomeVisitStatus.Rejected : HomeVisitStatus.Approved), ct));
        IReadOnlyList<HomeVisitRequest> found = [];
        var after = await ReadsAsync(async () => found = await store.ListForDateAsync(centre, day, ct), StorageNames.HomeVisitsTable);

        Assert.Equal(["hv-day-0", "hv-day-1", "hv-day-2"], found.Select(r => r.Id).Order(StringComparer.Ordinal));
        // Three pointers and three requests, before and after.
        Assert.Equal(6, before.Reads);
        Assert.Equal(before.Reads, after.Reads);
        Assert.False(after.Filtered);
    }

    private Task<(long Reads, bool Filtered)> ReadsInPartitionAsync(Func<Task> operation, string partition) =>
        ReadsAsync(operation, t => t.Resource == StorageNames.SmsTable && t.Partition == partition);

    private Task<(long Reads, bool Filtered)> ReadsAsync(Func<Task> operation, params string[] tables)
    {
        if (tables.Length == 0) tables = [StorageNames.RatingsTable, StorageNames.SmsTable];
        return ReadsAsync(operation, t => tables.Contains(t.Resource));
    }

    private async Task<(long Reads, bool Filtered)> ReadsAsync(Func<Task> operation, Func<StorageTally, bool> counted)
    {
        var meter = fixture.Host.Services.GetRequiredService<StorageMeter>();
        meter.Reset();
        meter.Recording = true;
        await operation();
        meter.Recording = false;
        var tallies = meter.Snapshot().Where(t => t.Service == "table" && counted(t)).ToList();
        return (tallies.Sum(t => t.Read), tallies.Any(t => t.Operation.Contains("filtered", StringComparison.Ordinal)));
    }
}
