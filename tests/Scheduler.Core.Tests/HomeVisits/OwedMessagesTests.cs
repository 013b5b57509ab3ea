using NodaTime;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Notifications;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests.HomeVisits;

/// <summary>Home-visit messages owed by a stored change and sent by the sweep (ADR 0016, addendum): once, never for a plan superseded since.</summary>
public sealed class OwedMessagesTests
{
    private readonly PlanningWorld _w = new();
    private static readonly LocalDate Monday = new(2026, 11, 30);

    private int Count(string kind) => _w.Sms.Sent.Count(m => m.Kind == kind);

    [Fact]
    public async Task A_decision_whose_message_failed_stands_and_is_sent_by_the_sweep_after_five_minutes_once()
    {
        _w.Stored("hv-1", Monday, HomeVisitStatus.Submitted);
        _w.Sms.FailNext = 1;
        var decided = await _w.Decisions.DecideAsync(TestCentre.Id, "hv-1", DecisionKind.Reject, "须本人到窗口办理", PlanningWorld.Dispatcher, CancellationToken.None);

        Assert.Null(decided.Error);
        Assert.Equal(HomeVisitStatus.Rejected, (await _w.RequestStore.GetAsync(TestCentre.Id, "hv-1", CancellationToken.None))!.Request.Status);
        Assert.Equal(0, Count(SmsKinds.HomeVisitRejected));
        var owed = Assert.Single(_w.RequestStore.Owed);
        Assert.Equal((VisitMessageEvent.Decided, HomeVisitStatus.Rejected), (owed.Event, owed.Request.Status));

        Assert.Equal((0, 0), await _w.Planning.SweepMessagesAsync(TestCentre.Id, CancellationToken.None));
        _w.Clock.Advance(Duration.FromMinutes(6));
        Assert.Equal((1, 0), await _w.Planning.SweepMessagesAsync(TestCentre.Id, CancellationToken.None));
        Assert.Equal((0, 0), await _w.Planning.SweepMessagesAsync(TestCentre.Id, CancellationToken.None));
        Assert.Equal(1, Count(SmsKinds.HomeVisitRejected));
        Assert.Contains("须本人到窗口办理", _w.Sms.Sent.Single(m => m.Kind == SmsKinds.HomeVisitRejected).Text);
        Assert.Empty(_w.RequestStore.Owed);
    }

    [Fact]
    public async Task A_sweep_that_fails_again_keeps_the_message_owed()
    {
        _w.Stored("hv-2", Monday, HomeVisitStatus.Submitted);
        _w.Sms.FailNext = 2;
        Assert.Null((await _w.Requests.CancelAsync(TestCentre.Id, "hv-2", null, PlanningWorld.Dispatcher, CancellationToken.None)).Error);
        _w.Clock.Advance(Duration.FromMinutes(6));
        Assert.Equal((0, 1), await _w.Planning.SweepMessagesAsync(TestCentre.Id, CancellationToken.None));
        Assert.Single(_w.RequestStore.Owed);
        Assert.Equal((1, 0), await _w.Planning.SweepMessagesAsync(TestCentre.Id, CancellationToken.None));
        Assert.Equal(1, Count(SmsKinds.VisitCancelled));
    }

    [Fact]
    public async Task A_plan_whose_times_were_not_told_is_told_by_the_sweep_unless_another_plan_replaced_it()
    {
        _w.Stored("hv-a", Monday, HomeVisitStatus.Approved);
        _w.Stored("hv-b", Monday, HomeVisitStatus.Approved, mobile: "+8613900000012");
        _w.Run("20261130-first", Monday, PlanRunStatus.Solved, PlanningWorld.Plan(Monday, "hv-a", "hv-b"));
        _w.Sms.FailNext = 1;
        Assert.Null((await _w.Planning.PublishAsync(TestCentre.Id, "20261130-first", PlanningWorld.Dispatcher, CancellationToken.None)).Error);
        Assert.Equal(0, Count(SmsKinds.VisitTimePublished));
        Assert.Single(await _w.Runs.UntoldAsync(TestCentre.Id, Monday, Monday, CancellationToken.None));

        // Told by the sweep: both residents, once.
        _w.Clock.Advance(Duration.FromMinutes(6));
        Assert.Equal((1, 0), await _w.Planning.SweepMessagesAsync(TestCentre.Id, CancellationToken.None));
        Assert.Equal((0, 0), await _w.Planning.SweepMessagesAsync(TestCentre.Id, CancellationToken.None));
        Assert.Equal(2, Count(SmsKinds.VisitTimePublished));

        // A plan that fails to tell and is replaced before the sweep: the sweep tells nothing of it.
        _w.Run("20261130-second", Monday, PlanRunStatus.Solved, PlanningWorld.Plan(Monday, "hv-b", "hv-a"));
        _w.Sms.FailNext = 1;
        Assert.Null((await _w.Planning.PublishAsync(TestCentre.Id, "20261130-second", PlanningWorld.Dispatcher, CancellationToken.None)).Error);
        _w.Run("20261130-third", Monday, PlanRunStatus.Solved, PlanningWorld.Plan(Monday, "hv-a", "hv-b"));
        Assert.Null((await _w.Planning.PublishAsync(TestCentre.Id, "20261130-third", PlanningWorld.Dispatcher, CancellationToken.None)).Error);
        _w.Clock.Advance(Duration.FromMinutes(6));
        Assert.Equal((0, 0), await _w.Planning.SweepMessagesAsync(TestCentre.Id, CancellationToken.None));
        Assert.Empty(await _w.Runs.UntoldAsync(TestCentre.Id, Monday, Monday, CancellationToken.None));
        // The third plan has the first's times, already told: nothing new; the second's times were never sent.
        Assert.Equal(2, Count(SmsKinds.VisitTimePublished));
    }
}
