using System.Diagnostics;
using NodaTime;
using Scheduler.Optimization.Routing.Penalties;
using Stop = Scheduler.Optimization.Routing.InsertionBuilder.Stop;

namespace Scheduler.Optimization.Routing;

/// <summary>
/// The planner's own improvement search for days it starts from its insertion (team visits, lunch breaks): remove a
/// handful of related visits (strings of stops from the routes near one place and time, ADR 0033; or, as before,
/// those near a random one, or a stretch of one route), put them back together with some
/// of the visits left out by <see cref="InsertionBuilder"/>'s cheapest insertion (whole teams at one start, every
/// route checked after each insertion; the visits kept may move within their windows to make room), and accept the result by simulated annealing. Every plan it holds keeps the
/// hard rules by construction, so it needs no completion search and never stops early: it runs until its time limit,
/// its iteration budget, or cancellation. Its randomness comes only from its seed.
/// </summary>
internal sealed class RuinAndRecreate(RoutingContext c, int seed, int cycleIterations = RuinAndRecreate.CycleIterations,
    bool shiftKept = true, bool focusLeftOut = false, double leftOutRuinShare = RuinAndRecreate.DefaultLeftOutRuinShare,
    double? hotTemperature = null, int retriedLeftOut = RuinAndRecreate.RetriedLeftOut, bool relatedStrings = true)
{
    /// <summary>Share of the ruins centred on a random visit left out, by default.</summary>
    public const double DefaultLeftOutRuinShare = 0.3;

    /// <summary>Visits removed by one ruin: between these, drawn uniformly.</summary>
    public const int MinRemoved = 3, MaxRemoved = 15;

    /// <summary>Visits left out that each rebuild also tries to put back (beyond those the ruin removed).</summary>
    public const int RetriedLeftOut = 6;

    /// <summary>
    /// Annealing temperature in objective units (one unit is one second of travel by default): it starts each cycle hot
    /// (<see cref="HotShareOfVisit"/> of the cost of leaving out a routine visit, unless given; <see
    /// cref="ServedAllTemperature"/> when the plan serves every visit) and cools to
    /// <see cref="ColdTemperature"/> over <see cref="CycleIterations"/> iterations, then starts again from the best plan.
    /// Fixed numbers of iterations, not fractions of the time limit, so a longer limit runs the same search further and a
    /// plan at 20 s of a 60 s run is the plan of a 20 s run. Hot enough that early in a cycle a rebuild that leaves out one
    /// more routine visit is still accepted now and then (e^-2, about one in seven): the cycle wanders from the best plan
    /// before it settles again (ADR 0032).
    /// </summary>
    public const double HotShareOfVisit = 0.5, ColdTemperature = 5;

    /// <summary>
    /// The start temperature of a cycle whose plan serves every visit (five minutes of travel): with nothing left out
    /// there is no room to find, and the cycles only shorten routes, which a hot start would undo.
    /// </summary>
    public const double ServedAllTemperature = 300;

    private readonly double _hot = hotTemperature ?? HotShareOfVisit * c.Weights.DropRoutine;

    /// <summary>The start temperature of a cycle from <paramref name="routes"/> (ADR 0032).</summary>
    internal double StartTemperature(List<List<Stop>> routes, int[] movable)
    {
        if (hotTemperature is not null) return _hot;
        var served = new bool[c.Nodes.Teams.Count];
        foreach (var r in routes)
            foreach (var s in r) served[TeamOf(s.Node)] = true;
        foreach (var t in movable)
            if (!served[t]) return _hot;
        return ServedAllTemperature;
    }

    public const int CycleIterations = 1500;

    private readonly Random _random = new(seed);

    public sealed record Outcome(List<List<Stop>> Routes, long Cost, long Iterations, SearchEnd Ended, List<SolutionPoint> Solutions);

    /// <summary>
    /// Improves <paramref name="start"/> until the deadline, the iteration limit or cancellation. Solution times are
    /// measured on <paramref name="clock"/>.
    /// </summary>
    public Outcome Run(IReadOnlyList<IReadOnlyList<Stop>> start, Stopwatch clock, Duration deadline, long? iterationLimit,
        CancellationToken cancellationToken, Exchange? exchange = null, int member = 0)
    {
        try
        {
            return Search(start, clock, deadline, iterationLimit, cancellationToken, exchange, member);
        }
        finally
        {
            exchange?.Leave();
        }
    }

    private Outcome Search(IReadOnlyList<IReadOnlyList<Stop>> start, Stopwatch clock, Duration deadline, long? iterationLimit,
        CancellationToken cancellationToken, Exchange? exchange, int member)
    {
        var teams = c.Nodes.Teams;
        var movable = Enumerable.Range(0, teams.Count).Where(t => teams[t][0].Visit!.Pin is null).ToArray();
        var current = start.Select(r => r.ToList()).ToList();
        var currentCost = Cost(current);
        var best = Copy(current);
        var bestCost = currentCost;
        var solutions = new List<SolutionPoint>();
        long iteration = 0;
        var ended = SearchEnd.TimeLimit;
        if (movable.Length == 0) return new Outcome(best, bestCost, 0, SearchEnd.NothingToImprove, solutions);
        var hot = StartTemperature(current, movable);

        while (true)
        {
            if (cancellationToken.IsCancellationRequested) { ended = SearchEnd.Cancelled; break; }
            if (iterationLimit is { } limit && iteration >= limit) { ended = SearchEnd.IterationLimit; break; }
            if (Duration.FromTimeSpan(clock.Elapsed) >= deadline) { ended = SearchEnd.TimeLimit; break; }
            var cycle = iteration % cycleIterations;
            if (cycle == 0 && iteration > 0)
            {
                // Each cycle starts again from the best plan: the best of all searches side by side, when they share.
                if (exchange is not null)
                {
                    if (!exchange.Meet(member, iteration / cycleIterations, best, bestCost, cancellationToken, out var shared, out var sharedCost))
                    {
                        ended = SearchEnd.Cancelled;
                        break;
                    }
                    if (sharedCost < bestCost) (best, bestCost) = (Copy(shared), sharedCost);
                }
                current = Copy(best);
                currentCost = bestCost;
                hot = StartTemperature(current, movable);
            }
            var temperature = hot * Math.Pow(ColdTemperature / hot, (double)cycle / cycleIterations);
            iteration++;

            var candidate = Copy(current);
            Recreate(candidate, Ruin(candidate, movable), movable);
            var cost = Cost(candidate);
            if (cost < currentCost || _random.NextDouble() < Math.Exp((currentCost - cost) / temperature))
            {
                current = candidate;
                currentCost = cost;
                if (cost < bestCost)
                {
                    best = Copy(candidate);
                    bestCost = cost;
                    solutions.Add(new SolutionPoint(Duration.FromTimeSpan(clock.Elapsed), cost, iteration));
                }
            }
        }
        return new Outcome(best, bestCost, iteration, ended, solutions);
    }

    /// <summary>
    /// Where searches side by side meet at the end of every annealing cycle and each takes the best plan of them all
    /// (the lowest cost; its own on a tie). They meet after the same numbers of iterations, so searches with
    /// an iteration budget stay reproducible; a search that ends leaves, and the others go on without it.
    /// </summary>
    public sealed class Exchange(int members) : IDisposable
    {
        private readonly Barrier _barrier = new(members);
        // Two rounds of slots: a search cannot post round r + 2 before every other search has read round r.
        private readonly (List<List<Stop>>? Routes, long Cost, long Round)[,] _slots = new (List<List<Stop>>?, long, long)[2, members];
        private readonly Lock _lock = new();

        /// <summary>Posts a search's best plan and waits for the others'; false when cancelled while waiting.</summary>
        public bool Meet(int member, long round, List<List<Stop>> best, long cost, CancellationToken cancellationToken,
            out List<List<Stop>> shared, out long sharedCost)
        {
            _slots[round % 2, member] = (best, cost, round);
            (shared, sharedCost) = (best, cost);
            try
            {
                _barrier.SignalAndWait(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            for (var i = 0; i < _slots.GetLength(1); i++)
            {
                var (routes, c, r) = _slots[round % 2, i];
                if (routes is not null && r == round && c < sharedCost) (shared, sharedCost) = (routes, c);
            }
            return true;
        }

        /// <summary>A search that ends stops being waited for.</summary>
        public void Leave()
        {
            lock (_lock)
            {
                if (_barrier.ParticipantCount > 0) _barrier.RemoveParticipant();
            }
        }

        public void Dispose() => _barrier.Dispose();
    }

    /// <summary>The objective of routes: their travel, overtime and staff use, and the visits left out.</summary>
    public long Cost(List<List<Stop>> routes)
    {
        long cost = 0;
        var served = new bool[c.Nodes.Teams.Count];
        for (var v = 0; v < routes.Count; v++)
        {
            cost += InsertionBuilder.RouteCost(c, v, routes[v]);
            foreach (var s in routes[v]) served[TeamOf(s.Node)] = true;
        }
        for (var t = 0; t < served.Length; t++)
            if (!served[t]) cost += DropPenalty.Cost(c.Nodes.Teams[t][0].Visit!, c.Weights);
        return cost;
    }

    private static List<List<Stop>> Copy(List<List<Stop>> routes) => routes.Select(r => r.ToList()).ToList();

    private int[]? _teamOf;

    private int TeamOf(RoutingNode node)
    {
        if (_teamOf is null)
        {
            _teamOf = new int[c.Nodes.All.Count];
            for (var t = 0; t < c.Nodes.Teams.Count; t++)
                foreach (var n in c.Nodes.Teams[t]) _teamOf[n.Id] = t;
        }
        return _teamOf[node.Id];
    }

    private int[]?[]? _byDistance;

    /// <summary>Every team, nearest a place first (by travel from it, then by number): worked out once per place and search.</summary>
    private int[] ByDistanceFrom(int place)
    {
        _byDistance ??= new int[]?[c.Matrix.Size];
        return _byDistance[place] ??= Enumerable.Range(0, c.Nodes.Teams.Count)
            .OrderBy(t => c.Matrix.Seconds(place, c.Nodes.Teams[t][0].Place)).ThenBy(t => t).ToArray();
    }

    /// <summary>
    /// Removes related served visits (all of a team's stops) and returns them, with the place the ruin centred on: with
    /// <c>relatedStrings</c> (the default), strings from the routes near a place and time (<see cref="RelatedStrings"/>); else the
    /// visits nearest a random served one, or nearest a random visit left out (to make room for it), or a stretch of
    /// one route and the visits nearest it.
    /// </summary>
    private (List<int> Removed, int Centre, int Target) Ruin(List<List<Stop>> routes, int[] movable)
    {
        if (relatedStrings) return RelatedStrings(routes, movable);
        var served = new HashSet<int>();
        foreach (var r in routes)
            foreach (var s in r)
                if (s.Node.Visit!.Pin is null) served.Add(TeamOf(s.Node));
        if (served.Count == 0) return ([], c.Nodes.Teams[movable[0]][0].Place, -1);
        var count = Math.Min(served.Count, _random.Next(MinRemoved, MaxRemoved + 1));
        var list = served.Order().ToList();
        // The n served teams nearest a place (by travel from it, then by number), besides those already chosen.
        List<int> Nearest(int place, int n, List<int>? besides = null)
        {
            var nearest = new List<int>(n);
            foreach (var t in ByDistanceFrom(place))
            {
                if (nearest.Count >= n) break;
                if (served.Contains(t) && (besides is null || !besides.Contains(t))) nearest.Add(t);
            }
            return nearest;
        }
        var draw = _random.NextDouble();
        List<int> chosen;
        int centre, target = -1;
        var leftOut = movable.Where(t => !served.Contains(t)).ToList();
        if (draw < leftOutRuinShare && leftOut.Count > 0)
        {
            target = leftOut[_random.Next(leftOut.Count)];
            centre = c.Nodes.Teams[target][0].Place;
            chosen = Nearest(centre, count);
        }
        else if (draw < leftOutRuinShare + (1 - leftOutRuinShare) / 2)
        {
            centre = c.Nodes.Teams[list[_random.Next(list.Count)]][0].Place;
            chosen = Nearest(centre, count);
        }
        else
        {
            var nonEmpty = Enumerable.Range(0, routes.Count).Where(v => routes[v].Any(s => s.Node.Visit!.Pin is null)).ToList();
            var route = routes[nonEmpty[_random.Next(nonEmpty.Count)]];
            var length = Math.Min(route.Count, Math.Max(1, count / 2));
            var at = _random.Next(route.Count - length + 1);
            chosen = route.Skip(at).Take(length).Where(s => s.Node.Visit!.Pin is null).Select(s => TeamOf(s.Node)).Distinct().ToList();
            // The string drawn may hold pinned visits only: start from the route's first visit that may move.
            if (chosen.Count == 0) chosen = [TeamOf(route.First(s => s.Node.Visit!.Pin is null).Node)];
            centre = c.Nodes.Teams[chosen[0]][0].Place;
            chosen.AddRange(Nearest(centre, count - chosen.Count, chosen));
        }
        var removed = chosen.ToHashSet();
        foreach (var r in routes) r.RemoveAll(s => removed.Contains(TeamOf(s.Node)));
        return (chosen, centre, target);
    }

    /// <summary>Longest string of stops one route loses in a ruin of related strings.</summary>
    public const int MaxString = 8;

    /// <summary>
    /// Removes strings of stops from several routes near one place and time (after Christiaens and Vanden Berghe's
    /// string removals, with Shaw's relatedness): the centre is a random visit left out (its start windows) or a random
    /// served stop (its start). Served stops are ranked by travel from the centre plus how far their starts lie from its
    /// time; down that ranking, each route not yet ruined loses a string of up to <see cref="MaxString"/> stops around
    /// the stop ranked, until enough visits are removed. So the ruin frees the same stretch of the day in neighbouring
    /// routes: room for a visit left out there, and for a team that needs two staff free at once.
    /// </summary>
    internal (List<int> Removed, int Centre, int Target) RelatedStrings(List<List<Stop>> routes, int[] movable, int? removing = null)
    {
        var served = new bool[c.Nodes.Teams.Count];
        var stops = new List<(int Route, int At)>();
        for (var v = 0; v < routes.Count; v++)
            for (var i = 0; i < routes[v].Count; i++)
            {
                served[TeamOf(routes[v][i].Node)] = true;
                if (routes[v][i].Node.Visit!.Pin is null) stops.Add((v, i));
            }
        if (stops.Count == 0) return ([], c.Nodes.Teams[movable[0]][0].Place, -1);
        var count = removing ?? _random.Next(MinRemoved, MaxRemoved + 1);
        var leftOut = movable.Where(t => !served[t]).ToList();
        int centre, target = -1;
        IReadOnlyList<(int From, int To)> when;
        if (_random.NextDouble() < leftOutRuinShare && leftOut.Count > 0)
        {
            target = leftOut[_random.Next(leftOut.Count)];
            centre = c.Nodes.Teams[target][0].Place;
            when = VisitFeasibility.StartWindows(c.Nodes.Teams[target][0].Visit!);
        }
        else
        {
            var (v, i) = stops[_random.Next(stops.Count)];
            centre = routes[v][i].Node.Place;
            when = [(routes[v][i].Start, routes[v][i].Start)];
        }
        int Apart(int start)
        {
            var apart = int.MaxValue;
            foreach (var (from, to) in when)
                apart = Math.Min(apart, start < from ? from - start : start > to ? start - to : 0);
            return apart;
        }
        // Ranked by relatedness, then in route order (stops is in route order): one sort of keys that hold both.
        var ranked = new long[stops.Count];
        for (var k = 0; k < stops.Count; k++)
        {
            var stop = routes[stops[k].Route][stops[k].At];
            ranked[k] = ((long)c.Matrix.Seconds(centre, stop.Node.Place) + Apart(stop.Start)) * stops.Count + k;
        }
        Array.Sort(ranked);
        var chosen = new List<int>();
        var ruined = new bool[routes.Count];
        foreach (var key in ranked)
        {
            var (v, at) = stops[(int)(key % stops.Count)];
            if (chosen.Count >= count) break;
            if (ruined[v]) continue;
            ruined[v] = true;
            var route = routes[v];
            var length = _random.Next(1, Math.Min(Math.Min(MaxString, route.Count), count - chosen.Count) + 1);
            var from = _random.Next(Math.Max(0, at - length + 1), Math.Min(at, route.Count - length) + 1);
            for (var i = from; i < from + length; i++)
            {
                if (route[i].Node.Visit!.Pin is not null) continue;
                var team = TeamOf(route[i].Node);
                if (!chosen.Contains(team)) chosen.Add(team);
            }
        }
        var removed = chosen.ToHashSet();
        foreach (var r in routes) r.RemoveAll(s => removed.Contains(TeamOf(s.Node)));
        return (chosen, centre, target);
    }

    /// <summary>
    /// Puts back the removed visits and some of those left out (every urgent one first, then those nearest the ruin,
    /// then a random one or two), most valuable first with a little noise so that rebuilds differ. After a ruin centred on
    /// a visit left out, that visit is tried first (after urgent ones) when focused, so the room made goes to it.
    /// </summary>
    internal void Recreate(List<List<Stop>> routes, (List<int> Removed, int Centre, int Target) ruin, int[] movable)
    {
        var served = new HashSet<int>();
        foreach (var r in routes)
            foreach (var s in r) served.Add(TeamOf(s.Node));
        var removedSet = ruin.Removed.ToHashSet();
        var leftOut = movable.Where(t => !served.Contains(t) && !removedSet.Contains(t)).ToList();
        var retry = leftOut.OrderByDescending(t => (int)c.Nodes.Teams[t][0].Visit!.Urgency)
            .ThenBy(t => c.Matrix.Seconds(ruin.Centre, c.Nodes.Teams[t][0].Place)).ThenBy(t => t)
            .Take(retriedLeftOut - 2).ToList();
        for (var i = 0; i < 2 && leftOut.Count > 0; i++) retry.Add(leftOut[_random.Next(leftOut.Count)]);
        var teams = ruin.Removed.Concat(retry.Distinct()).Select(t => (Team: t, Noise: 0.8 + 0.4 * _random.NextDouble())).ToList();
        // Most valuable first (as the insertion builds), or, one rebuild in three, in the order of the windows (packs a day).
        var byWindow = _random.NextDouble() < 1.0 / 3;
        var ordered = teams
            .OrderByDescending(x => (int)c.Nodes.Teams[x.Team][0].Visit!.Urgency)
            .ThenByDescending(x => focusLeftOut && x.Team == ruin.Target)
            .ThenBy(x => byWindow ? x.Noise * VisitFeasibility.StartWindows(c.Nodes.Teams[x.Team][0].Visit!)[0].From : 0)
            .ThenByDescending(x => x.Noise * DropPenalty.Cost(c.Nodes.Teams[x.Team][0].Visit!, c.Weights) /
                                   (c.Nodes.Teams[x.Team].Count * (c.Nodes.Teams[x.Team][0].ServiceSeconds + InsertionBuilder.PerVisitOverhead)))
            .ThenBy(x => x.Team);
        foreach (var (team, _) in ordered) InsertionBuilder.TryInsert(c, routes, c.Nodes.Teams[team], justInTime: true, shift: shiftKept);
    }
}
