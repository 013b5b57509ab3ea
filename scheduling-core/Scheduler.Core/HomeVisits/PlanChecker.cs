using NodaTime;

namespace Scheduler.Core.HomeVisits;

/// <summary>The hard rules a plan must keep; each violation names one.</summary>
public enum PlanRule
{
    /// <summary>A route or a dropped entry names a visit or staff member the request does not have, or a staff member has two routes.</summary>
    UnknownReference,
    /// <summary>Every visit is either served (by its whole team) or dropped, never both, never neither.</summary>
    EveryVisitAccounted,
    /// <summary>The visit starts inside one of its windows.</summary>
    TimeWindow,
    /// <summary>A visit lasts exactly its service time.</summary>
    ServiceDuration,
    /// <summary>The staff member (alone) or the team (together) holds every required skill.</summary>
    Skills,
    /// <summary>A team visit has exactly its team size of different staff, and all of them start together.</summary>
    TeamTogether,
    /// <summary>Leaving no earlier than the shift start, back no later than shift end plus the allowed overtime.</summary>
    Shift,
    /// <summary>The lunch break lies in its window, is long enough, and overlaps no visit or travel.</summary>
    Break,
    /// <summary>From leaving to coming back takes no longer than the maximum working time.</summary>
    MaxWorkingTime,
    /// <summary>Each arrival leaves room for the travel from the previous place; nobody starts before arriving.</summary>
    Travel,
    /// <summary>A pinned visit keeps its staff and its start time.</summary>
    Pin,
    /// <summary>A visit across water starts after the crossing opens and ends before it closes.</summary>
    Crossing,
    /// <summary>The loads of a route fit the staff member's capacity.</summary>
    Capacity,
}

/// <summary>One broken rule, with where it is broken.</summary>
public sealed record PlanViolation(PlanRule Rule, string? StaffId, string? VisitId, string Message)
{
    public override string ToString() => $"{Rule} [{StaffId ?? "-"}/{VisitId ?? "-"}]: {Message}";
}

/// <summary>
/// Checks a plan against the request's hard rules, with its own plain arithmetic on the travel matrix and none of
/// the planner's code: the last gate before a plan is published. A plan with any violation must not be published.
/// </summary>
public static class PlanChecker
{
    public static IReadOnlyList<PlanViolation> Check(HomeVisitPlanRequest request, TravelMatrix matrix, HomeVisitPlan plan)
    {
        var places = new PlanPlaces(request);
        if (matrix.Size < places.Points.Count)
            throw new ArgumentException($"The travel matrix has {matrix.Size} places; the request has {places.Points.Count}.");
        var found = new List<PlanViolation>();
        void Add(PlanRule rule, string? staff, string? visit, string message) => found.Add(new(rule, staff, visit, message));

        var visits = request.Visits.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var shifts = request.Staff.ToDictionary(s => s.StaffId, StringComparer.Ordinal);
        var servedBy = new Dictionary<string, List<(string Staff, RouteStop Stop)>>(StringComparer.Ordinal);
        var routed = new HashSet<string>(StringComparer.Ordinal);

        foreach (var route in plan.Routes)
        {
            if (!shifts.TryGetValue(route.StaffId, out var shift))
            {
                Add(PlanRule.UnknownReference, route.StaffId, null, "no such staff member on duty");
                continue;
            }
            if (!routed.Add(route.StaffId))
            {
                Add(PlanRule.UnknownReference, route.StaffId, null, "the staff member has two routes");
                continue;
            }
            var known = new List<(RouteStop Stop, VisitToPlan Visit)>();
            foreach (var stop in route.Stops)
            {
                if (!visits.TryGetValue(stop.VisitId, out var visit))
                    Add(PlanRule.UnknownReference, route.StaffId, stop.VisitId, "no such visit in the request");
                else
                {
                    known.Add((stop, visit));
                    if (!servedBy.TryGetValue(stop.VisitId, out var list)) servedBy[stop.VisitId] = list = [];
                    list.Add((route.StaffId, stop));
                }
            }
            CheckRoute(route, shift, known, places, matrix, Add);
        }

        foreach (var (id, members) in servedBy)
            CheckTeam(visits[id], members, shifts, Add);

        var dropped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in plan.Dropped)
        {
            if (!visits.ContainsKey(d.VisitId)) Add(PlanRule.UnknownReference, null, d.VisitId, "dropped visit not in the request");
            else if (!dropped.Add(d.VisitId)) Add(PlanRule.EveryVisitAccounted, null, d.VisitId, "dropped twice");
            if (servedBy.ContainsKey(d.VisitId)) Add(PlanRule.EveryVisitAccounted, null, d.VisitId, "both served and dropped");
        }
        foreach (var v in request.Visits)
        {
            if (!servedBy.ContainsKey(v.Id) && !dropped.Contains(v.Id))
                Add(PlanRule.EveryVisitAccounted, null, v.Id, "neither served nor dropped");
            if (v.Pin is not null && !servedBy.ContainsKey(v.Id))
                Add(PlanRule.Pin, null, v.Id, "a pinned visit is not served");
        }
        return found;
    }

    private static void CheckRoute(StaffRoute route, StaffShift shift, List<(RouteStop Stop, VisitToPlan Visit)> stops,
        PlanPlaces places, TravelMatrix matrix, Action<PlanRule, string?, string?, string> add)
    {
        if (route.Stops.Count == 0) return;
        var staff = route.StaffId;
        int S(LocalTime t) => DayClock.Seconds(t);
        var departure = S(route.Departure);
        var back = S(route.Return);
        if (departure < S(shift.Start))
            add(PlanRule.Shift, staff, null, $"leaves at {route.Departure}, before the shift starts at {shift.Start}");
        var latest = S(shift.End) + DayClock.Seconds(shift.AllowedOvertime);
        if (back > latest)
            add(PlanRule.Shift, staff, null, $"back at {route.Return}, after {shift.End} plus the allowed overtime");
        if (shift.MaxWorkingTime is { } max && back - departure > DayClock.Seconds(max))
            add(PlanRule.MaxWorkingTime, staff, null,
                $"works {Duration.FromSeconds(back - departure)}, more than {max}");
        if (shift.Capacity is { } capacity && stops.Sum(s => s.Visit.Load) > capacity)
            add(PlanRule.Capacity, staff, null, $"loads {stops.Sum(s => s.Visit.Load)} over a capacity of {capacity}");

        // The day as a sequence of (place, busy from, busy to): start place, each visit, end place.
        var gaps = new List<(int From, int To, int Travel)>();
        var at = places.StartOf(shift);
        var free = departure;
        foreach (var (stop, visit) in stops)
        {
            var here = places.IndexOf(visit.Location);
            var travel = matrix.Seconds(at, here);
            int arrival = S(stop.Arrival), start = S(stop.Start), end = S(stop.End);
            if (arrival < free + travel)
                add(PlanRule.Travel, staff, visit.Id,
                    $"arrives at {stop.Arrival}, but the trip takes {travel} s from {DayClock.At(free)}");
            if (start < arrival)
                add(PlanRule.Travel, staff, visit.Id, $"starts at {stop.Start}, before arriving at {stop.Arrival}");
            if (end - start != DayClock.Seconds(visit.Service))
                add(PlanRule.ServiceDuration, staff, visit.Id,
                    $"lasts {Duration.FromSeconds(end - start)} instead of {visit.Service}");
            var agreed = visit.Pin is { } pin && pin.Start == stop.Start; // a confirmed time is the resident's window
            if (!agreed && !visit.Windows.Any(w => w.Contains(stop.Start)))
                add(PlanRule.TimeWindow, staff, visit.Id,
                    $"starts at {stop.Start}, outside {string.Join(", ", visit.Windows)}");
            if (visit.Crossing is { } c && (stop.Start < c.Opens || end > S(c.Closes)))
                add(PlanRule.Crossing, staff, visit.Id,
                    $"{stop.Start}-{stop.End} is outside the crossing times {c.Opens}-{c.Closes}");
            gaps.Add((free, start, travel));
            free = end;
            at = here;
        }
        var home = matrix.Seconds(at, places.EndOf(shift));
        if (back < free + home)
            add(PlanRule.Travel, staff, null, $"back at {route.Return}, but the trip takes {home} s from {DayClock.At(free)}");
        gaps.Add((free, back, home));

        if (shift.Lunch is not { } lunch) return;
        if (route.Break is not { } pause)
        {
            add(PlanRule.Break, staff, null, "no lunch break");
            return;
        }
        int b0 = S(pause.Start), b1 = S(pause.End);
        if (b0 < S(lunch.EarliestStart) || b1 > S(lunch.LatestEnd))
            add(PlanRule.Break, staff, null, $"break {pause.Start}-{pause.End} outside {lunch.EarliestStart}-{lunch.LatestEnd}");
        if (b1 - b0 < DayClock.Seconds(lunch.Length))
            add(PlanRule.Break, staff, null, $"break {pause.Start}-{pause.End} shorter than {lunch.Length}");
        var fits = (b0 >= S(shift.Start) && b1 <= departure) || (b0 >= back && b1 <= latest) ||
                   gaps.Any(g => b0 >= g.From && b1 <= g.To && g.To - g.From - (b1 - b0) >= g.Travel);
        if (!fits)
            add(PlanRule.Break, staff, null, $"break {pause.Start}-{pause.End} overlaps a visit or the travel between them");
    }

    private static void CheckTeam(VisitToPlan visit, List<(string Staff, RouteStop Stop)> members,
        IReadOnlyDictionary<string, StaffShift> shifts, Action<PlanRule, string?, string?, string> add)
    {
        var distinct = members.Select(m => m.Staff).Distinct(StringComparer.Ordinal).Count();
        if (members.Count != visit.TeamSize || distinct != members.Count)
            add(PlanRule.TeamTogether, null, visit.Id,
                $"served by {string.Join(", ", members.Select(m => m.Staff))}; the visit needs {visit.TeamSize} different staff");
        if (members.Select(m => m.Stop.Start).Distinct().Count() > 1)
            add(PlanRule.TeamTogether, null, visit.Id,
                $"the team does not start together: {string.Join(", ", members.Select(m => $"{m.Staff} {m.Stop.Start}"))}");
        var held = members.SelectMany(m => shifts[m.Staff].Skills).ToHashSet(StringComparer.Ordinal);
        var missing = visit.RequiredSkills.Where(s => !held.Contains(s)).ToList();
        if (missing.Count > 0)
            add(PlanRule.Skills, null, visit.Id, $"nobody on the visit holds {string.Join(", ", missing)}");
        if (visit.Pin is { } pin)
        {
            var staff = members.Select(m => m.Staff).Order(StringComparer.Ordinal);
            if (!staff.SequenceEqual(pin.StaffIds.Order(StringComparer.Ordinal), StringComparer.Ordinal))
                add(PlanRule.Pin, null, visit.Id, $"pinned to {string.Join(", ", pin.StaffIds)}, planned with {string.Join(", ", staff)}");
            if (members.Any(m => m.Stop.Start != pin.Start))
                add(PlanRule.Pin, null, visit.Id, $"pinned to start at {pin.Start}");
        }
    }
}
