using NodaTime;
using Scheduler.Optimization.Routing;
using Xunit;
using static Scheduler.Optimization.Tests.Routing.LineWorld;

namespace Scheduler.Optimization.Tests.Routing;

/// <summary>Which metaheuristic runs (<see cref="Metaheuristic.Automatic"/>), and that iterated local search searches on.</summary>
public sealed class SearchChoiceTests
{
    private static Scheduler.Core.HomeVisits.HomeVisitPlanRequest SoloDay(int seed, int visits = 24)
    {
        var random = new Random(seed);
        return Day(Enumerable.Range(1, visits).Select(i => Visit($"v{i}", random.Next(-30, 31), minutes: 15 + 5 * random.Next(4),
            from: T(8 + random.Next(7)), to: null)), [Staff("ann"), Staff("bo"), Staff("cy"), Staff("di")]);
    }

    [Theory]
    [InlineData(Metaheuristic.Automatic, false, Metaheuristic.IteratedLocalSearch)]
    [InlineData(Metaheuristic.Automatic, true, Metaheuristic.RuinAndRecreate)]
    [InlineData(Metaheuristic.IteratedLocalSearch, true, Metaheuristic.RuinAndRecreate)]
    [InlineData(Metaheuristic.RuinAndRecreate, false, Metaheuristic.IteratedLocalSearch)]
    [InlineData(Metaheuristic.GuidedLocalSearch, true, Metaheuristic.GuidedLocalSearch)]
    [InlineData(Metaheuristic.TabuSearch, false, Metaheuristic.TabuSearch)]
    [InlineData(Metaheuristic.GreedyDescent, true, Metaheuristic.GreedyDescent)]
    public void The_metaheuristic_follows_where_the_search_starts(Metaheuristic asked, bool startsFromPlan, Metaheuristic runs) =>
        Assert.Equal(runs, new RoutePlannerOptions { Metaheuristic = asked }.MetaheuristicFor(startsFromPlan));

    [Fact]
    public void A_day_without_teams_or_breaks_runs_iterated_local_search_for_its_whole_time_and_beats_a_plain_descent()
    {
        var request = SoloDay(5);
        var descent = Plan(request, Quick() with { InitialPlan = InitialPlan.Search });
        var iterated = Plan(request, new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(2), Searches = 1 });

        Assert.True(iterated.Publishable, string.Join("; ", iterated.Violations.Concat<object>(iterated.Problems)));
        Assert.Equal(Metaheuristic.IteratedLocalSearch, iterated.Statistics.Search);
        Assert.Equal(24, iterated.Plan!.Kpis.Served);
        // It keeps ruining and rebuilding until the time limit, not stopping at its first local optimum.
        Assert.True(iterated.Statistics.Elapsed >= Duration.FromSeconds(1.5), $"stopped after {iterated.Statistics.Elapsed}");
        Assert.True(iterated.Score!.Total <= descent.Score!.Total, $"{iterated.Score.Total} > descent {descent.Score.Total}");
        Assert.Equal(iterated.Score.Total, iterated.Statistics.Objective);
    }

    [Fact]
    public void A_day_with_a_team_visit_starts_from_the_insertion_and_runs_ruin_and_recreate()
    {
        var request = SoloDay(6, visits: 10);
        request = request with { Visits = request.Visits.Select((v, i) => i == 0 ? v with { TeamSize = 2 } : v).ToList() };

        var result = Plan(request, new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(1), Searches = 1 });

        Assert.True(result.Publishable, string.Join("; ", result.Violations.Concat<object>(result.Problems)));
        Assert.Equal(Metaheuristic.RuinAndRecreate, result.Statistics.Search);
    }
}
