using NodaTime;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;
using static Scheduler.Core.Tests.HomeVisits.PlanningWorld;

namespace Scheduler.Core.Tests.HomeVisits;

/// <summary>Planning a day of home visits. Today is Friday 2026-11-27; plans are made at most 14 days ahead.</summary>
public sealed class HomeVisitPlanningTests
{
    private readonly PlanningWorld _w = new();
    private static readonly LocalDate Today = TestCentre.Monday.PlusDays(-3);
    private static readonly LocalDate Monday = TestCentre.Monday;
    private static readonly LocalDate Tuesday = Monday.PlusDays(1);

    private Task<Outcome<PlanRun>> RequestAsync(LocalDate date) => _w.Planning.RequestAsync(TestCentre.Id, date, Dispatcher, CancellationToken.None);

    private async Task<PlanRun> RequestedAsync(LocalDate date)
    {
        var outcome = await RequestAsync(date);
        Assert.True(outcome.Error is null, outcome.Error?.ToString());
        return outcome.Value!;
    }

    private Task<PlanRun?> SolveAsync(PlanRun run) =>
        _w.Planning.SolveAsync(new PlanRequested(PlanRequested.TypeName, PlanRequested.CurrentVersion, TestCentre.Id, run.Id), CancellationToken.None);

    [Fact]
    public async Task A_request_queues_a_run_for_the_day_and_records_who_asked()
    {
        var run = await RequestedAsync(Monday);

        Assert.Equal((PlanRunStatus.Queued, Monday, "staff:dispatch", TestCentre.Now), (run.Status, run.Date, run.RequestedBy, run.RequestedAt));
        Assert.StartsWith("20261130-", run.Id, StringComparison.Ordinal);
        Assert.Equal(run, _w.Runs[run.Id]);
        Assert.Equal(new PlanRequested("plan.requested", 1, TestCentre.Id, run.Id), Assert.Single(_w.Queue.Messages));
        var audit = Assert.Single(_w.Audit.Entries);
        Assert.Equal(("plan.requested", $"plan/{run.Id}", "2026-11-30", "staff:dispatch"), (audit.Action, audit.Subject, audit.Detail, audit.Actor));
    }

    [Theory]
    [InlineData(-1, ErrorCodes.InThePast)]
    [InlineData(15, ErrorCodes.BeyondHorizon)]
    [InlineData(1, ErrorCodes.NoStaffOnDuty)] // Saturday
    [InlineData(5, ErrorCodes.NoStaffOnDuty)] // the centre's closure
    public async Task Days_that_cannot_be_planned_are_refused_and_nothing_is_queued(int daysFromToday, string code)
    {
        var outcome = await RequestAsync(Today.PlusDays(daysFromToday));

        Assert.Equal((ProblemKind.Invalid, "date", code), (outcome.Error?.Kind, outcome.Error?.Field, outcome.Error?.Code));
        Assert.Empty(_w.Runs.All);
        Assert.Empty(_w.Queue.Messages);
    }

    [Fact]
    public async Task Today_and_the_last_day_of_the_horizon_can_be_planned()
    {
        Assert.Equal(Today, (await RequestedAsync(Today)).Date);
        Assert.Equal(Today.PlusDays(14), (await RequestedAsync(Today.PlusDays(14))).Date);
    }

    [Fact]
    public async Task A_centre_without_home_visit_staff_plans_no_day()
    {
        var w = new PlanningWorld(TestCentre.Profile(homeVisitStaff: false));

        var outcome = await w.Planning.RequestAsync(TestCentre.Id, Monday, Dispatcher, CancellationToken.None);

        Assert.Equal(ErrorCodes.NoStaffOnDuty, outcome.Error?.Code);
        Assert.Equal(ErrorCodes.UnknownCentre, (await w.Planning.RequestAsync("elsewhere", Monday, Dispatcher, CancellationToken.None)).Error?.Code);
    }

    [Fact]
    public async Task The_nightly_run_plans_the_next_day_only_when_it_is_a_working_day()
    {
        var friday = await _w.Planning.PlanNextWorkingDayAsync(TestCentre.Id, new SystemCaller("nightly"), CancellationToken.None);
        _w.Clock.Advance(Duration.FromDays(-1));
        var thursday = await _w.Planning.PlanNextWorkingDayAsync(TestCentre.Id, new SystemCaller("nightly"), CancellationToken.None);

        Assert.Null(friday);
        Assert.Equal(Today, thursday!.Value.Value!.Date);
        Assert.Equal("system:nightly", thursday.Value.Value.RequestedBy);
    }

    [Fact]
    public async Task The_nightly_run_is_queued_once_per_centre_and_date_and_again_only_when_its_message_was_lost()
    {
        _w.Clock.Advance(Duration.FromDays(-1));
        var first = await _w.Planning.PlanNextWorkingDayAsync(TestCentre.Id, new SystemCaller("nightly"), CancellationToken.None);
        _w.Clock.Advance(Duration.FromMinutes(1));
        var again = await _w.Planning.PlanNextWorkingDayAsync(TestCentre.Id, new SystemCaller("nightly"), CancellationToken.None);

        Assert.Equal(HomeVisitPlanning.NightlyId(Today), first!.Value.Value!.Id);
        Assert.Equal(first.Value.Value, again!.Value.Value);
        Assert.Single(_w.Queue.Messages);
        Assert.Single(_w.Runs.All);

        // Still queued long after: the first message was lost with the process that sent it, so it is sent again.
        _w.Clock.Advance(HomeVisitPlanning.LostMessageAfter);
        await _w.Planning.PlanNextWorkingDayAsync(TestCentre.Id, new SystemCaller("nightly"), CancellationToken.None);
        Assert.Equal(2, _w.Queue.Messages.Count);
        Assert.All(_w.Queue.Messages, m => Assert.Equal(first.Value.Value.Id, m.PlanId));
        Assert.Single(_w.Runs.All);
    }

    [Fact]
    public async Task Solving_stores_the_plan_how_long_it_took_and_how_the_search_went_given_the_approved_requests_and_the_published_plan()
    {
        var published = _w.Run("published", Monday, PlanRunStatus.Published, Plan(Monday, "hv-a", "hv-b"));
        _w.Stored("hv-a", Monday, HomeVisitStatus.Approved);
        var run = await RequestedAsync(Monday);
        var plan = Plan(Monday, "hv-a", "hv-c");
        _w.Solver.Answer = (_, _) =>
        {
            _w.Clock.Advance(Duration.FromSeconds(3));
            return new DayPlanOutcome(true, plan, null, [], 0.5, "searched 3 s, 12 improvements");
        };

        var solved = await SolveAsync(run);

        Assert.Equal(PlanRunStatus.Solved, solved!.Status);
        Assert.Equal((plan, "searched 3 s, 12 improvements", 3.0, 0.5), (solved.Plan, solved.Search, solved.SolveSeconds, solved.FirstSolutionSeconds));
        Assert.Equal(TestCentre.Now + Duration.FromSeconds(3), solved.FinishedAt);
        Assert.Equal(solved, _w.Runs[run.Id]);
        var call = Assert.Single(_w.Solver.Calls);
        Assert.Equal((Monday, 1, published.Plan, Duration.FromSeconds(2)), call);
    }

    [Fact]
    public async Task An_approved_visit_whose_place_is_pending_is_left_out_with_that_reason_and_taken_in_once_a_dispatcher_sets_it()
    {
        _w.Stored("hv-placed", Monday, HomeVisitStatus.Approved);
        var pending = _w.Stored("hv-pending", Monday, HomeVisitStatus.Approved) with { Location = null };
        _w.RequestStore.Put(pending);
        // Not approved yet: neither planned nor reported.
        _w.RequestStore.Put(_w.Stored("hv-waiting", Monday, HomeVisitStatus.Submitted) with { Location = null });
        var seen = new List<IReadOnlyList<string>>();
        _w.Solver.Answer = (date, requests) =>
        {
            seen.Add(requests.Select(r => r.Id).Order().ToList());
            return new DayPlanOutcome(true, StubSolver.EmptyPlan(date), null, [], 0.1, "searched 2 s");
        };

        var solved = await SolveAsync(await RequestedAsync(Monday));

        // The rest of the day is planned (not failed); the solver never sees a visit without a place.
        Assert.Equal(PlanRunStatus.Solved, solved!.Status);
        Assert.DoesNotContain("hv-pending", seen.Single());
        Assert.Contains("hv-placed", seen.Single());
        var left = Assert.Single(solved.Plan!.Dropped);
        Assert.Equal(("hv-pending", Scheduler.Core.HomeVisits.DropReason.LocationPending), (left.VisitId, left.Reason));
        Assert.Contains("位置待定", left.Explanation);
        Assert.Equal(1, solved.Plan.Kpis.Dropped);

        // The dispatcher sets the place from the address; the next run takes it in.
        var placed = await _w.Decisions.SetLocationAsync(TestCentre.Id, "hv-pending", 24.51, 118.14, Dispatcher, CancellationToken.None);
        Assert.Null(placed.Error);
        var again = await SolveAsync(await RequestedAsync(Monday));
        Assert.Contains("hv-pending", seen[^1]);
        Assert.Empty(again!.Plan!.Dropped);
    }

    [Fact]
    public async Task A_day_planned_with_the_hall_is_solved_with_its_prices_and_the_run_says_so()
    {
        var published = _w.Run("published", Monday, PlanRunStatus.Published, Plan(Monday, "hv-a", "hv-b"));
        _w.Stored("hv-a", Monday, HomeVisitStatus.Approved);
        var run = await RequestedAsync(Monday);
        var prices = new Dictionary<string, long> { ["s01"] = 4_200, ["s02"] = 0 };
        _w.Joint.Prices = prices;
        _w.Joint.Summary = "planned with the hall: priced round 1 of 1 kept";

        var solved = await SolveAsync(run);

        // The joint planning gets the whole time limit and shares it between its rounds (the stub: two halves).
        Assert.Equal((Monday, Duration.FromSeconds(2)), Assert.Single(_w.Joint.Calls));
        Assert.Equal((Monday, 1, published.Plan, Duration.FromSeconds(1)), Assert.Single(_w.Solver.Calls));
        Assert.Same(prices, Assert.Single(_w.Solver.UseCosts));
        Assert.Equal("searched 2 s; planned with the hall: priced round 1 of 1 kept", solved!.Search);
    }

    [Fact]
    public async Task A_day_the_hall_cannot_be_planned_with_is_solved_unpriced_and_the_run_says_why()
    {
        _w.Stored("hv-a", Monday, HomeVisitStatus.Approved);
        var run = await RequestedAsync(Monday);
        _w.Joint.Throws = new InvalidOperationException("no roster");

        var solved = await SolveAsync(run);

        Assert.Equal(PlanRunStatus.Solved, solved!.Status);
        Assert.Null(Assert.Single(_w.Solver.UseCosts));
        Assert.Equal(Duration.FromSeconds(2), _w.Solver.Calls[0].TimeLimit);
        Assert.Equal("searched 2 s; planned without the hall's roster (InvalidOperationException: no roster)", solved.Search);

        // A centre that does not plan jointly: one solve, unpriced, and the run says nothing of it.
        var second = await RequestedAsync(Monday);
        _w.Joint.Throws = null;
        var unpriced = await SolveAsync(second);
        Assert.Null(_w.Solver.UseCosts[1]);
        Assert.Equal("searched 2 s", unpriced!.Search);
    }

    [Fact]
    public async Task A_plan_the_checker_refused_is_stored_as_failed_with_why_and_how_the_search_went()
    {
        var run = await RequestedAsync(Monday);
        var plan = Plan(Monday, "hv-a", "hv-b");
        _w.Solver.Answer = (_, _) => new DayPlanOutcome(false, plan, "The checker refused the plan.", ["s01 works 10 h"], null, "stopped: time limit");

        var failed = await SolveAsync(run);

        Assert.Equal(PlanRunStatus.Failed, failed!.Status);
        Assert.Equal(("The checker refused the plan.", "stopped: time limit", plan), (failed.Failure, failed.Search, failed.Plan));
        Assert.Equal(new[] { "s01 works 10 h" }, failed.Violations);
        Assert.Equal(failed, _w.Runs[run.Id]);
    }

    [Fact]
    public async Task A_solver_that_throws_fails_the_run_naming_the_error()
    {
        var run = await RequestedAsync(Monday);
        _w.Solver.Answer = (_, _) => throw new InvalidOperationException("no staff shift");

        var failed = await SolveAsync(run);

        Assert.Equal(PlanRunStatus.Failed, failed!.Status);
        Assert.Equal("InvalidOperationException: no staff shift", _w.Runs[run.Id].Failure);
    }

    [Fact]
    public async Task A_redelivered_message_for_a_finished_run_does_nothing()
    {
        var run = await RequestedAsync(Monday);
        await SolveAsync(run);
        var finished = _w.Runs[run.Id];

        var again = await SolveAsync(run);

        Assert.Null(again);
        Assert.Single(_w.Solver.Calls);
        Assert.Equal(finished, _w.Runs[run.Id]);
    }

    [Fact]
    public async Task When_another_consumer_finishes_the_run_meanwhile_its_result_stands()
    {
        var run = await RequestedAsync(Monday);
        var theirs = run with { Status = PlanRunStatus.Solved, Search = "the other consumer's" };
        _w.Solver.Answer = (date, _) =>
        {
            _w.Runs.Put(theirs);
            return new DayPlanOutcome(true, StubSolver.EmptyPlan(date), null, [], 0.1, "mine");
        };

        var mine = await SolveAsync(run);

        Assert.Null(mine);
        Assert.Equal(theirs, _w.Runs[run.Id]);
    }

    [Fact]
    public async Task A_run_another_consumer_took_first_is_left_to_it()
    {
        var run = await RequestedAsync(Monday);
        _w.Runs.BeforeReplace = _ =>
        {
            _w.Runs.BeforeReplace = null;
            _w.Runs.Put(run with { Status = PlanRunStatus.Solving });
        };

        Assert.Null(await SolveAsync(run));
        Assert.Empty(_w.Solver.Calls);
    }

    [Fact]
    public async Task A_resident_who_asked_in_english_is_told_the_time_reminded_asked_for_a_rating_and_told_of_a_cancellation_in_english()
    {
        var english = _w.Stored("hv-a", Monday, HomeVisitStatus.Approved, name: "Lin Xiulan", mobile: "+8613900000023") with { Language = "en" };
        _w.RequestStore.Put(english);
        _w.Stored("hv-b", Monday, HomeVisitStatus.Approved, name: "王秀英", mobile: "+8613900000024");
        _w.Run("solved", Monday, PlanRunStatus.Solved, Plan(Monday, "hv-a", "hv-b"));

        await _w.Planning.PublishAsync(TestCentre.Id, "solved", Dispatcher, CancellationToken.None);
        await _w.Notifications.ReminderAsync(english, Monday, new LocalTime(9, 15), CancellationToken.None);
        await _w.Notifications.RatingRequestAsync(english, Monday, new LocalTime(9, 15), CancellationToken.None);
        await _w.Requests.CancelAsync(TestCentre.Id, "hv-a", "hospital", Dispatcher, CancellationToken.None);

        var toEnglish = _w.Sms.Sent.Where(m => m.To == "+8613900000023").ToList();
        Assert.Equal(["visit-time-published", "visit-reminder", "visit-rating-request", "visit-cancelled"], toEnglish.Select(m => m.Kind));
        Assert.All(toEnglish, m => Assert.DoesNotContain("您好", m.Text, StringComparison.Ordinal));
        Assert.Contains("our staff will visit you around", toEnglish[0].Text, StringComparison.Ordinal);
        Assert.Contains("please rate the home visit", toEnglish[2].Text, StringComparison.Ordinal);
        Assert.Contains("is cancelled", toEnglish[3].Text, StringComparison.Ordinal);
        // The other resident of the same plan, who asked in Chinese, is told in Chinese.
        Assert.Contains("您好", _w.Sms.Sent.Single(m => m.To == "+8613900000024").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_a_solved_plan_is_published_and_residents_still_approved_are_told_their_time_once()
    {
        _w.Stored("hv-a", Monday, HomeVisitStatus.Approved, name: "王秀英", mobile: "+8613900000021");
        _w.Stored("hv-b", Monday, HomeVisitStatus.Cancelled, name: "林建国", mobile: "+8613900000022");
        var previous = _w.Run("previous", Monday, PlanRunStatus.Published, Plan(Monday, "hv-a", "hv-b"));
        var queued = _w.Run("queued", Monday, PlanRunStatus.Queued);
        var failed = _w.Run("failed", Monday, PlanRunStatus.Failed, Plan(Monday, "hv-a", "hv-b"));
        _w.Run("solved", Monday, PlanRunStatus.Solved, Plan(Monday, "hv-a", "hv-b"));

        var notQueued = await _w.Planning.PublishAsync(TestCentre.Id, queued.Id, Dispatcher, CancellationToken.None);
        var notFailed = await _w.Planning.PublishAsync(TestCentre.Id, failed.Id, Dispatcher, CancellationToken.None);
        var unknown = await _w.Planning.PublishAsync(TestCentre.Id, "nope", Dispatcher, CancellationToken.None);
        var published = await _w.Planning.PublishAsync(TestCentre.Id, "solved", Dispatcher, CancellationToken.None);
        var again = await _w.Planning.PublishAsync(TestCentre.Id, "solved", Dispatcher, CancellationToken.None);

        Assert.Equal((ProblemKind.Conflict, ErrorCodes.NotPublishable), (notQueued.Error!.Kind, notQueued.Error.Code));
        Assert.Equal(ErrorCodes.NotPublishable, notFailed.Error?.Code);
        Assert.Equal((ProblemKind.NotFound, ErrorCodes.UnknownPlan), (unknown.Error!.Kind, unknown.Error.Code));
        Assert.Equal(PlanRunStatus.Published, published.Value!.Status);
        Assert.Equal(PlanRunStatus.Published, _w.Runs["solved"].Status);
        Assert.Equal(PlanRunStatus.Superseded, _w.Runs[previous.Id].Status);
        Assert.Equal(PlanRunStatus.Published, again.Value!.Status);
        var sms = Assert.Single(_w.Sms.Sent);
        Assert.Equal(("visit-time-published", "+8613900000021"), (sms.Kind, sms.To));
        Assert.Contains("王秀英", sms.Text, StringComparison.Ordinal);
        Assert.Contains("11月30日(周一)09:15", sms.Text, StringComparison.Ordinal);
        Assert.Equal(2, _w.Sms.Attempts); // the repeat sends again with the same key: the sender drops it
        var audit = Assert.Single(_w.Audit.Entries);
        Assert.Equal(("plan.published", "plan/solved", "2 visits"), (audit.Action, audit.Subject, audit.Detail));
    }

    [Fact]
    public async Task Approving_or_cancelling_a_request_plans_again_only_the_days_already_published()
    {
        _w.Run("published", Monday, PlanRunStatus.Published, Plan(Monday, "hv-a", "hv-b"));
        var submitted = _w.Stored("hv-new", Monday, HomeVisitStatus.Submitted);
        _w.RequestStore.Put(submitted with { Windows = [.. submitted.Windows, new VisitWindow(Tuesday, new LocalTime(9, 0), new LocalTime(11, 0))] });
        var other = _w.Stored("hv-tue", Tuesday, HomeVisitStatus.Submitted);

        var approved = await _w.Decisions.DecideAsync(TestCentre.Id, "hv-new", DecisionKind.Approve, null, Dispatcher, CancellationToken.None);
        var approvedTuesday = await _w.Decisions.DecideAsync(TestCentre.Id, other.Id, DecisionKind.Approve, null, Dispatcher, CancellationToken.None);
        var unknown = await _w.Decisions.DecideAsync(TestCentre.Id, "hv-none", DecisionKind.Approve, null, Dispatcher, CancellationToken.None);
        var cancelled = await _w.Decisions.CancelAsync(TestCentre.Id, "hv-new", "moved away", Dispatcher, CancellationToken.None);

        Assert.Equal(HomeVisitStatus.Approved, approved.Value!.Status);
        Assert.Equal(HomeVisitStatus.Approved, approvedTuesday.Value!.Status);
        Assert.Equal(ErrorCodes.UnknownRequest, unknown.Error?.Code);
        Assert.Equal(HomeVisitStatus.Cancelled, cancelled.Value!.Status);
        var replans = _w.Runs.All.Where(r => r.Status == PlanRunStatus.Queued).ToList();
        Assert.Equal(2, replans.Count);
        Assert.All(replans, r => Assert.Equal(Monday, r.Date));
        Assert.Equal(new[] { "system:replan-on-approval", "system:replan-on-cancellation" }, replans.OrderBy(r => r.RequestedBy).Select(r => r.RequestedBy));
    }

    [Fact]
    public async Task A_rejection_plans_nothing_again()
    {
        _w.Run("published", Monday, PlanRunStatus.Published, Plan(Monday, "hv-a", "hv-b"));
        _w.Stored("hv-new", Monday, HomeVisitStatus.Submitted);

        var rejected = await _w.Decisions.DecideAsync(TestCentre.Id, "hv-new", DecisionKind.Reject, "outside our area", Dispatcher, CancellationToken.None);

        Assert.Equal(HomeVisitStatus.Rejected, rejected.Value!.Status);
        Assert.Single(_w.Runs.All);
    }

    [Fact]
    public async Task Getting_a_run_that_does_not_exist_is_not_found()
    {
        var run = await RequestedAsync(Monday);

        Assert.Equal(run, (await _w.Planning.GetAsync(TestCentre.Id, run.Id, CancellationToken.None)).Value);
        Assert.Equal(ErrorCodes.UnknownPlan, (await _w.Planning.GetAsync(TestCentre.Id, "nope", CancellationToken.None)).Error?.Code);
        Assert.Equal(ErrorCodes.UnknownPlan, (await _w.Planning.GetAsync("elsewhere", run.Id, CancellationToken.None)).Error?.Code);
    }
}
