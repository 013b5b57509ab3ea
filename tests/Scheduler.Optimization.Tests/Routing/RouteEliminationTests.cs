using System.Diagnostics;
using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;
using Xunit;
using static Scheduler.Optimization.Tests.Routing.LineWorld;

namespace Scheduler.Optimization.Tests.Routing;

/// <summary>Route elimination (ADR 0020): fewer staff sent out when each one costs something.</summary>
public sealed class RouteEliminationTests
{
    private static readonly PenaltyWeights Dear = new() { PerStaffUsed = 20_000 };

    /// <summary>Three visits, one per staff member, that one staff member could make in a morning.</summary>
    private static (HomeVisitPlanRequest Request, TravelMatrix Matrix, RoutePlanResult Spread) SpreadDay(PenaltyWeights weights)
    {
        var request = Day([Visit("a", 2), Visit("b", 4), Visit("c", 6)], [Staff("ann"), Staff("bo"), Staff("cy")]);
        var matrix = Matrix(request);
        StaffRoute Out(string staff, string visit, int km, int hour) => new(staff, T(hour), T(hour, 30 + 2 * km),
            [new RouteStop(visit, T(hour, km), T(hour, km), T(hour, km + 30))], null);
        var plan = HomeVisitPlan.Assemble(request, matrix, [Out("ann", "a", 2, 9), Out("bo", "b", 4, 9), Out("cy", "c", 6, 9)], []);
        Assert.Empty(PlanChecker.Check(request, matrix, plan));
        var score = PlanScore.Of(request, matrix, plan, weights);
        var stats = new SolveStatistics(Duration.Zero, score.Total, Duration.Zero, [new SolutionPoint(Duration.Zero, score.Total)], "given", Ended: SearchEnd.TimeLimit);
        return (request, matrix, new RoutePlanResult(RoutePlanStatus.Planned, plan, [], [], score, stats));
    }

    [Fact]
    public void Routes_are_emptied_while_their_visits_fit_elsewhere_and_the_plan_keeps_every_rule()
    {
        var (request, matrix, spread) = SpreadDay(Dear);
        Assert.Equal(3, spread.Plan!.Routes.Count(r => r.Stops.Count > 0));
        var planner = new HomeVisitRoutePlanner(Quick(Dear) with { TimeLimit = Duration.FromSeconds(3) });

        var result = planner.Eliminate(request, matrix, spread, Stopwatch.StartNew());

        Assert.True(result.Publishable, result.Summary);
        Assert.Empty(PlanChecker.Check(request, matrix, result.Plan!));
        Assert.Empty(result.Plan!.Dropped);
        Assert.Equal(1, result.Plan.Routes.Count(r => r.Stops.Count > 0));
        Assert.Equal(2, result.Statistics.RoutesEliminated);
        // One staff member out (20,000) driving 2, 4 and 6 km east and back: 12 minutes of travel.
        Assert.Equal(20_000 + 720, result.Score!.Total);
        Assert.Equal(3 * 20_000 + 3 * 0 + (4 + 8 + 12) * 60, spread.Score!.Total);
        Assert.Contains("2 routes emptied", result.Statistics.Summary);
    }

    [Fact]
    public void A_route_whose_visits_fit_nowhere_else_stays()
    {
        // The same three visits, all at 09:00 sharp: no staff member can take two of them.
        var request = Day([Visit("a", 2, from: T(9), to: T(9)), Visit("b", 4, from: T(9), to: T(9)), Visit("c", 6, from: T(9), to: T(9))],
            [Staff("ann"), Staff("bo"), Staff("cy")]);
        var matrix = Matrix(request);
        var first = new HomeVisitRoutePlanner(Quick(Dear) with { EliminationShare = 0, TimeLimit = Duration.FromSeconds(1) }).Solve(request, matrix);
        Assert.Equal(3, first.Plan!.Routes.Count(r => r.Stops.Count > 0));

        var result = new HomeVisitRoutePlanner(Quick(Dear) with { TimeLimit = Duration.FromSeconds(2) }).Eliminate(request, matrix, first, Stopwatch.StartNew());

        Assert.Equal(3, result.Plan!.Routes.Count(r => r.Stops.Count > 0));
        Assert.Empty(result.Plan.Dropped);
        Assert.Equal(0, result.Statistics.RoutesEliminated);
        Assert.Equal(first.Score!.Total, result.Score!.Total);
    }

    [Fact]
    public void Only_a_day_where_staff_cost_something_and_the_search_starts_from_its_own_first_solution_eliminates()
    {
        var day = Day([Visit("a", 2)], [Staff("ann")]);
        var lunchDay = Day([Visit("a", 2)], [Staff("ann", lunch: new LunchBreak(T(11), T(14), Duration.FromMinutes(30)))]);
        Assert.True(new HomeVisitRoutePlanner(Quick(Dear)).EliminatesRoutes(day));
        Assert.False(new HomeVisitRoutePlanner(Quick()).EliminatesRoutes(day));
        Assert.False(new HomeVisitRoutePlanner(Quick(Dear) with { EliminationShare = 0 }).EliminatesRoutes(day));
        Assert.False(new HomeVisitRoutePlanner(Quick(Dear)).EliminatesRoutes(lunchDay));
    }
}
