using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Scheduler.Core.Notifications;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Notifications;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The ratings summary, the dispatchers' follow-up list and the messages to a number (the local inbox) read by key:
/// after a year of other ratings, closed follow-ups and hundreds of older messages they read exactly the entities
/// they read before, counted by the storage pipeline's meter, and none of them filters on a non-key column.
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
        var before = await ReadsAsync(() => outbox.ListToAsync(to, 10, ct));
        await SendAsync(12, 300);
        IReadOnlyList<StoredSms> newest = [];
        var after = await ReadsAsync(async () => newest = await outbox.ListToAsync(to, 10, ct));

        Assert.Equal(Enumerable.Range(302, 10).Reverse().Select(i => $"message {i}"), newest.Select(s => s.Message.Text));
        Assert.Equal(before.Reads, after.Reads);
        Assert.Equal(20, after.Reads);
        Assert.False(after.Filtered);
    }

    private async Task<(long Reads, bool Filtered)> ReadsAsync(Func<Task> operation)
    {
        var meter = fixture.Host.Services.GetRequiredService<StorageMeter>();
        meter.Reset();
        meter.Recording = true;
        await operation();
        meter.Recording = false;
        var tallies = meter.Snapshot().Where(t => t.Service == "table" && t.Resource is StorageNames.RatingsTable or StorageNames.SmsTable).ToList();
        return (tallies.Sum(t => t.Read), tallies.Any(t => t.Operation.Contains("filtered", StringComparison.Ordinal)));
    }
}
