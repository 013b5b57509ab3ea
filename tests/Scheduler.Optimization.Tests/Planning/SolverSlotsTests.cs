using Xunit;
using Scheduler.Optimization.Planning;

namespace Scheduler.Optimization.Tests.Planning;

public sealed class SolverSlotsTests
{
    [Fact]
    public async Task A_second_solve_starts_only_when_the_first_has_its_slot_back()
    {
        var slots = new SolverSlots(1);
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var secondStarted = false;

        var first = slots.RunAsync(async () => { firstRunning.SetResult(); await releaseFirst.Task; return 1; }, CancellationToken.None);
        await firstRunning.Task;
        var second = slots.RunAsync(() => { secondStarted = true; return Task.FromResult(2); }, CancellationToken.None);

        Assert.Equal(1, slots.Waiting);
        Assert.False(secondStarted);
        Assert.False(second.IsCompleted);

        releaseFirst.SetResult();
        Assert.Equal(1, await first);
        Assert.Equal(2, await second);
        Assert.True(secondStarted);
        Assert.Equal(0, slots.Waiting);
    }

    [Fact]
    public async Task Two_slots_run_two_solves_together()
    {
        var slots = new SolverSlots(2);
        var bothRunning = new CountdownEvent(2);
        var release = new TaskCompletionSource();
        var runs = Enumerable.Range(0, 2).Select(i => slots.RunAsync(async () => { bothRunning.Signal(); await release.Task; return i; }, CancellationToken.None)).ToList();

        Assert.True(bothRunning.Wait(TimeSpan.FromSeconds(30)), "two slots did not let two solves run at once");
        release.SetResult();
        var done = await Task.WhenAll(runs);
        Assert.Equal(new[] { 0, 1 }, done);
    }

    [Fact]
    public async Task A_solve_cancelled_while_waiting_never_runs_and_takes_no_slot()
    {
        var slots = new SolverSlots(1);
        var release = new TaskCompletionSource();
        var holder = slots.RunAsync(async () => { await release.Task; return 0; }, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var ran = false;
        var waiting = slots.RunAsync(() => { ran = true; return Task.FromResult(1); }, cancel.Token);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.False(ran);

        release.SetResult();
        await holder;
        Assert.Equal(3, await slots.RunAsync(() => Task.FromResult(3), CancellationToken.None));
    }

    [Fact]
    public void A_machine_always_has_at_least_one_slot_and_no_count_below_one_is_accepted()
    {
        Assert.True(SolverSlots.ForMachine(2).Count >= 1);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), SolverSlots.ForMachine(2).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SolverSlots(0));
    }
}
