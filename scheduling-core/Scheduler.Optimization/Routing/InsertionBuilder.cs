using System.Diagnostics;
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
    public static Result? Build(RoutingContext c, CancellationToken cancellationToken = default, bool shift = false)
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
            TryInsert(c, routes, team, shift: shift);
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
    /// <remarks>
    /// With <paramref name="shift"/> the visits already planned may move within their windows to make room (a
    /// push-forward of the stops after the new one and a pull-back of those before it, Solomon's I1 insertion with
    /// Savelsbergh's slack): pinned visits never move; a kept team visit moves only when a visit for one is inserted,
    /// and only if each of its other members can take the same new start on their own routes with nothing else moving
    /// there (a conservative rule: no chains across routes); every route changed must keep every rule the fixed-start
    /// check does (shift, working time, capacity, room for lunch). A shifted place is taken only when it is strictly cheaper than every
    /// place that moves nothing, so where nothing needs to move the choice is the fixed-start one.
    /// </remarks>
    public static bool TryInsert(RoutingContext c, List<List<Stop>> routes, List<RoutingNode> team, bool justInTime = false,
        bool shift = false)
    {
        if (Best(c, routes, team, justInTime, shift) is not { } best) return false;
        if (best.Positions is { } positions)
        {
            // Every member's route as it will be, worked out before any route changes (a team's routes are distinct;
            // only a visit for one moves other members of kept teams, on routes other than its own).
            var partners = team.Count == 1 ? PartnersOf(c, routes) : null;
            var shifted = new List<Stop>[team.Count];
            for (var i = 0; i < team.Count; i++)
            {
                if (ShiftedRoute(c, best.Vehicles[i], routes[best.Vehicles[i]], team[i], positions[i], best.Start, partners) is not { } route)
                {
                    // The same routes gave this place a moment ago: not expected; leave the visit out rather than half in.
                    Debug.Fail("a shifted insertion no longer fits the route it was found on");
                    return false;
                }
                shifted[i] = route;
            }
            for (var i = 0; i < team.Count; i++) routes[best.Vehicles[i]] = shifted[i];
            if (partners is not null)
                foreach (var (w, j, t) in partners.Moves) routes[w][j] = new Stop(routes[w][j].Node, t);
            return true;
        }
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
        var at = c.Nodes.All[c.Nodes.Starts[v]].Place;
        long cost = StaffUsePenalty.Cost(route.Count, c.Request.Staff[v], c.Weights);
        foreach (var s in route)
        {
            cost += Travel(c, at, s.Node.Place);
            at = s.Node.Place;
        }
        var end = c.Nodes.All[c.Nodes.Ends[v]].Place;
        cost += Travel(c, at, end);
        return cost + OvertimePenalty.Cost(route[^1].End + c.Matrix.Seconds(at, end), c.Request.Staff[v], c.Weights);
    }

    /// <summary>A place for a visit: its start and staff; with <see cref="Positions"/> (one per member) a place that moves other stops.</summary>
    private sealed record Choice(int Start, int[] Vehicles, long Cost, int[]? Positions = null);

    /// <summary>The cheapest start time and staff for a visit (one per team member), or null when it fits nowhere.</summary>
    private static Choice? Best(RoutingContext c, List<List<Stop>> routes, List<RoutingNode> team, bool justInTime, bool shift)
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
        if (justInTime && team.Count == 1) return BestAlone(c, routes, team[0], windows, grid, eligible, shift);
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
        var distinct = 0;
        for (var i = 0; i < starts.Count; i++)
            if (i == 0 || starts[i] != starts[i - 1]) starts[distinct++] = starts[i];
        starts.RemoveRange(distinct, starts.Count - distinct);

        // What each route offers at each start: as the stops stand, or (with shift) with its own stops moved to make room,
        // at the place in the route the start falls in (a stop starting at that very time may go either side). A start
        // outside a place's room (the stops around it moved as far as they may, kept teams staying put) fits there neither
        // way, so each route is asked only at the starts within the room of its places.
        var room = ShiftRoom.For(c, routes, team[0], windows);
        var offers = _offers ??= [];
        offers.Clear();
        foreach (var v in eligible)
        {
            var route = routes[v];
            void Offer(int i, int at)
            {
                var t = starts[i];
                var taken = at < route.Count && route[at].Start == t;
                var fits = room.Allows(v, at, t);
                if (!taken && fits && DeltaAt(c, v, route, team[0], t, at) is { } cost)
                {
                    offers.Add(new Offer(i, offers.Count, v, cost, -1));
                    return;
                }
                if (!shift) return;
                var (moved, position) = (long.MaxValue, -1);
                if (fits && ShiftedDelta(c, v, route, team[0], at, t, null) is { } here) (moved, position) = (here, at);
                if (taken && room.Allows(v, at + 1, t) && ShiftedDelta(c, v, route, team[0], at + 1, t, null) is { } after && after < moved)
                    (moved, position) = (after, at + 1);
                if (position >= 0) offers.Add(new Offer(i, offers.Count, v, moved, position));
            }
            for (var at = 0; at <= route.Count; at++)
            {
                // The starts that fall at this place: after the stop before it, up to the start of the stop after it.
                var (low, high) = room.Of(v, at);
                var from = Math.Max(at > 0 ? route[at - 1].Start + 1 : int.MinValue, low);
                var to = Math.Min(at < route.Count ? route[at].Start : int.MaxValue, high);
                var i = from <= to ? LowerBound(starts, from) : starts.Count;
                for (; i < starts.Count && starts[i] <= to; i++) Offer(i, at);
                // A start at the very time of the next stop, outside this place's room, may still go after that stop.
                if (at < route.Count && route[at].Start is var next && (next < low || next > high) && room.Allows(v, at + 1, next)
                    && LowerBound(starts, next) is var k && k < starts.Count && starts[k] == next)
                    Offer(k, at);
            }
        }
        // By start, earliest first; at each start, routes in the order they were asked.
        offers.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Order.CompareTo(b.Order));

        Choice? best = null, shiftedBest = null;
        var options = new List<(int Vehicle, long Cost)>();
        // Such a moved place is taken only when strictly cheaper.
        var mixed = new List<(int Vehicle, long Cost)>();
        var positions = new List<(int Vehicle, int Position)>();
        for (var o = 0; o < offers.Count;)
        {
            var t = starts[offers[o].Start];
            options.Clear();
            mixed.Clear();
            positions.Clear();
            for (var first = offers[o].Start; o < offers.Count && offers[o].Start == first; o++)
            {
                var offer = offers[o];
                if (offer.Position < 0) options.Add((offer.Vehicle, offer.Cost));
                else positions.Add((offer.Vehicle, offer.Position));
                if (shift) mixed.Add((offer.Vehicle, offer.Cost));
            }
            if (options.Count >= team.Count)
            {
                options.Sort((a, b) => a.Cost.CompareTo(b.Cost));
                var pick = Pick(c, visit, options, team.Count);
                if (pick is not null && (best is null || pick.Value.Cost < best.Cost))
                    best = new Choice(t, pick.Value.Vehicles, pick.Value.Cost);
            }
            if (positions.Count > 0 && mixed.Count >= team.Count)
            {
                mixed.Sort((a, b) => a.Cost.CompareTo(b.Cost));
                var pick = Pick(c, visit, mixed, team.Count);
                if (pick is not null && (shiftedBest is null || pick.Value.Cost < shiftedBest.Cost))
                {
                    var route = routes;
                    shiftedBest = new Choice(t, pick.Value.Vehicles, pick.Value.Cost, pick.Value.Vehicles.Select(v =>
                        positions.FindIndex(x => x.Vehicle == v) is var k and >= 0 ? positions[k].Position : InsertPosition(route[v], t)!.Value).ToArray());
                }
            }
        }
        return shiftedBest is not null && (best is null || shiftedBest.Cost < best.Cost) ? shiftedBest : best;
    }

    /// <summary>
    /// Whether a route has a place where the node could start with every stop where it is and add less than
    /// <paramref name="bestCost"/>: a gap between two stops (or the shift's start and end) long enough for the trips and
    /// the service within one of the node's windows, and, between two stops, less extra travel than that (there it adds
    /// nothing else). Only a necessary condition: the full check follows for a route that has one.
    /// </summary>
    private static bool Open(RoutingContext c, int v, List<Stop> route, RoutingNode node, (int From, int To)[] windows, long bestCost)
    {
        var s = c.Shifts[v];
        for (var at = 0; at <= route.Count; at++)
        {
            var prevPlace = at > 0 ? route[at - 1].Node.Place : s.StartPlace;
            var nextPlace = at < route.Count ? route[at].Node.Place : s.EndPlace;
            if (at < route.Count && bestCost != long.MaxValue &&
                Detour(c, prevPlace, node.Place, nextPlace) >= bestCost) continue;
            var earliest = (at > 0 ? route[at - 1].End : s.Start) + c.Matrix.Seconds(prevPlace, node.Place);
            var latest = (at < route.Count ? route[at].Start : s.LatestReturn) - node.ServiceSeconds - c.Matrix.Seconds(node.Place, nextPlace);
            if (NextIn(windows, earliest) is { } t && t <= latest) return true;
        }
        return false;
    }

    /// <summary>What a route offers a visit at one start (index into the starts): its cost, and the place it moves stops at (none: -1).</summary>
    private readonly record struct Offer(int Start, int Order, int Vehicle, long Cost, int Position);

    [ThreadStatic] private static List<Offer>? _offers;

    /// <summary>The first index of a sorted list whose value is not below <paramref name="value"/>.</summary>
    private static int LowerBound(List<int> sorted, int value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// <see cref="Best"/> for a visit for one, faster: each route is tried only at its own candidate starts (the grid,
    /// and the earliest arrival after and the latest start before each of its stops), since a start another route
    /// suggests adds the same travel to this one as one of its own in the same gap.
    /// </summary>
    private static Choice? BestAlone(RoutingContext c, List<List<Stop>> routes, RoutingNode node, (int From, int To)[] windows,
        List<int> grid, int[] eligible, bool shift)
    {
        var bestCost = long.MaxValue;
        int bestStart = 0, bestVehicle = -1;
        var own = new List<int>(grid.Count + 64);
        foreach (var v in eligible)
        {
            var route = routes[v];
            if (!Open(c, v, route, node, windows, bestCost)) continue;
            own.Clear();
            own.AddRange(grid);
            // Only starts inside a window are tried, each once, earliest first.
            var t0 = c.Shifts[v].Start + c.Matrix.Seconds(c.Shifts[v].StartPlace, node.Place);
            if (InWindow(windows, t0)) own.Add(t0);
            foreach (var s in route)
            {
                var after = s.End + c.Matrix.Seconds(s.Node.Place, node.Place);
                if (InWindow(windows, after)) own.Add(after);
                var before = s.Start - node.ServiceSeconds - c.Matrix.Seconds(node.Place, s.Node.Place);
                if (InWindow(windows, before)) own.Add(before);
            }
            own.Sort();
            var previous = int.MinValue;
            // Between two stops (not after the last) every start adds the same travel and nothing else, so once one fits
            // there, or that travel is no cheaper than the best place yet, the later starts of that gap cannot win.
            int at = 0, settled = -1;
            foreach (var t in own)
            {
                if (t == previous) continue;
                previous = t;
                while (at < route.Count && route[at].Start < t) at++;
                if (at < route.Count && route[at].Start == t) continue;
                if (at < route.Count)
                {
                    if (at == settled) continue;
                    var prevPlace = at > 0 ? route[at - 1].Node.Place : c.Shifts[v].StartPlace;
                    if (Detour(c, prevPlace, node.Place, route[at].Node.Place) >= bestCost)
                    {
                        settled = at;
                        continue;
                    }
                }
                if (DeltaAt(c, v, route, node, t, at) is not { } cost) continue;
                if (cost < bestCost) (bestCost, bestStart, bestVehicle) = (cost, t, v);
                if (at < route.Count) settled = at;
            }
        }
        if (!shift) return bestVehicle < 0 ? null : new Choice(bestStart, [bestVehicle], bestCost);

        // Places between two stops with no room as they stand: the stops after pushed later, or those before pulled
        // earlier, or both, within their windows. Taken only when strictly cheaper than every place found above.
        var bestPosition = -1;
        var partners = PartnersOf(c, routes);
        var room = ShiftRoom.For(c, routes, node, windows, partners);
        foreach (var v in eligible)
        {
            var route = routes[v];
            var s = c.Shifts[v];
            for (var at = 0; at <= route.Count; at++)
            {
                var prevPlace = at > 0 ? route[at - 1].Node.Place : s.StartPlace;
                var nextPlace = at < route.Count ? route[at].Node.Place : s.EndPlace;
                // No place here can be cheaper than the extra travel (overtime only adds to it).
                var travel = Detour(c, prevPlace, node.Place, nextPlace)
                             + (route.Count == 0 ? StaffUsePenalty.Cost(1, c.Request.Staff[v], c.Weights) : 0);
                if (travel >= bestCost) continue;
                // With the stops moved as far as their windows allow (low, high); as they stand (a), (b).
                var (low, high) = room.Of(v, at);
                if (low > high) continue;
                var a = (at > 0 ? route[at - 1].End : s.Start) + c.Matrix.Seconds(prevPlace, node.Place);
                var b = (at < route.Count ? route[at].Start : s.LatestReturn) - c.Matrix.Seconds(node.Place, nextPlace) - node.ServiceSeconds;
                // Least moved first: only the stops after (from a), only those before (up to b), then the extremes. Where
                // a start between a and b moves nothing, the places above tried it; the extremes may still make room for
                // lunch that no start without moving left.
                Span<int> tries = [NextIn(windows, a) ?? int.MaxValue, PrevIn(windows, b) ?? int.MinValue, low, high];
                for (var k = 0; k < tries.Length; k++)
                {
                    var t = tries[k];
                    if (t < low || t > high || (t >= a && t <= b)) continue;
                    var seen = false;
                    for (var j = 0; j < k; j++) seen |= tries[j] == t;
                    if (seen) continue;
                    if (ShiftedDelta(c, v, route, node, at, t, partners) is { } cost && cost < bestCost)
                        (bestCost, bestStart, bestVehicle, bestPosition) = (cost, t, v, at);
                }
            }
        }
        return bestVehicle < 0 ? null : new Choice(bestStart, [bestVehicle], bestCost, bestPosition < 0 ? null : [bestPosition]);
    }

    /// <summary>
    /// For one visit, the starts each place of each route could take with the stops around it moved as far as their
    /// windows allow (<see cref="Slack"/>; the stops of kept teams move only with the partners given, else stay put): a
    /// start outside them gives no route there, neither with the stops as they stand nor moved (<see cref="DeltaAt"/>
    /// and <see cref="ShiftedDelta"/> would return null), so it need not be tried. Worked out once per visit and route,
    /// when first asked, in buffers of this thread.
    /// </summary>
    private sealed class ShiftRoom
    {
        private int[] _offset = [], _low = [], _high = [];
        private bool[] _ready = [];
        private RoutingContext _c = null!;
        private List<List<Stop>> _routes = null!;
        private RoutingNode _node = null!;
        private (int From, int To)[] _windows = [];
        private Partners? _partners;

        [ThreadStatic] private static ShiftRoom? _current;

        /// <summary>The room of every place of every route for <paramref name="node"/>, each route's worked out when first asked.</summary>
        public static ShiftRoom For(RoutingContext c, List<List<Stop>> routes, RoutingNode node, (int From, int To)[] windows,
            Partners? partners = null)
        {
            var room = _current ??= new ShiftRoom();
            (room._c, room._routes, room._node, room._windows, room._partners) = (c, routes, node, windows, partners);
            if (room._offset.Length < routes.Count + 1) (room._offset, room._ready) = (new int[routes.Count + 1], new bool[routes.Count]);
            Array.Clear(room._ready, 0, routes.Count);
            var total = 0;
            for (var v = 0; v < routes.Count; v++)
            {
                room._offset[v] = total;
                total += routes[v].Count + 1;
            }
            room._offset[routes.Count] = total;
            if (room._low.Length < total) (room._low, room._high) = (new int[2 * total], new int[2 * total]);
            return room;
        }

        private void Ensure(int v)
        {
            if (_ready[v]) return;
            _ready[v] = true;
            var (c, route, node, windows) = (_c, _routes[v], _node, _windows);
            var s = c.Shifts[v];
            var (earliest, latest) = Slack(c, v, route, _partners);
            var o = _offset[v];
            for (var at = 0; at <= route.Count; at++)
            {
                var toNode = c.Matrix.Seconds(at > 0 ? route[at - 1].Node.Place : s.StartPlace, node.Place);
                var fromNode = c.Matrix.Seconds(node.Place, at < route.Count ? route[at].Node.Place : s.EndPlace);
                _low[o + at] = NextIn(windows, (at > 0 ? earliest[at - 1] + route[at - 1].Node.ServiceSeconds : s.Start) + toNode) ?? int.MaxValue;
                _high[o + at] = PrevIn(windows, (at < route.Count ? latest[at] : s.LatestReturn) - fromNode - node.ServiceSeconds) ?? int.MinValue;
            }
        }

        /// <summary>Whether the visit may start at <paramref name="t"/> at place <paramref name="at"/> of route <paramref name="v"/> once stops move.</summary>
        public bool Allows(int v, int at, int t)
        {
            Ensure(v);
            var o = _offset[v] + at;
            return o < _offset[v + 1] && t >= _low[o] && t <= _high[o];
        }

        /// <summary>The earliest and latest start at place <paramref name="at"/> of route <paramref name="v"/> once stops move (low above high: none).</summary>
        public (int Low, int High) Of(int v, int at)
        {
            Ensure(v);
            return (_low[_offset[v] + at], _high[_offset[v] + at]);
        }
    }

    private static long Travel(RoutingContext c, int a, int b) => c.TravelCost(a, b);

    /// <summary>The travel a visit at <paramref name="place"/> adds between two places (the trips to and from it, less the trip it replaces).</summary>
    private static long Detour(RoutingContext c, int prev, int place, int next) =>
        Travel(c, prev, place) + Travel(c, place, next) - Travel(c, prev, next);

    /// <summary>The earliest start in a window at or after <paramref name="t"/>; null when every window ends before it.</summary>
    internal static int? NextIn((int From, int To)[] windows, int t)
    {
        foreach (var (from, to) in windows)
            if (t <= to) return Math.Max(t, from);
        return null;
    }

    /// <summary>The latest start in a window at or before <paramref name="t"/>; null when every window starts after it.</summary>
    internal static int? PrevIn((int From, int To)[] windows, int t)
    {
        for (var i = windows.Length - 1; i >= 0; i--)
            if (t >= windows[i].From) return Math.Min(t, windows[i].To);
        return null;
    }

    /// <summary>Whether a stop may move on its own when another is inserted: a visit for one that is not pinned.</summary>
    private static bool Movable(Stop s) => s.Node.Visit!.TeamSize == 1 && s.Node.Visit.Pin is null;

    /// <summary>
    /// Where each planned node is (its route and place in it) and the team of each node, for moving a team visit's
    /// other members with it; and the moves of other members the last <see cref="Shift"/> made. Read once per insertion,
    /// kept per thread (searches side by side run on their own threads).
    /// </summary>
    private sealed class Partners
    {
        public RoutingContext? Context;
        public int[] TeamOf = [], RouteOf = [], IndexOf = [];
        public List<List<Stop>> Routes = null!;
        public readonly List<(int Route, int Index, int Start)> Moves = [];
        private bool _placed;

        /// <summary>Starts over on <paramref name="routes"/>; where each node is, is read when first needed.</summary>
        public void Reset(List<List<Stop>> routes)
        {
            Routes = routes;
            Moves.Clear();
            _placed = false;
        }

        /// <summary>Reads where each planned node is, once per insertion.</summary>
        public void Place()
        {
            if (_placed) return;
            _placed = true;
            Array.Fill(RouteOf, -1);
            for (var v = 0; v < Routes.Count; v++)
                for (var i = 0; i < Routes[v].Count; i++)
                    (RouteOf[Routes[v][i].Node.Id], IndexOf[Routes[v][i].Node.Id]) = (v, i);
        }
    }

    [ThreadStatic] private static Partners? _partners;

    private static Partners PartnersOf(RoutingContext c, List<List<Stop>> routes)
    {
        var p = _partners ??= new Partners();
        if (!ReferenceEquals(p.Context, c))
        {
            p.Context = c;
            p.TeamOf = new int[c.Nodes.All.Count];
            for (var t = 0; t < c.Nodes.Teams.Count; t++)
                foreach (var n in c.Nodes.Teams[t]) p.TeamOf[n.Id] = t;
            p.RouteOf = new int[c.Nodes.All.Count];
            p.IndexOf = new int[c.Nodes.All.Count];
        }
        p.Reset(routes);
        return p;
    }

    /// <summary>
    /// How far the other members of a kept team visit on route <paramref name="v"/> let it move without moving anything
    /// else on their routes (travel from the stop before, to the stop after, and the latest return); null when it may
    /// not move (pinned, a member not found, or no partners given).
    /// </summary>
    private static (int From, int To)? PartnerRoom(RoutingContext c, Partners? p, int v, Stop stop)
    {
        if (p is null || stop.Node.Visit!.Pin is not null) return null;
        p.Place();
        int from = int.MinValue, to = int.MaxValue;
        foreach (var member in c.Nodes.Teams[p.TeamOf[stop.Node.Id]])
        {
            if (member.Id == stop.Node.Id) continue;
            var w = p.RouteOf[member.Id];
            if (w < 0 || w == v) return null;
            var route = p.Routes[w];
            var j = p.IndexOf[member.Id];
            var s = c.Shifts[w];
            from = Math.Max(from, j > 0 ? route[j - 1].End + c.Matrix.Seconds(route[j - 1].Node.Place, member.Place)
                : s.Start + c.Matrix.Seconds(s.StartPlace, member.Place));
            to = Math.Min(to, (j < route.Count - 1 ? route[j + 1].Start - c.Matrix.Seconds(member.Place, route[j + 1].Node.Place)
                : s.LatestReturn - c.Matrix.Seconds(member.Place, s.EndPlace)) - member.ServiceSeconds);
        }
        return (from, to);
    }

    /// <summary>
    /// Moves the other members of a kept team visit to <paramref name="start"/> (each on its own route, nothing else
    /// moving there), recording the moves; false when one cannot: no room between its neighbours, its route would break
    /// a rule (lunch, working time), or another member already moved on that route in this insertion.
    /// </summary>
    private static bool MovePartners(RoutingContext c, Partners? p, int v, Stop stop, int start)
    {
        if (PartnerRoom(c, p, v, stop) is not { } room || start < room.From || start > room.To) return false;
        foreach (var member in c.Nodes.Teams[p!.TeamOf[stop.Node.Id]])
        {
            if (member.Id == stop.Node.Id) continue;
            var w = p.RouteOf[member.Id];
            foreach (var m in p.Moves)
                if (m.Route == w) return false;
            var route = p.Routes[w];
            var j = p.IndexOf[member.Id];
            if (_partnerBuffer is null || _partnerBuffer.Length < route.Count) _partnerBuffer = new Timed[Math.Max(64, 2 * route.Count)];
            for (var i = 0; i < route.Count; i++)
            {
                var t = i == j ? start : route[i].Start;
                _partnerBuffer[i] = new Timed(route[i].Node.Place, t, t + route[i].Node.ServiceSeconds, route[i].Node.Visit!.Load);
            }
            if (!FeasibleTimed(c, w, _partnerBuffer.AsSpan(0, route.Count))) return false;
            p.Moves.Add((w, j, start));
        }
        return true;
    }

    [ThreadStatic] private static Timed[]? _partnerBuffer;

    /// <summary>
    /// How far each stop of a route could move (Savelsbergh's slack, on travel and windows only): the earliest start
    /// with every stop before it pulled as early as it can go, and the latest with every stop after it pushed as late
    /// as it can go and still be back by the latest return. Stops that may not move keep their start. The shift, the
    /// working time and the lunch break are checked on the route as it would be (<see cref="ShiftedDelta"/>).
    /// </summary>
    private static (int[] Earliest, int[] Latest) Slack(RoutingContext c, int v, List<Stop> route, Partners? partners)
    {
        var s = c.Shifts[v];
        // Buffers of this thread (searches side by side run on their own threads), read before the next call.
        if (_earliest is null || _earliest.Length < route.Count) (_earliest, _latest) = (new int[Math.Max(64, 2 * route.Count)], new int[Math.Max(64, 2 * route.Count)]);
        var earliest = _earliest;
        var latest = _latest!;
        int place = s.StartPlace, free = s.Start;
        for (var i = 0; i < route.Count; i++)
        {
            var stop = route[i];
            var arrive = free + c.Matrix.Seconds(place, stop.Node.Place);
            var room = Movable(stop) ? (From: int.MinValue, To: int.MaxValue) : PartnerRoom(c, partners, v, stop);
            earliest[i] = room is { } r ? Math.Min(stop.Start, NextIn(c.WindowsOf(stop.Node), Math.Max(arrive, r.From)) ?? stop.Start) : stop.Start;
            free = earliest[i] + stop.Node.ServiceSeconds;
            place = stop.Node.Place;
        }
        int nextPlace = s.EndPlace, nextStart = s.LatestReturn;
        for (var i = route.Count - 1; i >= 0; i--)
        {
            var stop = route[i];
            var bound = nextStart - c.Matrix.Seconds(stop.Node.Place, nextPlace) - stop.Node.ServiceSeconds;
            var room = Movable(stop) ? (From: int.MinValue, To: int.MaxValue) : PartnerRoom(c, partners, v, stop);
            latest[i] = room is { } r ? Math.Max(stop.Start, PrevIn(c.WindowsOf(stop.Node), Math.Min(bound, r.To)) ?? stop.Start) : stop.Start;
            nextStart = latest[i];
            nextPlace = stop.Node.Place;
        }
        return (earliest, latest);
    }

    /// <summary>
    /// The route with <paramref name="node"/> starting at <paramref name="start"/> at position <paramref name="at"/>,
    /// the stops after it pushed later and those before it pulled earlier just as far as travel needs, each within its
    /// windows (<see cref="Shift"/>; the moves of other members of kept teams are left in <paramref name="partners"/>);
    /// null when a stop that may not move would have to, a window runs out, or a route breaks a rule.
    /// </summary>
    private static List<Stop>? ShiftedRoute(RoutingContext c, int v, List<Stop> route, RoutingNode node, int at, int start,
        Partners? partners)
    {
        var buffer = Shift(c, v, route, node, at, start, partners);
        if (buffer is null) return null;
        var shifted = new List<Stop>(route.Count + 1);
        for (var i = 0; i <= route.Count; i++)
        {
            if (i == at) { shifted.Add(new Stop(node, start)); continue; }
            var stop = route[i < at ? i : i - 1];
            shifted.Add(stop.Start == buffer[i].Start ? stop : new Stop(stop.Node, buffer[i].Start));
        }
        return shifted;
    }

    /// <summary>
    /// What <see cref="ShiftedRoute"/> (with the moves of other members) adds to the objective (travel, overtime, staff use; the overtime of other members'
    /// routes a moved team visit changes), or null where it gives no plan.
    /// </summary>
    private static long? ShiftedDelta(RoutingContext c, int v, List<Stop> route, RoutingNode node, int at, int start, Partners? partners)
    {
        var buffer = Shift(c, v, route, node, at, start, partners);
        if (buffer is null) return null;
        var s = c.Shifts[v];
        var prev = at > 0 ? route[at - 1].Node.Place : s.StartPlace;
        var next = at < route.Count ? route[at].Node.Place : s.EndPlace;
        var cost = Detour(c, prev, node.Place, next);
        if (route.Count == 0) cost += StaffUsePenalty.Cost(1, c.Request.Staff[v], c.Weights);
        var newLast = buffer[route.Count];
        var newBack = newLast.End + c.Matrix.Seconds(newLast.Place, s.EndPlace);
        var oldBack = route.Count == 0 ? 0 : route[^1].End + c.Matrix.Seconds(route[^1].Node.Place, s.EndPlace);
        cost += Overtime(c, v, newBack) - (route.Count == 0 ? 0 : Overtime(c, v, oldBack));
        if (partners is not null)
            foreach (var (w, j, t) in partners.Moves)
            {
                var other = partners.Routes[w];
                if (j != other.Count - 1) continue;
                var back = c.Matrix.Seconds(other[j].Node.Place, c.Shifts[w].EndPlace) + other[j].Node.ServiceSeconds;
                cost += Overtime(c, w, t + back) - Overtime(c, w, other[j].Start + back);
            }
        return cost;
    }

    private static long Overtime(RoutingContext c, int v, int back) => c.Weights.OvertimePerSecond * Math.Max(0, back - c.Shifts[v].End);

    [ThreadStatic] private static Timed[]? _buffer;
    [ThreadStatic] private static int[]? _earliest, _latest;

    private record struct Timed(int Place, int Start, int End, int Load);

    /// <summary>
    /// The stops' times with the node inserted at <paramref name="at"/>, starting at <paramref name="start"/>, the
    /// stops after it pushed later and those before it pulled earlier just as far as travel needs, each within its
    /// windows (in a buffer of this thread); a kept team visit moves only with <paramref name="partners"/>, its other
    /// members moving with it on their routes (<see cref="MovePartners"/>, recorded in its moves). Null when a stop that
    /// may not move would have to, a window runs out, or a route breaks a rule.
    /// </summary>
    private static Timed[]? Shift(RoutingContext c, int v, List<Stop> route, RoutingNode node, int at, int start, Partners? partners)
    {
        partners?.Moves.Clear();
        var count = route.Count + 1;
        if (_buffer is null || _buffer.Length < count) _buffer = new Timed[Math.Max(count, 2 * (_buffer?.Length ?? 16))];
        var buffer = _buffer;
        buffer[at] = new Timed(node.Place, start, start + node.ServiceSeconds, node.Visit!.Load);
        // After: pushed later as far as travel needs; once a stop need not move, none after it does.
        int free = start + node.ServiceSeconds, place = node.Place;
        var moving = true;
        for (var i = at; i < route.Count; i++)
        {
            var stop = route[i];
            var t = stop.Start;
            if (moving)
            {
                var arrive = free + c.Matrix.Seconds(place, stop.Node.Place);
                if (arrive > t)
                {
                    if (NextIn(c.WindowsOf(stop.Node), arrive) is not { } later) return null;
                    if (!Movable(stop) && !MovePartners(c, partners, v, stop, later)) return null;
                    t = later;
                }
                else moving = false;
            }
            buffer[i + 1] = new Timed(stop.Node.Place, t, t + stop.Node.ServiceSeconds, stop.Node.Visit!.Load);
            free = t + stop.Node.ServiceSeconds;
            place = stop.Node.Place;
        }
        // Before: pulled earlier as far as travel needs.
        int busy = start;
        place = node.Place;
        moving = true;
        for (var i = at - 1; i >= 0; i--)
        {
            var stop = route[i];
            var t = stop.Start;
            if (moving)
            {
                var leave = busy - c.Matrix.Seconds(stop.Node.Place, place) - stop.Node.ServiceSeconds;
                if (leave < t)
                {
                    if (PrevIn(c.WindowsOf(stop.Node), leave) is not { } earlier) return null;
                    if (!Movable(stop) && !MovePartners(c, partners, v, stop, earlier)) return null;
                    t = earlier;
                }
                else moving = false;
            }
            buffer[i] = new Timed(stop.Node.Place, t, t + stop.Node.ServiceSeconds, stop.Node.Visit!.Load);
            busy = t;
            place = stop.Node.Place;
        }
        return FeasibleTimed(c, v, buffer.AsSpan(0, count)) ? buffer : null;
    }

    /// <summary>
    /// The hard rules of a route, on stops given by their times (every feasibility check of this class comes here):
    /// leaving after the shift start, back by the latest return, the working time, the capacity, travel between stops,
    /// and room for the lunch break in a gap (before leaving, between stops with room for the trip, or after coming
    /// back: where <see cref="PlanReader.PlaceBreak"/> puts it).
    /// </summary>
    private static bool FeasibleTimed(RoutingContext c, int v, ReadOnlySpan<Timed> stops)
    {
        var count = stops.Length;
        if (count == 0) return true;
        var shift = c.Shifts[v];
        var matrix = c.Matrix;
        var departure = stops[0].Start - matrix.Seconds(shift.StartPlace, stops[0].Place);
        if (departure < shift.Start) return false;
        var back = stops[^1].End + matrix.Seconds(stops[^1].Place, shift.EndPlace);
        if (back > shift.LatestReturn) return false;
        if (back - departure > shift.MaxWorking) return false;
        if (shift.Capacity < int.MaxValue)
        {
            var load = 0;
            foreach (var s in stops) load += s.Load;
            if (load > shift.Capacity) return false;
        }
        var breakFits = !shift.HasLunch || shift.BreakFits(shift.Start, departure, 0) || shift.BreakFits(back, shift.LatestReturn, 0);
        int place = shift.StartPlace, free = departure;
        foreach (var s in stops)
        {
            var travel = matrix.Seconds(place, s.Place);
            if (free + travel > s.Start) return false;
            breakFits = breakFits || shift.BreakFits(free, s.Start, travel);
            free = s.End;
            place = s.Place;
        }
        return breakFits || shift.BreakFits(free, back, matrix.Seconds(place, shift.EndPlace));
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

    /// <summary>
    /// What inserting the node at <paramref name="start"/> adds to the objective, or null when the route would break a
    /// rule; <paramref name="at"/> is its place in the route (where <see cref="InsertPosition"/> puts it).
    /// </summary>
    private static long? DeltaAt(RoutingContext c, int v, List<Stop> route, RoutingNode node, int start, int at)
    {
        var shift = c.Shifts[v];
        int startPlace = shift.StartPlace, endPlace = shift.EndPlace;
        var prev = at > 0 ? route[at - 1].Node.Place : startPlace;
        var next = at < route.Count ? route[at].Node.Place : endPlace;
        // Quick rejections before the full check.
        if (at > 0 && route[at - 1].End + c.Matrix.Seconds(prev, node.Place) > start) return null;
        if (at < route.Count && start + node.ServiceSeconds + c.Matrix.Seconds(node.Place, next) > route[at].Start) return null;
        if (!Feasible(c, v, route, at, node, start)) return null;
        var cost = Detour(c, prev, node.Place, next);
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
        Span<Timed> stops = count <= 64 ? stackalloc Timed[count] : new Timed[count];
        for (var i = 0; i < count; i++)
        {
            if (i == at) { stops[i] = new Timed(node!.Place, start, start + node.ServiceSeconds, node.Visit!.Load); continue; }
            var s = route[at >= 0 && i > at ? i - 1 : i];
            stops[i] = new Timed(s.Node.Place, s.Start, s.End, s.Node.Visit!.Load);
        }
        return FeasibleTimed(c, v, stops);
    }
}
