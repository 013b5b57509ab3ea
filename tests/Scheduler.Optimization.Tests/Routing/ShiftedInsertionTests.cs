using Google.OrTools.ConstraintSolver;
using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;
using Xunit;
using static Scheduler.Optimization.Tests.Routing.LineWorld;
using Stop = Scheduler.Optimization.Routing.InsertionBuilder.Stop;

namespace Scheduler.Optimization.Tests.Routing;

/// <summary>
/// The rebuild of the planner's own search (<see cref="InsertionBuilder.TryInsert"/> with shifting): a visit that fits
/// only if a visit already planned moves within its window is served, where the fixed-start insertion leaves it out;
/// a team visit moves only with all its members, pins stay, the lunch break keeps its room, and the plans pass the
/// checker.
/// </summary>
public sealed class ShiftedInsertionTests
{
    /// <summary>The planner's model of a request (no constraints added: the insertion needs only the nodes).</summary>
    private sealed class Model : IDisposable
    {
        private readonly RoutingIndexManager _manager;
        private readonly RoutingModel _model;

        public Model(HomeVisitPlanRequest request)
        {
            Request = request;
            Matrix = LineWorld.Matrix(request);
            var nodes = new RoutingNodes(request, new PlanPlaces(request), request.Visits);
            _manager = new RoutingIndexManager(nodes.All.Count, request.Staff.Count, nodes.Starts, nodes.Ends);
            _model = new RoutingModel(_manager);
            Context = new RoutingContext(request, Matrix, new PenaltyWeights(), nodes, _manager, _model);
            Routes = request.Staff.Select(_ => new List<Stop>()).ToList();
        }

        public HomeVisitPlanRequest Request { get; }
        public TravelMatrix Matrix { get; }
        public RoutingContext Context { get; }
        public List<List<Stop>> Routes { get; }

        public List<RoutingNode> Team(string visit) => Context.Nodes.Teams.Single(t => t[0].Visit!.Id == visit);

        /// <summary>Plans a visit by hand: its members on the given staff, at a start (the routes stay in time order).</summary>
        public void Keep(string visit, LocalTime start, params int[] staff)
        {
            var team = Team(visit);
            for (var i = 0; i < staff.Length; i++)
            {
                var route = Routes[staff[i]];
                route.Add(new Stop(team[i], DayClock.Seconds(start)));
                route.Sort((a, b) => a.Start.CompareTo(b.Start));
            }
        }

        /// <summary>Inserts a visit as the search's rebuild does, the plan kept by hand checked first.</summary>
        public bool TryInsert(string visit, bool shift)
        {
            for (var v = 0; v < Routes.Count; v++) Assert.True(InsertionBuilder.Feasible(Context, v, Routes[v]), $"the kept route {v} breaks a rule");
            Assert.Empty(Check());
            return InsertionBuilder.TryInsert(Context, Routes, Team(visit), justInTime: true, shift);
        }

        public void Dispose()
        {
            _model.Dispose();
            _manager.Dispose();
        }

        public LocalTime StartOf(string visit, int staff) =>
            DayClock.At(Routes[staff].Single(s => s.Node.Visit!.Id == visit).Start);

        /// <summary>The routes as a plan (as the search's result is read), and what the independent checker says of it.</summary>
        public IReadOnlyList<PlanViolation> Check()
        {
            var plan = PlanReader.Read(Context, new InsertionBuilder.Result(Routes), []);
            return PlanChecker.Check(Request, Matrix, plan);
        }
    }

    [Fact]
    public void A_visit_that_fits_only_if_a_kept_visit_starts_later_is_served_and_the_kept_one_pushed_within_its_window()
    {
        // Both at km 10, 30 min each. "kept" may start 09:00-11:00 and is planned at 09:00; "new" must start 09:00-09:10.
        var request = Day([Visit("kept", 10, from: T(9), to: T(11)), Visit("new", 10, from: T(9), to: T(9, 10))], [Staff("ann")]);

        using (var fixedStarts = new Model(request))
        {
            fixedStarts.Keep("kept", T(9), 0);
            Assert.False(fixedStarts.TryInsert("new", shift: false));
            Assert.Single(fixedStarts.Routes[0]);
        }

        using var m = new Model(request);
        m.Keep("kept", T(9), 0);
        Assert.True(m.TryInsert("new", shift: true));
        Assert.Equal(T(9), m.StartOf("new", 0));
        Assert.Equal(T(9, 30), m.StartOf("kept", 0)); // just as far as the new visit's 30 minutes need
        Assert.Equal(["new", "kept"], m.Routes[0].Select(s => s.Node.Visit!.Id));
        Assert.Empty(m.Check());
    }

    [Fact]
    public void A_visit_that_fits_only_if_a_kept_visit_starts_earlier_is_served_and_the_kept_one_pulled_within_its_window()
    {
        // "kept" may start 08:00-09:05 (it cannot make way by going later) and is planned at 09:00; "new" must start
        // 09:00-09:10 at the same place, so "kept" has to be done by then.
        var request = Day([Visit("kept", 10, from: T(8), to: T(9, 5)), Visit("new", 10, from: T(9), to: T(9, 10))], [Staff("ann")]);

        using (var fixedStarts = new Model(request))
        {
            fixedStarts.Keep("kept", T(9), 0);
            Assert.False(fixedStarts.TryInsert("new", shift: false));
        }

        using var m = new Model(request);
        m.Keep("kept", T(9), 0);
        Assert.True(m.TryInsert("new", shift: true));
        Assert.Equal(["kept", "new"], m.Routes[0].Select(s => s.Node.Visit!.Id));
        var kept = m.StartOf("kept", 0);
        var started = m.StartOf("new", 0);
        Assert.True(kept <= T(8, 40) && kept >= T(8, 10), $"kept at {kept}");
        Assert.Equal(kept.PlusMinutes(30), started); // pulled just as far as the new visit's start needs
        Assert.Empty(m.Check());
    }

    [Fact]
    public void A_push_carries_on_down_the_route_and_stops_where_there_is_room()
    {
        // Three visits at km 10 in a row, 30 min each: a at 09:00, b at 09:30 (window to 10:30), c at 11:00.
        // Inserting "new" (09:00-09:05) first pushes a to 09:30 and b to 10:00; c has room and stays.
        var request = Day([Visit("a", 10, from: T(9), to: T(10)), Visit("b", 10, from: T(9), to: T(10, 30)),
            Visit("c", 10, from: T(11), to: T(11)), Visit("new", 10, from: T(9), to: T(9, 5))], [Staff("ann")]);
        using var m = new Model(request);
        m.Keep("a", T(9), 0);
        m.Keep("b", T(9, 30), 0);
        m.Keep("c", T(11), 0);
        Assert.False(m.TryInsert("new", shift: false));
        Assert.True(m.TryInsert("new", shift: true));
        Assert.Equal((T(9), T(9, 30), T(10), T(11)), (m.StartOf("new", 0), m.StartOf("a", 0), m.StartOf("b", 0), m.StartOf("c", 0)));
        Assert.Empty(m.Check());
    }

    [Fact]
    public void A_kept_visit_is_not_pushed_past_its_window()
    {
        // As the first test, but "kept" must start by 09:20: pushed to 09:30 it would be late, so "new" is left out.
        var request = Day([Visit("kept", 10, from: T(9), to: T(9, 20)), Visit("new", 10, from: T(9), to: T(9, 10))], [Staff("ann")]);
        using var m = new Model(request);
        m.Keep("kept", T(9), 0);
        Assert.False(m.TryInsert("new", shift: true));
        Assert.Equal(T(9), m.StartOf("kept", 0));
    }

    [Fact]
    public void A_kept_team_visit_moves_with_all_its_members_or_not_at_all()
    {
        // "team" (ann and bo, may start 09:00-11:00) is planned at 09:00; "new" needs ann at 09:00-09:10 (bo lacks its
        // skill). The team visit makes way only if it moves on bo's route too, to the same start.
        HomeVisitPlanRequest DayWith(bool boBusy) => Day(new[]
        {
            Visit("team", 10, from: T(9), to: T(11), team: 2), Visit("new", 10, from: T(9), to: T(9, 10), skills: ["notary"]),
            Visit("busy", 10, from: T(9, 30), to: T(9, 30), skills: ["driving"]),
        }.Where(v => boBusy || v.Id != "busy"), [Staff("ann", ["notary"]), Staff("bo", ["driving"])]);

        using (var m = new Model(DayWith(boBusy: false)))
        {
            m.Keep("team", T(9), 0, 1);
            Assert.False(m.TryInsert("new", shift: false));
            Assert.True(m.TryInsert("new", shift: true));
            Assert.Equal((T(9), T(9, 30), T(9, 30)), (m.StartOf("new", 0), m.StartOf("team", 0), m.StartOf("team", 1)));
            Assert.Empty(m.Check());
        }

        // bo is busy from 09:30 at the same place: the team visit cannot move on bo's route, so it stays on both, and
        // "new" is left out.
        using var busy = new Model(DayWith(boBusy: true));
        busy.Keep("team", T(9), 0, 1);
        busy.Keep("busy", T(9, 30), 1);
        Assert.False(busy.TryInsert("new", shift: true));
        Assert.Equal((T(9), T(9)), (busy.StartOf("team", 0), busy.StartOf("team", 1)));
        Assert.Empty(busy.Check());
    }

    [Fact]
    public void A_pinned_visit_keeps_its_start()
    {
        var request = Day([Visit("pinned", 10, from: T(9), to: T(11)) with { Pin = new VisitPin(["ann"], T(9)) },
            Visit("new", 10, from: T(9), to: T(9, 10))], [Staff("ann")]);
        using var m = new Model(request);
        m.Keep("pinned", T(9), 0);
        Assert.False(m.TryInsert("new", shift: true));
        Assert.Equal(T(9), m.StartOf("pinned", 0));
    }

    [Fact]
    public void A_push_that_makes_room_for_lunch_is_taken_and_one_that_would_leave_none_is_not()
    {
        // ann's lunch: an hour between 11:30 and 13:30. "long" fills 10:30-12:30 (fixed window), "late" is at 13:30
        // (may start until 15:00), so lunch fits only in 12:30-13:30. "new" (30 min, at the same place):
        // - allowed 12:30-13:30: at 12:30 lunch would have no room; at 13:30, pushing "late" to 14:00, it has.
        // - allowed 12:30-13:00: lunch can never fit, however "late" moves.
        var lunch = new LunchBreak(T(11, 30), T(13, 30), Duration.FromHours(1));
        HomeVisitPlanRequest DayWith(LocalTime latest) => Day([Visit("long", 10, minutes: 120, from: T(10, 30), to: T(10, 30)),
            Visit("late", 10, from: T(13, 30), to: T(15)), Visit("new", 10, from: T(12, 30), to: latest)], [Staff("ann", lunch: lunch)]);
        // (Both kept visits are planned before the routes are checked: "long" alone leaves lunch no room either.)

        using (var m = new Model(DayWith(T(13, 30))))
        {
            m.Keep("long", T(10, 30), 0);
            m.Keep("late", T(13, 30), 0);
            Assert.False(m.TryInsert("new", shift: false));
            Assert.True(m.TryInsert("new", shift: true));
            Assert.Equal((T(13, 30), T(14)), (m.StartOf("new", 0), m.StartOf("late", 0)));
            Assert.Empty(m.Check());
            Assert.Equal(new PlannedBreak(T(12, 30), T(13, 30)), PlanReader.Read(m.Context, new InsertionBuilder.Result(m.Routes), []).Routes[0].Break);
        }

        using var none = new Model(DayWith(T(13)));
        none.Keep("long", T(10, 30), 0);
        none.Keep("late", T(13, 30), 0);
        Assert.False(none.TryInsert("new", shift: true));
        Assert.Equal(T(13, 30), none.StartOf("late", 0));
        Assert.Empty(none.Check());
    }

    [Fact]
    public void Overtime_from_a_push_is_counted_so_a_route_with_room_is_preferred()
    {
        // ann's last visit, at km 12, ends at 16:48: back at 17:00. "new" (km 12, at 16:18 exactly) fits on ann's route
        // only by pushing it 30 min later: no extra travel, 30 min of overtime (allowed up to an hour), 30 * 60 * 3 =
        // 5,400. On bo's route, after a visit at km 10, it adds 2 + 12 - 10 = 4 min of travel (240) and no overtime.
        var request = Day([Visit("last", 12, from: T(16, 18), to: T(16, 48)), Visit("new", 12, from: T(16, 18), to: T(16, 18)),
            Visit("other", 10, from: T(14), to: T(14))], [Staff("ann", overtime: Duration.FromHours(1)), Staff("bo", overtime: Duration.FromHours(1))]);
        using (var m = new Model(request))
        {
            m.Keep("last", T(16, 18), 0);
            m.Keep("other", T(14), 1);
            Assert.True(m.TryInsert("new", shift: true));
            Assert.Equal(T(16, 18), m.StartOf("new", 1));
            Assert.Equal(T(16, 18), m.StartOf("last", 0));
            Assert.Empty(m.Check());
        }

        // Without bo, the push is the only place: taken, with its overtime.
        using var alone = new Model(request with { Visits = request.Visits.Where(v => v.Id != "other").ToList(), Staff = [request.Staff[0]] });
        alone.Keep("last", T(16, 18), 0);
        var before = new RuinAndRecreate(alone.Context, 1).Cost(alone.Routes);
        Assert.True(alone.TryInsert("new", shift: true));
        Assert.Equal(T(16, 48), alone.StartOf("last", 0));
        // The objective falls by the drop penalty of "new" and rises by the 30 min of overtime, nothing else.
        var dropNew = Scheduler.Optimization.Routing.Penalties.DropPenalty.Cost(request.Visits.Single(v => v.Id == "new"), new PenaltyWeights());
        Assert.Equal(before - dropNew + 30 * 60 * 3, new RuinAndRecreate(alone.Context, 1).Cost(alone.Routes));
        Assert.Empty(alone.Check());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Ruin_and_recreate_with_shifted_rebuilds_gives_checked_plans_no_worse_than_the_insertion(int seed)
    {
        var request = InsertionStartTests.BusyDay(seed);
        var result = Plan(request, new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(60), IterationLimit = 400, Searches = 1 });
        Assert.True(result.Publishable, result.Summary);
        Assert.Equal(Metaheuristic.RuinAndRecreate, result.Statistics.Search);
        Assert.Equal(SearchEnd.IterationLimit, result.Statistics.Ended);
        Assert.Empty(PlanChecker.Check(request, Matrix(request), result.Plan!));
        Assert.True(result.Statistics.Objective <= result.Statistics.Solutions[0].Objective);
    }

    [Fact]
    public void Shifted_rebuilds_are_reproducible_with_a_seed_and_an_iteration_budget()
    {
        var request = InsertionStartTests.BusyDay(5);
        var options = new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(60), IterationLimit = 300, Searches = 2, Seed = 3 };
        var a = Plan(request, options);
        var b = Plan(request, options);
        Assert.Equal(a.Statistics.Objective, b.Statistics.Objective);
        Assert.Equal(Fingerprint(a.Plan!), Fingerprint(b.Plan!));
    }

    [Fact]
    public void A_first_plan_built_with_moving_starts_serves_a_visit_the_fixed_start_build_leaves_out()
    {
        // "kept" (urgent, 09:00-11:00) is built first and takes 09:00; "new" (09:00-09:10, same place, 30 min) then fits
        // only if "kept" moves to 09:30.
        var request = Day([Visit("kept", 10, from: T(9), to: T(11), urgency: VisitUrgency.Urgent), Visit("new", 10, from: T(9), to: T(9, 10))],
            [Staff("ann")]);

        using (var fixedStarts = new Model(request))
        {
            var built = InsertionBuilder.Build(fixedStarts.Context)!;
            Assert.Equal(["kept"], built.Routes[0].Select(s => s.Node.Visit!.Id));
        }

        using var m = new Model(request);
        var shifted = InsertionBuilder.Build(m.Context, shift: true)!;
        m.Routes[0].AddRange(shifted.Routes[0]);
        Assert.Equal(["new", "kept"], m.Routes[0].Select(s => s.Node.Visit!.Id));
        Assert.Equal((T(9), T(9, 30)), (m.StartOf("new", 0), m.StartOf("kept", 0)));
        Assert.Empty(m.Check());
    }

    [Theory]
    [InlineData(false, "short")]
    [InlineData(true, "long")]
    public void A_rebuild_after_a_ruin_centred_on_a_visit_left_out_gives_that_visit_the_room_first_when_focused(bool focus, string served)
    {
        // One 09:00 slot. "short" (10 min) is worth three times as much per staff hour as "long" (60 min), so a rebuild
        // by value puts "short" back first; focused on "long" (the visit the ruin was centred on), it gives "long" the slot.
        var request = Day([Visit("short", 10, minutes: 10, from: T(9), to: T(9)), Visit("long", 10, minutes: 60, from: T(9), to: T(9))],
            [Staff("ann", end: T(12))]);
        using var m = new Model(request);
        int Team(string id) => m.Context.Nodes.Teams.FindIndex(t => t[0].Visit!.Id == id);
        var search = new RuinAndRecreate(m.Context, seed: 1, focusLeftOut: focus);

        search.Recreate(m.Routes, ([Team("short")], m.Team("long")[0].Place, Team("long")), [Team("short"), Team("long")]);

        Assert.Equal([served], m.Routes[0].Select(s => s.Node.Visit!.Id));
        Assert.Equal(T(9), m.StartOf(served, 0));
        Assert.Empty(m.Check());
    }

    [Fact]
    public void A_cycle_starts_at_half_a_routine_visit_while_visits_are_left_out_and_cool_once_every_visit_is_served()
    {
        var request = Day([Visit("a", 10, from: T(9), to: T(9)), Visit("b", 12, from: T(11), to: T(11))], [Staff("ann")]);
        using var m = new Model(request);
        int[] movable = [0, 1];
        var search = new RuinAndRecreate(m.Context, seed: 1);
        m.Keep("a", T(9), 0);
        // "b" left out: hot enough that a rebuild with one more visit left out is accepted now and then (e^-2).
        Assert.Equal(new PenaltyWeights().DropRoutine / 2.0, search.StartTemperature(m.Routes, movable));
        Assert.Equal(18_000, search.StartTemperature(m.Routes, movable));
        Assert.True(m.TryInsert("b", shift: true));
        // Nothing left out: the cycles only shorten routes.
        Assert.Equal(RuinAndRecreate.ServedAllTemperature, search.StartTemperature(m.Routes, movable));
        // A temperature given is used as given.
        Assert.Equal(1_200, new RuinAndRecreate(m.Context, seed: 1, hotTemperature: 1_200).StartTemperature(m.Routes, movable));
    }

    [Fact]
    public void A_ruin_of_related_strings_frees_the_stops_near_a_visit_left_out_in_its_window_not_those_at_its_door_hours_before()
    {
        // "x" (km 10, 14:00-14:30) is left out. "a9" is at its very door but at 09:00; "b14" is 2 km away at 14:00, and
        // "a14" 30 km away at 14:00. Ranked by travel plus time apart: b14 (120 s), a14 (1,800 s), a9 (18,000 s), b9.
        var request = Day([Visit("a9", 10, from: T(9), to: T(9)), Visit("a14", 40, from: T(14), to: T(14)),
            Visit("b9", 40, from: T(9), to: T(9)), Visit("b14", 12, from: T(14), to: T(14)),
            Visit("x", 10, from: T(14), to: T(14, 30))], [Staff("ann"), Staff("bob")]);
        string[] Ids(IEnumerable<int> teams, Model m) => teams.Select(t => m.Context.Nodes.Teams[t][0].Visit!.Id).Order().ToArray();
        Model Planned()
        {
            var m = new Model(request);
            m.Keep("a9", T(9), 0);
            m.Keep("a14", T(14), 0);
            m.Keep("b9", T(9), 1);
            m.Keep("b14", T(14), 1);
            return m;
        }
        int[] movable = [0, 1, 2, 3, 4];

        using (var m = Planned())
        {
            var one = new RuinAndRecreate(m.Context, seed: 1, leftOutRuinShare: 1, relatedStrings: true).RelatedStrings(m.Routes, movable, removing: 1);
            Assert.Equal(["b14"], Ids(one.Removed, m));
            Assert.Equal((m.Team("x")[0].Place, m.Context.Nodes.Teams.FindIndex(t => t[0].Visit!.Id == "x")), (one.Centre, one.Target));
            Assert.Equal(["a9", "a14"], m.Routes[0].Select(s => s.Node.Visit!.Id));
            Assert.Equal(["b9"], m.Routes[1].Select(s => s.Node.Visit!.Id));
        }
        // Larger ruins, any seed: b14 always goes, and each route loses one string (its stops side by side).
        for (var seed = 1; seed <= 20; seed++)
        {
            using var m = Planned();
            var before = m.Routes.Select(r => r.Select(s => s.Node.Visit!.Id).ToList()).ToList();
            var ruin = new RuinAndRecreate(m.Context, seed, leftOutRuinShare: 1, relatedStrings: true).RelatedStrings(m.Routes, movable);
            Assert.Contains("b14", Ids(ruin.Removed, m));
            for (var v = 0; v < 2; v++)
            {
                var gone = before[v].Select((id, i) => (id, i)).Where(x => Ids(ruin.Removed, m).Contains(x.id)).Select(x => x.i).ToList();
                Assert.Equal(gone.Count, gone.Count == 0 ? 0 : gone[^1] - gone[0] + 1);
                Assert.Equal(before[v].Except(Ids(ruin.Removed, m)), m.Routes[v].Select(s => s.Node.Visit!.Id));
            }
        }
    }

    private static string Fingerprint(HomeVisitPlan plan) => string.Join("\n", plan.Routes.Select(r =>
        r.StaffId + ": " + string.Join(", ", r.Stops.Select(s => $"{s.VisitId}@{s.Start}"))));
}
