using System.Net;
using System.Text;
using Azure.Storage.Queues;
using Scheduler.DevHost.TestFunctions;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.DevHost.Tests;

/// <summary>The test app's host.json sets maxDequeueCount 3 and no visibility delay, so retries are quick.</summary>
public sealed class QueueAndTimerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestDevHost _host = null!;
    private QueueClient _work = null!;
    private QueueClient _poison = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestApp.StartAsync(azurite);
        var raw = new QueueServiceClient(azurite.ConnectionString);
        _work = raw.GetQueueClient("work");
        _poison = raw.GetQueueClient("work-poison");
        await _work.CreateIfNotExistsAsync();
        await _poison.CreateIfNotExistsAsync();
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for: {what}");
            await Task.Delay(100);
        }
    }

    private async Task<List<string>> PoisonTextsAsync()
    {
        var peeked = await _poison.PeekMessagesAsync(32);
        return peeked.Value.Select(m => m.MessageText).ToList();
    }

    [Fact]
    public async Task A_good_message_is_processed_once_and_deleted()
    {
        var id = Guid.NewGuid().ToString("N");
        await _work.SendMessageAsync(Base64($$"""{"id":"{{id}}","fail":false}"""));

        await Eventually(() => Task.FromResult(Observed.Processed.Contains(id)), "message processed");
        Assert.Equal(1, Observed.Attempts[id]);
    }

    [Fact]
    public async Task A_message_whose_function_outlasts_the_lease_is_kept_leased_and_processed_once()
    {
        // The test hosts lease a message for one second and the function takes four: without renewal the message
        // would be received again by the other host (a second instance) while its first delivery still runs.
        await using var second = await TestApp.StartAsync(azurite);
        var id = Guid.NewGuid().ToString("N");
        await _work.SendMessageAsync(Base64($$"""{"id":"{{id}}","fail":false,"delayMs":4000}"""));

        await Eventually(() => Task.FromResult(Observed.Processed.Contains(id)), "slow message processed");
        await Task.Delay(1500);
        Assert.Equal(1, Observed.Attempts[id]);
        Assert.Equal(1, Observed.Processed.Count(p => p == id));
        var left = await _work.PeekMessagesAsync(32);
        Assert.DoesNotContain(left.Value, m => Encoding.UTF8.GetString(Convert.FromBase64String(m.MessageText)).Contains(id));
    }

    [Fact]
    public async Task A_failing_message_is_tried_maxDequeueCount_times_then_moved_to_the_poison_queue()
    {
        var id = Guid.NewGuid().ToString("N");
        var text = Base64($$"""{"id":"{{id}}","fail":true}""");
        await _work.SendMessageAsync(text);

        await Eventually(async () => (await PoisonTextsAsync()).Contains(text), "message in work-poison");
        // Three deliveries (maxDequeueCount). A host of another test that stops while holding the message hands it
        // back unprocessed, and that delivery counts too, as it does in Azure: so two or three ran the function.
        Assert.InRange(Observed.Attempts[id], 2, 3);
        Assert.DoesNotContain(id, Observed.Processed);
    }

    [Theory]
    [InlineData("this is not base64 at all!")]
    [InlineData("bm90IGpzb24=")]
    public async Task A_message_that_is_not_base64_or_not_json_ends_in_poison_and_the_poller_keeps_going(string raw)
    {
        await _work.SendMessageAsync(raw);
        var good = Guid.NewGuid().ToString("N");
        await _work.SendMessageAsync(Base64($$"""{"id":"{{good}}","fail":false}"""));

        await Eventually(async () => (await PoisonTextsAsync()).Contains(raw), "bad message in work-poison");
        await Eventually(() => Task.FromResult(Observed.Processed.Contains(good)), "the next good message processed");
    }

    [Fact]
    public async Task A_timer_function_fires_on_demand_with_the_master_key_only()
    {
        var before = Observed.Ticks;
        using var withFunctionKey = _host.KeyedClient();
        using var refused = await withFunctionKey.PostAsync("/admin/functions/Tick", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(before, Observed.Ticks);

        using var master = _host.KeyedClient(_host.Keys.MasterKey);
        using var fired = await master.PostAsync("/admin/functions/Tick", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, fired.StatusCode);
        Assert.Equal(before + 1, Observed.Ticks);

        using var unknown = await master.PostAsync("/admin/functions/NoSuchTimer", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public void Timer_schedules_are_read_as_ncrontab_with_seconds()
    {
        var schedule = TimerScheduler.Parse("0 30 18 * * *");
        var next = schedule.GetNextOccurrence(new DateTime(2026, 11, 27, 9, 0, 0, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2026, 11, 27, 18, 30, 0), next);
    }
}
