using Google.OrTools.ConstraintSolver;
using Scheduler.Core.HomeVisits;

namespace Scheduler.Optimization.Routing;

/// <summary>The hard rules of a plan as OR-Tools constraints, one named method per rule.</summary>
internal static class HardRules
{
    public static void Apply(RoutingContext c)
    {
        TravelAndServiceTime(c);
        Shifts(c);
        MaxWorkingTime(c);
        Breaks(c);
        Windows(c);
        Skills(c);
        TeamsTogether(c);
        Pins(c);
        Capacity(c);
    }

    /// <summary>
    /// The time dimension: the cumul at a visit's node is when its service starts (seconds since midnight). The
    /// transit of an arc is the service at its tail plus the travel; slack is waiting.
    /// </summary>
    public static void TravelAndServiceTime(RoutingContext c)
    {
        // A native matrix over the model's nodes, so that the search never calls back into .NET for an arc.
        var transit = RoutingContext.NodeMatrix(c.Nodes, (a, b) => a.ServiceSeconds + c.Matrix.Seconds(a.Place, b.Place));
        const int day = DayClock.SecondsPerDay - 1;
        c.Model.AddDimension(c.Model.RegisterTransitMatrix(transit), day, day, false, HomeVisitRoutePlanner.TimeDimension);
        c.Time = c.Model.GetMutableDimension(HomeVisitRoutePlanner.TimeDimension);
    }

    /// <summary>Leave no earlier than the shift start; be back by the shift end plus the allowed overtime.</summary>
    public static void Shifts(RoutingContext c)
    {
        for (var v = 0; v < c.Request.Staff.Count; v++)
        {
            var s = c.Request.Staff[v];
            long start = DayClock.Seconds(s.Start), latest = VisitFeasibility.LatestReturn(s);
            c.Time.CumulVar(c.Model.Start(v)).SetRange(start, latest);
            c.Time.CumulVar(c.Model.End(v)).SetRange(start, latest);
            // Come back as early as the plan allows (the plan reader also leaves as late as it allows).
            c.Model.AddVariableMinimizedByFinalizer(c.Time.CumulVar(c.Model.End(v)));
        }
    }

    /// <summary>From leaving to coming back, breaks included, within the maximum working time (span upper bound).</summary>
    public static void MaxWorkingTime(RoutingContext c)
    {
        for (var v = 0; v < c.Request.Staff.Count; v++)
            if (c.Request.Staff[v].MaxWorkingTime is { } max)
                c.Time.SetSpanUpperBoundForVehicle(DayClock.Seconds(max), v);
    }

    /// <summary>
    /// The lunch break as an OR-Tools break interval of the time dimension: it may interrupt travel or waiting, never
    /// a visit (node visit transits are the service times).
    /// </summary>
    public static void Breaks(RoutingContext c)
    {
        var visitTransits = new long[c.Manager.GetNumberOfIndices()];
        for (long i = 0; i < visitTransits.Length; i++)
            if (!c.Model.IsEnd(i)) visitTransits[i] = c.NodeAt(i).ServiceSeconds;
        for (var v = 0; v < c.Request.Staff.Count; v++)
        {
            if (c.Request.Staff[v].Lunch is not { } lunch) continue;
            long length = DayClock.Seconds(lunch.Length);
            var lunchBreak = c.Solver.MakeFixedDurationIntervalVar(DayClock.Seconds(lunch.EarliestStart),
                DayClock.Seconds(lunch.LatestEnd) - length, length, false, $"lunch {c.Request.Staff[v].StaffId}");
            var breaks = new IntervalVarVector { lunchBreak };
            c.Keep(breaks);
            c.Time.SetBreakIntervalsOfVehicle(breaks, v, visitTransits);
        }
    }

    /// <summary>A visit starts in one of its windows (after the crossing times): the range, minus the gaps between windows.</summary>
    public static void Windows(RoutingContext c)
    {
        foreach (var node in c.Nodes.Visits)
        {
            var windows = VisitFeasibility.StartWindows(node.Visit!);
            var cumul = c.Time.CumulVar(c.IndexOf(node));
            c.Model.AddVariableMinimizedByFinalizer(cumul); // the earliest start the plan allows
            cumul.SetRange(windows[0].From, windows[^1].To);
            for (var i = 1; i < windows.Count; i++)
                if (windows[i].From > windows[i - 1].To + 1)
                    cumul.RemoveInterval(windows[i - 1].To + 1, windows[i].From - 1);
        }
    }

    /// <summary>
    /// Skills. A visit for one: only staff holding every required skill (the vehicle variable's domain, the .NET
    /// form of SetAllowedVehiclesForIndex). A team: for each skill, at least one member holds it.
    /// </summary>
    public static void Skills(RoutingContext c)
    {
        var staff = c.Request.Staff;
        foreach (var team in c.Nodes.Teams)
        {
            var visit = team[0].Visit!;
            if (visit.RequiredSkills.Count == 0 || visit.Pin is not null) continue;
            if (visit.TeamSize == 1)
            {
                var allowed = Enumerable.Range(0, staff.Count).Where(v => staff[v].Holds(visit.RequiredSkills))
                    .Select(v => (long)v).Prepend(-1).ToArray();
                c.Model.VehicleVar(c.IndexOf(team[0])).SetValues(allowed);
                continue;
            }
            foreach (var skill in visit.RequiredSkills)
            {
                // holds[v + 1] for vehicle v; index 0 (vehicle -1: not performed) counts as covered.
                var holds = staff.Select(s => s.Skills.Contains(skill, StringComparer.Ordinal) ? 1L : 0L).Prepend(1L).ToArray();
                var covered = team.Select(n => c.Solver.MakeElement(holds, (c.Model.VehicleVar(c.IndexOf(n)) + 1).Var()))
                    .Aggregate((IntExpr?)null, (sum, e) => sum is null ? e : sum + e)!;
                c.Solver.Add(covered >= 1);
            }
        }
    }

    /// <summary>
    /// A team visit: its members' nodes are performed together, on different staff, and start at the same time.
    /// </summary>
    public static void TeamsTogether(RoutingContext c)
    {
        foreach (var team in c.Nodes.Teams.Where(t => t.Count > 1))
        {
            var vehicles = new IntVarVector();
            foreach (var n in team) vehicles.Add(c.Model.VehicleVar(c.IndexOf(n)));
            c.Keep(vehicles);
            c.Solver.Add(c.Solver.MakeAllDifferentExcept(vehicles, -1));
            for (var i = 1; i < team.Count; i++)
            {
                long a = c.IndexOf(team[0]), b = c.IndexOf(team[i]);
                c.Solver.Add(c.Model.ActiveVar(a) == c.Model.ActiveVar(b));
                c.Solver.Add(c.Time.CumulVar(a) == c.Time.CumulVar(b));
            }
        }
    }

    /// <summary>A pinned visit: always performed, by the pinned staff (member i by the i-th), at the pinned start.</summary>
    public static void Pins(RoutingContext c)
    {
        var vehicleOf = c.Request.Staff.Select((s, v) => (s.StaffId, v)).ToDictionary(x => x.StaffId, x => x.v, StringComparer.Ordinal);
        foreach (var team in c.Nodes.Teams)
        {
            if (team[0].Visit!.Pin is not { } pin) continue;
            for (var i = 0; i < team.Count; i++)
            {
                var index = c.IndexOf(team[i]);
                c.Model.VehicleVar(index).SetValue(vehicleOf[pin.StaffIds[i]]);
                c.Model.ActiveVar(index).SetValue(1);
                c.Time.CumulVar(index).SetValue(DayClock.Seconds(pin.Start));
            }
        }
    }

    /// <summary>Carrying capacity: the loads of a route within the staff member's capacity (only when anyone has one).</summary>
    public static void Capacity(RoutingContext c)
    {
        if (c.Nodes.Visits.All(n => n.Visit!.Load == 0) || c.Request.Staff.All(s => s.Capacity is null)) return;
        var load = c.Nodes.All.Select(n => (long)(n.Visit?.Load ?? 0)).ToArray();
        var capacities = c.Request.Staff.Select(s => (long)(s.Capacity ?? int.MaxValue)).ToArray();
        c.Model.AddDimensionWithVehicleCapacity(c.Model.RegisterUnaryTransitVector(load), 0, capacities, true,
            HomeVisitRoutePlanner.LoadDimension);
    }
}
