using Google.OrTools.ConstraintSolver;
using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;
using Xunit;
using static Scheduler.Optimization.Tests.Routing.LineWorld;

namespace Scheduler.Optimization.Tests.Routing;

/// <summary>
/// A search uses its time limit or says why it did not; the planner's own ruin and recreate on days with teams and
/// lunch breaks; reproducible plans and searches side by side.
/// </summary>
public sealed class SearchEndTests
{
    private static readonly Duration Limit = Duration.FromSeconds(2);

    /// <summary>A search that ends well inside its limit must say why; a day with room to improve is improved.</summary>
    private static void UsesItsTimeOrSaysWhy(RoutePlanResult result)
    {
        var s = result.Statistics;
        Assert.True(result.Publishable, result.Summary);
        Assert.False(string.IsNullOrWhiteSpace(s.Summary));
        if (s.Elapsed < Limit * 0.8)
        {
            Assert.NotEqual(SearchEnd.TimeLimit, s.Ended);
            Assert.False(string.IsNullOrWhiteSpace(s.EndReason), $"ended after {s.Elapsed.TotalSeconds:0.00} s of {Limit.TotalSeconds} s without a reason ({s.Ended})");
        }
    }

    [Theory]
    [InlineData(Metaheuristic.Automatic, 1)]
    [InlineData(Metaheuristic.Automatic, 2)]
    [InlineData(Metaheuristic.GuidedLocalSearch, 1)]
    public void A_day_with_teams_and_lunch_breaks_is_searched_for_the_whole_time_limit_or_says_why(Metaheuristic meta, int searches)
    {
        var request = InsertionStartTests.BusyDay(4);
        var result = Plan(request, new RoutePlannerOptions { TimeLimit = Limit, Metaheuristic = meta, Searches = searches });
        UsesItsTimeOrSaysWhy(result);
        Assert.Equal(searches, result.Statistics.Searches);
    }

    [Fact]
    public void Ruin_and_recreate_uses_its_whole_time_and_improves_on_the_insertion_plan()
    {
        var request = InsertionStartTests.BusyDay(4);
        var result = Plan(request, new RoutePlannerOptions { TimeLimit = Limit, Searches = 1 });

        Assert.Equal(Metaheuristic.RuinAndRecreate, result.Statistics.Search);
        Assert.Equal(SearchEnd.TimeLimit, result.Statistics.Ended);
        Assert.True(result.Statistics.Elapsed >= Limit * 0.95, $"stopped after {result.Statistics.Elapsed}");
        Assert.True(result.Statistics.Iterations > 0);
        // This day has visits left out by the insertion that fit once the others move: the search finds some of them.
        Assert.True(result.Statistics.Objective < result.Statistics.Solutions[0].Objective, result.Summary);
        Assert.Equal(result.Score!.Total, result.Statistics.Objective);
        Assert.StartsWith("searched 2", result.Statistics.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_request_seed_and_time_limit_give_the_same_plan_when_reproducible()
    {
        // A reproducible run budgets iterations by its time limit instead of watching the clock.
        Assert.Equal(2 * RoutePlannerOptions.ReproducibleIterationsPerSecond,
            new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(2), Reproducible = true }.IterationBudget);
        Assert.Null(new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(2) }.IterationBudget);

        // A small budget with a generous time limit, so that a busy test machine still runs all of it.
        var request = InsertionStartTests.BusyDay(2);
        var options = new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(30), IterationLimit = 40, Seed = 7, Searches = 2 };

        var first = Plan(request, options);
        var second = Plan(request, options);

        Assert.Equal(SearchEnd.IterationLimit, first.Statistics.Ended);
        Assert.Equal(2 * options.IterationBudget, first.Statistics.Iterations);
        Assert.Equal(Routes(first), Routes(second));
        Assert.Equal(first.Score!.Total, second.Score!.Total);
    }

    [Fact]
    public void Searches_that_share_their_best_plan_stay_reproducible()
    {
        // Short annealing cycles, so that the two searches meet and exchange their best plans several times.
        var request = InsertionStartTests.BusyDay(2);
        var options = new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(30), IterationLimit = 60, AnnealingCycle = 10, Seed = 3, Searches = 2 };
        Assert.True(options.ShareBest);

        var first = Plan(request, options);
        var second = Plan(request, options);

        Assert.True(first.Publishable, first.Summary);
        Assert.Equal(SearchEnd.IterationLimit, first.Statistics.Ended);
        Assert.Equal(2 * 60, first.Statistics.Iterations);
        Assert.Equal(Routes(first), Routes(second));
        Assert.Equal(first.Score!.Total, second.Score!.Total);
    }

    [Fact]
    public async Task Searches_that_meet_each_take_the_best_plan_and_one_that_has_ended_is_not_waited_for()
    {
        using var exchange = new RuinAndRecreate.Exchange(2);
        List<List<InsertionBuilder.Stop>> worse = [[]], better = [[], []];
        var token = TestContext.Current.CancellationToken;
        var wait = TimeSpan.FromSeconds(10);
        (bool Met, List<List<InsertionBuilder.Stop>> Routes, long Cost) Meet(int member, long round, List<List<InsertionBuilder.Stop>> best, long cost) =>
            (exchange.Meet(member, round, best, cost, token, out var routes, out var shared), routes, shared);

        var one = Task.Run(() => Meet(1, 1, better, 3), token);
        var zero = await Task.Run(() => Meet(0, 1, worse, 5), token).WaitAsync(wait, token);
        Assert.True(zero.Met);
        Assert.Same(better, zero.Routes);
        Assert.Equal(3, zero.Cost);
        Assert.Same(better, (await one.WaitAsync(wait, token)).Routes);

        // Search 1 ends: search 0 meets alone and keeps its own plan (a wait here would time out).
        exchange.Leave();
        var alone = await Task.Run(() => Meet(0, 2, worse, 5), token).WaitAsync(wait, token);
        Assert.Same(worse, alone.Routes);
    }

    [Fact]
    public void Ruin_and_recreate_keeps_pinned_visits_where_they_are_pinned()
    {
        var request = InsertionStartTests.BusyDay(3);
        var pinned = request.Visits[0] with { Pin = null, TeamSize = 1, RequiredSkills = [] };
        var staff = request.Staff[0].StaffId;
        pinned = pinned with { Pin = new VisitPin([staff], T(14)), Windows = [new TimeWindow(T(13), T(15))] };
        request = request with { Visits = [pinned, .. request.Visits.Skip(1)] };

        var result = Plan(request, new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(1), Searches = 1 });

        Assert.True(result.Publishable, result.Summary);
        Assert.Equal(T(14), result.StopOf(staff, pinned.Id).Start);
    }

    [Fact]
    public void OR_Tools_failing_to_take_over_the_insertion_plan_is_reported_with_its_reason()
    {
        var (ended, reason) = HomeVisitRoutePlanner.HowItEnded(new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(20) },
            RoutingSearchStatus.Types.Value.RoutingFail, Duration.FromSeconds(0.9), 0, fromPlan: true, keptBuilt: true, CancellationToken.None);
        Assert.Equal(SearchEnd.SolverFailed, ended);
        Assert.Contains("RoutingFail", reason, StringComparison.Ordinal);
        var stats = new SolveStatistics(Duration.FromSeconds(0.9), 1, Duration.Zero, [new SolutionPoint(Duration.Zero, 1)], "RoutingFail",
            Metaheuristic.GuidedLocalSearch, ended, reason);
        Assert.StartsWith("stopped after 0.9 s: OR-Tools could not take over", stats.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_search_that_ends_early_with_a_plain_status_still_says_so()
    {
        var (ended, reason) = HomeVisitRoutePlanner.HowItEnded(new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(20) },
            RoutingSearchStatus.Types.Value.RoutingPartialSuccessLocalOptimumNotReached, Duration.FromSeconds(1), 3, fromPlan: false,
            keptBuilt: false, CancellationToken.None);
        Assert.NotEqual(SearchEnd.TimeLimit, ended);
        Assert.NotNull(reason);
        var (atLimit, none) = HomeVisitRoutePlanner.HowItEnded(new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(20) },
            RoutingSearchStatus.Types.Value.RoutingPartialSuccessLocalOptimumNotReached, Duration.FromSeconds(20), 300, fromPlan: false,
            keptBuilt: false, CancellationToken.None);
        Assert.Equal(SearchEnd.TimeLimit, atLimit);
        Assert.Null(none);
        var stats = new SolveStatistics(Duration.FromSeconds(20), 1, Duration.Zero,
            Enumerable.Range(0, 311).Select(i => new SolutionPoint(Duration.FromMilliseconds(i), 1000 - i)).ToList(), "RoutingPartialSuccessLocalOptimumNotReached",
            Metaheuristic.IteratedLocalSearch, atLimit);
        Assert.Equal("searched 20 s, 310 improvements", stats.Summary);
    }

    [Fact]
    public void Searches_side_by_side_from_OR_Tools_first_solution_keep_the_better_plan()
    {
        var random = new Random(3);
        var request = Day(Enumerable.Range(1, 16).Select(i => Visit($"v{i}", random.Next(-30, 31), minutes: 20, from: T(8 + random.Next(6)))),
            [Staff("ann"), Staff("bo"), Staff("cy")]);
        var one = Plan(request, Quick() with { InitialPlan = InitialPlan.Search, TimeLimit = Duration.FromSeconds(1) });
        var two = Plan(request, Quick() with { InitialPlan = InitialPlan.Search, TimeLimit = Duration.FromSeconds(1), Searches = 2 });

        Assert.True(two.Publishable, two.Summary);
        Assert.Equal(2, two.Statistics.Searches);
        Assert.True(two.Score!.Total <= one.Score!.Total, $"{two.Score.Total} > {one.Score.Total}");
        Assert.True(two.Statistics.Elapsed < Duration.FromSeconds(2), $"took {two.Statistics.Elapsed}");
    }

    private static List<string> Routes(RoutePlanResult r) =>
        r.Plan!.Routes.Select(x => $"{x.StaffId}: {string.Join(' ', x.Stops.Select(s => $"{s.VisitId}@{s.Start}"))}").ToList();
}
