using Scheduler.Core.Operations;
using Xunit;

namespace Scheduler.Core.Tests;

public sealed class EachCentreTests
{
    [Fact]
    public async Task A_centre_that_fails_does_not_stop_the_others_and_the_run_fails_at_the_end_naming_it()
    {
        var served = new List<string>();
        var runs = await EachCentre.RunAsync(["huli", "siming", "jimei"], (centre, _) =>
        {
            if (centre == "siming") throw new InvalidDataException("Centre 'siming' is not known.");
            served.Add(centre);
            return Task.FromResult(centre.Length);
        }, TestContext.Current.CancellationToken);

        Assert.Equal(["huli", "jimei"], served);
        Assert.Equal([("huli", 4), ("jimei", 5)], runs.Done);
        var (failedCentre, error) = Assert.Single(runs.Failed);
        Assert.Equal("siming", failedCentre);
        Assert.IsType<InvalidDataException>(error);
        var thrown = Assert.Throws<AggregateException>(() => runs.ThrowIfAnyFailed("SendDayBeforeReminders"));
        Assert.StartsWith("SendDayBeforeReminders failed for 1 of 3 centres: siming.", thrown.Message);
        Assert.Same(error, Assert.Single(thrown.InnerExceptions));
    }

    [Fact]
    public async Task A_run_where_every_centre_succeeds_does_not_throw()
    {
        var runs = await EachCentre.RunAsync(["huli", "siming"], (_, _) => Task.FromResult(0), TestContext.Current.CancellationToken);
        Assert.Empty(runs.Failed);
        runs.ThrowIfAnyFailed("LapseUnconfirmedAppointments");
    }

    [Fact]
    public async Task Cancellation_stops_the_loop_instead_of_counting_as_a_failure()
    {
        using var cts = new CancellationTokenSource();
        var served = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EachCentre.RunAsync(["huli", "siming"], async (centre, ct) =>
        {
            served.Add(centre);
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
            return 0;
        }, cts.Token));
        Assert.Equal(["huli"], served);
    }
}
