using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing.Penalties;

namespace Scheduler.Optimization.Routing;

/// <summary>
/// A first plan built without the CP search: visits are inserted one at a time (most urgent first, then the most
/// costly to drop per hour of staff time, so a team visit for three comes after a visit for one of the same worth,
/// then the tightest windows) at a fixed start time, into the staff routes where they add the least
/// travel, overtime and staff use. A team visit is inserted into all its members' routes at once, at a start time
/// every member can make, so teams are together by construction; after every insertion each route must still keep
/// its shift, working time, capacity and a place for the lunch break (the same placement the plan reader uses).
/// A visit that fits nowhere is left out. Every visit keeps its start once inserted, so the result is feasible by
/// construction; OR-Tools' local search then improves it (re-timing, moving and exchanging visits).
/// </summary>
internal static class InsertionBuilder
{
    /// <summary>Candidate start times within a window are tried at least this often (seconds).</summary>
    public const int GridSeconds = 600;

    /// <summary>Staff time a visit is reckoned to take besides its service (travel), when ranking visits by value per staff hour.</summary>
    public const int PerVisitOverhead = 900;

    public sealed record Stop(RoutingNode Node, int Start)
    {
        public int End => Start + Node.ServiceSeconds;
    }

    /// <summary>The routes built (visit nodes in order with their starts, per staff member, by vehicle index).</summary>
    public sealed record Result(IReadOnlyList<IReadOnlyList<Stop>> Routes)
    {
        /// <summary>The routes as routing indices per vehicle (OR-Tools' ReadAssignmentFromRoutes).</summary>
        public long[][] Indices(RoutingContext c) =>
            Routes.Select(r => r.Select(s => c.IndexOf(s.Node)).ToArray()).ToArray();
    }

    /// <summary>
    /// Builds the routes; null when a pinned visit cannot be placed at its pinned start (the CP search then decides).
    /// </summary>
    public static Result? Build(RoutingContext c, CancellationToken cancellationToken = default)
    {
        var staff = c.Request.Staff;
        var routes = staff.Select(_ => new List<Stop>()).ToList();
        var vehicleOf = staff.Select((s, v) => (s.StaffId, v)).ToDictionary(x => x.StaffId, x => x.v, StringComparer.Ordinal);

        // Pins first, where they are pinned.
        foreach (var team in c.Nodes.Teams.Where(t => t[0].Visit!.Pin is not null))
        {
            var pin = team[0].Visit!.Pin!;
            var start = DayClock.Seconds(pin.Start);
            for (var i = 0; i < team.Count; i++)
            {
                var v = vehicleOf[pin.StaffIds[i]];
                var at = InsertPosition(routes[v], start);
                if (at is null) return null;
                routes[v].Insert(at.Value, new Stop(team[i], start));
                if (!Feasible(c, v, routes[v])) return null;
            }
        }

        var order = InOrder(c, c.Nodes.Teams.Where(t => t[0].Visit!.Pin is null)).ToList();
        foreach (var team in order)
        {
            if (cancellationToken.IsCancellationRequested) break;
            TryInsert(c, routes, team);
        }
        return new Result(routes);
    }

    /// <summary>
    /// The order visits are inserted in: most urgent first, then the most costly to drop per hour of staff time,
    /// then the tightest windows, then the earliest.
    /// </summary>
    public static IOrderedEnumerable<List<RoutingNode>> InOrder(RoutingContext c, IEnumerable<List<RoutingNode>> teams) =>
        teams.OrderByDescending(t => (int)t[0].Visit!.Urgency)
            .ThenByDescending(t => (double)DropPenalty.Cost(t[0].Visit!, c.Weights) / (t.Count * (t[0].ServiceSeconds + PerVisitOverhead)))
            .ThenBy(t => VisitFeasibility.StartWindows(t[0].Visit!).Sum(w => w.To - w.From))
            .ThenBy(t => VisitFeasibility.StartWindows(t[0].Visit!)[0].From);

    /// <summary>
    /// Inserts a visit (all its team members) where it adds the least; false when it fits nowhere. With
    /// <paramref name="justInTime"/> a visit for one also tries starting just in time for each stop already planned
    /// (tighter days: what the improvement search uses; for teams the extra starts cost more time than they gained).
    /// </summary>
    public static bool TryInsert(RoutingContext c, List<List<Stop>> routes, List<RoutingNode> team, bool justInTime = false)
    {
        if (Best(c, routes, team, justInTime) is not { } best) return false;
        for (var i = 0; i < team.Count; i++)
        {
            var v = best.Vehicles[i];
            routes[v].Insert(InsertPosition(routes[v], best.Start)!.Value, new Stop(team[i], best.Start));
        }
        return true;
    }

    /// <summary>
    /// What a route adds to the objective as it stands: its travel, its overtime and sending its staff member out
    /// (the same terms as <see cref="PlanScore"/>, with the return as early as the last visit allows).
    /// </summary>
    public static long RouteCost(RoutingContext c, int v, IReadOnlyList<Stop> route)
    {
        if (route.Count == 0) return 0;
        long Travel(int a, int b) => TravelPenalty.Cost(c.Matrix.Seconds(a, b), c.Matrix.Metres(a, b), c.Weights);
        var at = c.Nodes.All[c.Nodes.Starts[v]].Place;
        long cost = StaffUsePenalty.Cost(route.Count, c.Request.Staff[v], c.Weights);
        foreach (var s in route)
        {
            cost += Travel(at, s.Node.Place);
            at = s.Node.Place;
        }
        var end = c.Nodes.All[c.Nodes.Ends[v]].Place;
        cost += Travel(at, end);
        return cost + OvertimePenalty.Cost(route[^1].End + c.Matrix.Seconds(at, end), c.Request.Staff[v], c.Weights);
    }

    private sealed record Choice(int Start, int[] Vehicles, long Cost);

    /// <summary>The cheapest start time and staff for a visit (one per team member), or null when it fits nowhere.</summary>
    private static Choice? Best(RoutingContext c, List<List<Stop>> routes, List<RoutingNode> team, bool justInTime)
    {
        var visit = team[0].Visit!;
        var windows = c.WindowsOf(team[0]);
        var place = team[0].Place;

        // Candidate starts: a grid over each window, and the earliest arrival after each stop of every route.
        var grid = new List<int>();
        foreach (var (from, to) in windows)
        {
            for (var t = from; t < to; t += GridSeconds) grid.Add(t);
            grid.Add(to);
        }
        var eligible = c.EligibleFor(team);
        if (justInTime && team.Count == 1) return BestAlone(c, routes, team[0], windows, grid, eligible);
        // Only starts inside a window are tried, each once, earliest first.
        var starts = new List<int>(grid);
        for (var v = 0; v < routes.Count; v++)
        {
            var t0 = c.Shifts[v].Start + c.Matrix.Seconds(c.Shifts[v].StartPlace, place);
            if (InWindow(windows, t0)) starts.Add(t0);
            foreach (var s in routes[v])
                if (s.End + c.Matrix.Seconds(s.Node.Place, place) is var t && InWindow(windows, t)) starts.Add(t);
        }
        starts.Sort();

        Choice? best = null;
        var options = new List<(int Vehicle, long Cost)>();
        var previous = int.MinValue;
        foreach (var t in starts)
        {
            if (t == previous) continue;
            previous = t;
            options.Clear();
            foreach (var v in eligible)
                if (Delta(c, v, routes[v], team[0], t) is { } cost) options.Add((v, cost));
            if (options.Count < team.Count) continue;
            options.Sort((a, b) => a.Cost.CompareTo(b.Cost));
            var pick = Pick(c, visit, options, team.Count);
            if (pick is not null && (best is null || pick.Value.Cost < best.Cost))
                best = new Choice(t, pick.Value.Vehicles, pick.Value.Cost);
        }
        return best;
    }

    /// <summary>
    /// <see cref="Best"/> for a visit for one, faster: each route is tried only at its own candidate starts (the grid,
    /// and the earliest arrival after and the latest start before each of its stops), since a start another route
    /// suggests adds the same travel to this one as one of its own in the same gap.
    /// </summary>
    private static Choice? BestAlone(RoutingContext c, List<List<Stop>> routes, RoutingNode node, (int From, int To)[] windows,
        List<int> grid, int[] eligible)
    {
        var bestCost = long.MaxValue;
        int bestStart = 0, bestVehicle = -1;
        var own = new List<int>(grid.Count + 64);
        foreach (var v in eligible)
        {
            own.Clear();
            own.AddRange(grid);
            // Only starts inside a window are tried, each once, earliest first.
            var t0 = c.Shifts[v].Start + c.Matrix.Seconds(c.Shifts[v].StartPlace, node.Place);
            if (InWindow(windows, t0)) own.Add(t0);
            foreach (var s in routes[v])
            {
                var after = s.End + c.Matrix.Seconds(s.Node.Place, node.Place);
                if (InWindow(windows, after)) own.Add(after);
                var before = s.Start - node.ServiceSeconds - c.Matrix.Seconds(node.Place, s.Node.Place);
                if (InWindow(windows, before)) own.Add(before);
            }
            own.Sort();
            var previous = int.MinValue;
            foreach (var t in own)
            {
                if (t == previous) continue;
                previous = t;
                if (Delta(c, v, routes[v], node, t) is { } cost && cost < bestCost) (bestCost, bestStart, bestVehicle) = (cost, t, v);
            }
        }
        return bestVehicle < 0 ? null : new Choice(bestStart, [bestVehicle], bestCost);
    }

    private static bool InWindow((int From, int To)[] windows, int t)
    {
        foreach (var (from, to) in windows)
            if (t >= from && t <= to) return true;
        return false;
    }

    /// <summary>The cheapest <paramref name="size"/> distinct staff (among the cheapest few) holding the skills between them.</summary>
    private static (int[] Vehicles, long Cost)? Pick(RoutingContext c, VisitToPlan visit, List<(int Vehicle, long Cost)> options, int size)
    {
        if (size == 1) return ([options[0].Vehicle], options[0].Cost);
        var staff = c.Request.Staff;
        var top = options.Take(12).ToList();
        (int[] Vehicles, long Cost)? best = null;
        bool Covers(params int[] vs) => VisitFeasibility.Covers(vs.Select(v => staff[v]).ToList(), visit.RequiredSkills);
        for (var i = 0; i < top.Count; i++)
        for (var j = i + 1; j < top.Count; j++)
        {
            if (size == 2)
            {
                var cost = top[i].Cost + top[j].Cost;
                if ((best is null || cost < best.Value.Cost) && Covers(top[i].Vehicle, top[j].Vehicle))
                    best = ([top[i].Vehicle, top[j].Vehicle], cost);
                continue;
            }
            for (var k = j + 1; k < top.Count; k++)
            {
                var cost = top[i].Cost + top[j].Cost + top[k].Cost;
                if ((best is null || cost < best.Value.Cost) && Covers(top[i].Vehicle, top[j].Vehicle, top[k].Vehicle))
                    best = ([top[i].Vehicle, top[j].Vehicle, top[k].Vehicle], cost);
            }
        }
        return best;
    }

    /// <summary>Where a stop starting at <paramref name="start"/> goes in a route kept in time order; null if one starts then.</summary>
    private static int? InsertPosition(List<Stop> route, int start)
    {
        var i = 0;
        while (i < route.Count && route[i].Start < start) i++;
        return i < route.Count && route[i].Start == start ? null : i;
    }

    /// <summary>What inserting the node at <paramref name="start"/> adds to the objective, or null when the route would break a rule.</summary>
    private static long? Delta(RoutingContext c, int v, List<Stop> route, RoutingNode node, int start)
    {
        if (InsertPosition(route, start) is not { } at) return null;
        var shift = c.Shifts[v];
        int startPlace = shift.StartPlace, endPlace = shift.EndPlace;
        var prev = at > 0 ? route[at - 1].Node.Place : startPlace;
        var next = at < route.Count ? route[at].Node.Place : endPlace;
        // Quick rejections before the full check.
        if (at > 0 && route[at - 1].End + c.Matrix.Seconds(prev, node.Place) > start) return null;
        if (at < route.Count && start + node.ServiceSeconds + c.Matrix.Seconds(node.Place, next) > route[at].Start) return null;
        if (!Feasible(c, v, route, at, node, start)) return null;
        long Travel(int a, int b) => TravelPenalty.Cost(c.Matrix.Seconds(a, b), c.Matrix.Metres(a, b), c.Weights);
        var cost = Travel(prev, node.Place) + Travel(node.Place, next) - Travel(prev, next);
        if (route.Count == 0) cost += StaffUsePenalty.Cost(1, c.Request.Staff[v], c.Weights);
        var oldBack = route.Count == 0 ? 0 : route[^1].End + c.Matrix.Seconds(route[^1].Node.Place, endPlace);
        var last = at == route.Count ? node.Place : route[^1].Node.Place;
        var lastEnd = at == route.Count ? start + node.ServiceSeconds : route[^1].End;
        var newBack = lastEnd + c.Matrix.Seconds(last, endPlace);
        long Overtime(int back) => c.Weights.OvertimePerSecond * Math.Max(0, back - shift.End);
        cost += Overtime(newBack) - (route.Count == 0 ? 0 : Overtime(oldBack));
        return cost;
    }

    /// <summary>
    /// Whether a route with fixed starts keeps the hard rules: travel between stops, leaving after the shift start,
    /// back by the shift end plus overtime, the working time, the capacity, and room for the lunch break.
    /// </summary>
    public static bool Feasible(RoutingContext c, int v, IReadOnlyList<Stop> route) => Feasible(c, v, route, -1, null, 0);

    /// <summary>
    /// <see cref="Feasible(RoutingContext, int, IReadOnlyList{Stop})"/> for the route with <paramref name="node"/> starting at
    /// <paramref name="start"/> inserted at position <paramref name="at"/> (none when negative), without building that route.
    /// </summary>
    private static bool Feasible(RoutingContext c, int v, IReadOnlyList<Stop> route, int at, RoutingNode? node, int start)
    {
        var count = route.Count + (at >= 0 ? 1 : 0);
        if (count == 0) return true;
        var shift = c.Shifts[v];
        var matrix = c.Matrix;
        (int Place, int Start, int End, int Load) StopAt(int i)
        {
            if (i == at) return (node!.Place, start, start + node.ServiceSeconds, node.Visit!.Load);
            var s = route[at >= 0 && i > at ? i - 1 : i];
            return (s.Node.Place, s.Start, s.End, s.Node.Visit!.Load);
        }
        var first = StopAt(0);
        var last = StopAt(count - 1);
        var departure = first.Start - matrix.Seconds(shift.StartPlace, first.Place);
        if (departure < shift.Start) return false;
        var back = last.End + matrix.Seconds(last.Place, shift.EndPlace);
        if (back > shift.LatestReturn) return false;
        if (back - departure > shift.MaxWorking) return false;
        if (shift.Capacity < int.MaxValue)
        {
            var load = 0;
            for (var i = 0; i < count; i++) load += StopAt(i).Load;
            if (load > shift.Capacity) return false;
        }
        // Travel between stops, and the lunch break in a gap (before leaving, between stops with room for the trip,
        // or after coming back: where PlanReader.PlaceBreak puts it).
        var breakFits = !shift.HasLunch || shift.BreakFits(shift.Start, departure, 0) || shift.BreakFits(back, shift.LatestReturn, 0);
        int place = shift.StartPlace, free = departure;
        for (var i = 0; i < count; i++)
        {
            var s = StopAt(i);
            var travel = matrix.Seconds(place, s.Place);
            if (free + travel > s.Start) return false;
            breakFits = breakFits || shift.BreakFits(free, s.Start, travel);
            free = s.End;
            place = s.Place;
        }
        return breakFits || shift.BreakFits(free, back, matrix.Seconds(place, shift.EndPlace));
    }
}
