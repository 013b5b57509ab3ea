using Google.OrTools.ConstraintSolver;
using Scheduler.Core.HomeVisits;

namespace Scheduler.Optimization.Routing;

/// <summary>Turns an OR-Tools assignment back into a domain plan: routes with times, the break, dropped visits.</summary>
internal static class PlanReader
{
    public static HomeVisitPlan Read(RoutingContext c, Assignment solution, IReadOnlyList<DroppedVisit> droppedBefore)
    {
        var timed = new List<(int Departure, int Back, List<(RoutingNode Node, int Start)> Stops)>();
        for (var v = 0; v < c.Request.Staff.Count; v++)
        {
            var stops = new List<(RoutingNode Node, int Start)>();
            var index = c.Model.Start(v);
            var departure = (int)solution.Min(c.Time.CumulVar(index));
            index = solution.Value(c.Model.NextVar(index));
            while (!c.Model.IsEnd(index))
            {
                stops.Add((c.NodeAt(index), (int)solution.Min(c.Time.CumulVar(index))));
                index = solution.Value(c.Model.NextVar(index));
            }
            timed.Add((departure, (int)solution.Min(c.Time.CumulVar(index)), stops));
        }
        return Read(c, timed, droppedBefore);
    }

    /// <summary>A plan from routes built outside the solver (<see cref="InsertionBuilder"/>): each stop keeps its start.</summary>
    public static HomeVisitPlan Read(RoutingContext c, InsertionBuilder.Result built, IReadOnlyList<DroppedVisit> droppedBefore) =>
        Read(c, built.Routes.Select((r, v) => (DayClock.Seconds(c.Request.Staff[v].Start), VisitFeasibility.LatestReturn(c.Request.Staff[v]),
            r.Select(s => (s.Node, s.Start)).ToList())).ToList(), droppedBefore);

    private static HomeVisitPlan Read(RoutingContext c, List<(int Departure, int Back, List<(RoutingNode Node, int Start)> Stops)> timed,
        IReadOnlyList<DroppedVisit> droppedBefore)
    {
        var routes = new List<StaffRoute>();
        var served = new HashSet<string>(StringComparer.Ordinal);
        for (var v = 0; v < c.Request.Staff.Count; v++)
        {
            var shift = c.Request.Staff[v];
            var (departure, back, stops) = timed[v];
            foreach (var (node, _) in stops) served.Add(node.Visit!.Id);
            if (stops.Count == 0)
            {
                routes.Add(new StaffRoute(shift.StaffId, shift.Start, shift.Start, [], null));
                continue;
            }
            // Leave as late and come back as early as the visits allow (the solver's start and end times may
            // leave idle time on the road); keep its times if the break no longer fits that way.
            var first = stops[0];
            var last = stops[^1];
            var latestDeparture = Math.Max(departure, first.Start - c.Matrix.Seconds(c.Nodes.All[c.Nodes.Starts[v]].Place, first.Node.Place));
            var earliestReturn = Math.Min(back, last.Start + last.Node.ServiceSeconds + c.Matrix.Seconds(last.Node.Place, c.Nodes.All[c.Nodes.Ends[v]].Place));
            var tight = Route(c, v, latestDeparture, earliestReturn, stops);
            routes.Add(shift.Lunch is null || tight.Break is not null ? tight : Route(c, v, departure, back, stops));
        }
        var dropped = droppedBefore.ToList();
        foreach (var team in c.Nodes.Teams)
        {
            var visit = team[0].Visit!;
            if (!served.Contains(visit.Id))
                dropped.Add(new DroppedVisit(visit.Id, DropReason.NoRoomInPlan,
                    $"it fits on its own, but not with the {served.Count} visits planned, which are more urgent or cheaper to serve"));
        }
        return HomeVisitPlan.Assemble(c.Request, c.Matrix, routes, dropped);
    }

    private static StaffRoute Route(RoutingContext c, int vehicle, int departure, int back, List<(RoutingNode Node, int Start)> stops)
    {
        var shift = c.Request.Staff[vehicle];
        // Gaps between what the staff member does: (free from, busy again at, travel in between).
        var startPlace = c.Nodes.All[c.Nodes.Starts[vehicle]].Place;
        var gaps = new List<(int From, int To, int Travel)>();
        int at = startPlace, free = departure;
        foreach (var (node, start) in stops)
        {
            gaps.Add((free, start, c.Matrix.Seconds(at, node.Place)));
            free = start + node.ServiceSeconds;
            at = node.Place;
        }
        var endPlace = c.Nodes.All[c.Nodes.Ends[vehicle]].Place;
        gaps.Add((free, back, c.Matrix.Seconds(at, endPlace)));

        var pause = shift.Lunch is { } lunch ? PlaceBreak(shift, lunch, departure, back, gaps) : null;
        var result = new List<RouteStop>();
        for (var i = 0; i < stops.Count; i++)
        {
            var (from, _, travel) = gaps[i];
            var arrival = from + travel;
            // A break taken before the trip is over (on the way) delays the arrival by its length.
            if (pause is { } p && p.Start >= from && p.Start < from + travel && p.End <= gaps[i].To) arrival += p.End - p.Start;
            var (node, start) = stops[i];
            result.Add(new RouteStop(node.Visit!.Id, DayClock.At(arrival), DayClock.At(start), DayClock.At(start + node.ServiceSeconds)));
        }
        return new StaffRoute(shift.StaffId, DayClock.At(departure), DayClock.At(back), result,
            pause is { } b ? new PlannedBreak(DayClock.At(b.Start), DayClock.At(b.End)) : null);
    }

    /// <summary>The earliest place for the break: before leaving, in a gap that also leaves room for the trip, or after coming back.</summary>
    internal static (int Start, int End)? PlaceBreak(StaffShift shift, LunchBreak lunch, int departure, int back,
        List<(int From, int To, int Travel)> gaps)
    {
        int length = DayClock.Seconds(lunch.Length), earliest = DayClock.Seconds(lunch.EarliestStart), latestEnd = DayClock.Seconds(lunch.LatestEnd);
        var candidates = new List<(int From, int To, int Travel)> { (DayClock.Seconds(shift.Start), departure, 0) };
        candidates.AddRange(gaps);
        candidates.Add((back, VisitFeasibility.LatestReturn(shift), 0));
        int? best = null;
        foreach (var (from, to, travel) in candidates)
        {
            if (to - from - length < travel) continue;
            var b = Math.Max(from, earliest);
            if (b + length > Math.Min(to, latestEnd)) continue;
            if (best is null || b < best) best = b;
        }
        return best is { } s ? (s, s + length) : null;
    }
}
