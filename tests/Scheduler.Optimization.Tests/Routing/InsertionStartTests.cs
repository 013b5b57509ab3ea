using Google.OrTools.ConstraintSolver;
using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;
using Xunit;
using static Scheduler.Optimization.Tests.Routing.LineWorld;

namespace Scheduler.Optimization.Tests.Routing;

/// <summary>
/// The planner's own first plan (<see cref="InsertionBuilder"/>) for days with team visits and lunch breaks, where
/// OR-Tools' first-solution search can find nothing: feasible by the independent checker, and always a plan.
/// </summary>
public sealed class InsertionStartTests
{
    internal static readonly LunchBreak Lunch = new(T(11, 30), T(13, 30), Duration.FromHours(1));

    /// <summary>A busy seeded day on the line: teams of 2 and 3, skills, two windows for some, lunch, homes, limits.</summary>
    internal static HomeVisitPlanRequest BusyDay(int seed, int visits = 40, int staff = 6)
    {
        var random = new Random(seed);
        string[] skills = ["notary", "registry", "medical"];
        var list = Enumerable.Range(1, visits).Select(i =>
        {
            var from = 8 * 60 + 30 * random.Next(16);
            var v = Visit($"v{i}", random.Next(1, 40), minutes: 20 + 10 * random.Next(4), from: T(0).PlusMinutes(from),
                to: T(0).PlusMinutes(from + 120), team: i % 7 == 0 ? 3 : i % 4 == 0 ? 2 : 1,
                skills: random.NextDouble() < 0.5 ? [skills[random.Next(3)]] : null, urgency: (VisitUrgency)(i % 3), waited: i % 5);
            return i % 6 == 0 ? v with { Windows = [.. v.Windows, new TimeWindow(T(15), T(16, 30))] } : v;
        }).ToList();
        var people = Enumerable.Range(1, staff).Select(i => Staff($"s{i}", [skills[i % 3], skills[(i + 1) % 3]], lunch: Lunch,
            home: i % 3 == 0 ? StaffPlace.AtHome(Km(20 + i)) : null, max: Duration.FromHours(8.5), overtime: Duration.FromMinutes(30))).ToList();
        return Day(list, people);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_insertion_plan_alone_keeps_every_hard_rule(int seed)
    {
        var request = BusyDay(seed);
        var plan = new HomeVisitRoutePlanner(Quick()).InsertionPlan(request, Matrix(request));
        Assert.NotNull(plan);
        Assert.Empty(PlanChecker.Check(request, Matrix(request), plan));
        Assert.True(plan.Kpis.Served > 10, $"served {plan.Kpis.Served}");
        Assert.Contains(plan.Routes.SelectMany(r => r.Stops), s => request.Visits.Single(v => v.Id == s.VisitId).TeamSize > 1);
    }

    [Fact]
    public void The_insertion_serves_urgent_visits_before_routine_ones()
    {
        // One staff member, two visits at the same time: only one can be served.
        var request = Day([Visit("routine", 10, from: T(10), to: T(10)), Visit("urgent", 12, from: T(10), to: T(10), urgency: VisitUrgency.Urgent)],
            [Staff("ann")]);
        var plan = new HomeVisitRoutePlanner(Quick()).InsertionPlan(request, Matrix(request))!;
        Assert.Equal("urgent", Assert.Single(plan.Routes.Single().Stops).VisitId);
        Assert.Equal(DropReason.NoRoomInPlan, Assert.Single(plan.Dropped).Reason);
    }

    [Fact]
    public void The_insertion_keeps_a_pinned_visit_where_it_is_pinned()
    {
        var pinned = Visit("p", 10, team: 2) with { Pin = new VisitPin(["bo", "ann"], T(14)) };
        var request = Day([pinned, Visit("v", 10, from: T(14), to: T(14), team: 2)], [Staff("ann", lunch: Lunch), Staff("bo", lunch: Lunch), Staff("cy", lunch: Lunch)]);
        var plan = new HomeVisitRoutePlanner(Quick()).InsertionPlan(request, Matrix(request))!;
        Assert.Empty(PlanChecker.Check(request, Matrix(request), plan));
        Assert.All(plan.Routes.Where(r => r.StaffId != "cy"), r => Assert.Equal(T(14), r.Stops.Single(s => s.VisitId == "p").Start));
        Assert.Contains(plan.Dropped, d => d.VisitId == "v"); // ann and bo are busy at 14:00, cy alone is not a team
    }

    [Fact]
    public void A_day_with_teams_and_lunch_breaks_is_planned_from_the_first_second()
    {
        var request = BusyDay(4);
        var result = Plan(request, Quick() with { Metaheuristic = Metaheuristic.GuidedLocalSearch, TimeLimit = Duration.FromSeconds(2) });
        Assert.True(result.Publishable, string.Join("; ", result.Violations.Concat<object>(result.Problems)));
        Assert.True(result.Statistics.FirstSolutionAfter < Duration.FromSeconds(1), $"first plan after {result.Statistics.FirstSolutionAfter}");
        Assert.Equal(result.Score!.Total, result.Statistics.Objective);
        // The search only improves on the insertion plan.
        Assert.True(result.Statistics.Objective <= result.Statistics.Solutions[0].Objective);
    }

    [Theory]
    [InlineData(InitialPlan.Automatic, false, false, false)]
    [InlineData(InitialPlan.Automatic, true, false, true)]
    [InlineData(InitialPlan.Automatic, false, true, true)]
    [InlineData(InitialPlan.Search, true, true, false)]
    [InlineData(InitialPlan.Insertion, false, false, true)]
    public void The_insertion_start_is_used_for_teams_or_lunch_breaks_unless_chosen(InitialPlan initial, bool team, bool lunch, bool used)
    {
        var request = Day([Visit("v", 10, team: team ? 2 : 1)], [Staff("ann", lunch: lunch ? Lunch : null), Staff("bo")]);
        Assert.Equal(used, new HomeVisitRoutePlanner(Quick() with { InitialPlan = initial }).UsesInsertion(request));
    }

    [Fact]
    public void The_search_alone_still_plans_a_small_day_with_a_team_and_lunch_and_the_insertion_serves_it_all()
    {
        var request = Day([Visit("t", 10, team: 2, from: T(10), to: T(12)), Visit("v", 5, from: T(12), to: T(13))],
            [Staff("ann", lunch: Lunch), Staff("bo", lunch: Lunch)]);
        var search = Plan(request, Quick() with { InitialPlan = InitialPlan.Search });
        Assert.True(search.Publishable);
        Assert.True(search.Plan!.Kpis.Served >= 1);
        var insertion = Plan(request, Quick());
        Assert.True(insertion.Publishable);
        Assert.Equal(2, insertion.Plan!.Kpis.Served);
    }

    [Fact]
    public void Local_search_operators_are_switched_by_name_and_an_unknown_name_is_refused()
    {
        var p = operations_research_constraint_solver.DefaultRoutingSearchParameters();
        HomeVisitRoutePlanner.SetOperator(p.LocalSearchOperators, "path_lns", true);
        HomeVisitRoutePlanner.SetOperator(p.LocalSearchOperators, "cross", false);
        Assert.Equal(Google.OrTools.Util.OptionalBoolean.BoolTrue, p.LocalSearchOperators.UsePathLns);
        Assert.Equal(Google.OrTools.Util.OptionalBoolean.BoolFalse, p.LocalSearchOperators.UseCross);
        Assert.Throws<ArgumentException>(() => HomeVisitRoutePlanner.SetOperator(p.LocalSearchOperators, "no_such_operator", true));
    }
}
