using Scheduler.Core.HomeVisits;

namespace Scheduler.Optimization.Routing;

/// <summary>
/// Whether a visit could be served at all, on its own, by the staff on duty: qualified people, and a start time
/// each of them can reach and come back from within their shift. Gives the reason when not; a visit that passes
/// but is dropped by the solver did not fit alongside the others (<see cref="DropReason.NoRoomInPlan"/>).
/// </summary>
internal static class VisitFeasibility
{
    /// <summary>Start windows in seconds: the pinned start, or the windows after the crossing times.</summary>
    public static IReadOnlyList<(int From, int To)> StartWindows(VisitToPlan visit)
    {
        if (visit.Pin is { } pin)
        {
            var s = DayClock.Seconds(pin.Start);
            var ok = visit.Crossing is not { } c ||
                     (s >= DayClock.Seconds(c.Opens) && s + DayClock.Seconds(visit.Service) <= DayClock.Seconds(c.Closes));
            return ok ? [(s, s)] : [];
        }
        return visit.EffectiveWindows().Select(w => (DayClock.Seconds(w.From), DayClock.Seconds(w.To))).ToList();
    }

    public static int LatestReturn(StaffShift s) =>
        Math.Min(DayClock.SecondsPerDay - 1, DayClock.Seconds(s.End) + DayClock.Seconds(s.AllowedOvertime));

    public static (DropReason Reason, string Explanation)? WhyNot(HomeVisitPlanRequest request, PlanPlaces places,
        TravelMatrix matrix, VisitToPlan visit)
    {
        var staff = request.Staff;
        if (visit.Pin is { } pin)
        {
            var byId = staff.ToDictionary(s => s.StaffId, StringComparer.Ordinal);
            var team = pin.StaffIds.Select(id => byId[id]).ToList();
            if (!Covers(team, visit.RequiredSkills))
                return (DropReason.NoQualifiedStaff, $"the pinned staff do not hold {string.Join(", ", visit.RequiredSkills)}");
            return Reachable(team, visit, places, matrix, request)
                ? null
                : (DropReason.NoWindowWithinShifts, $"the pinned start {pin.Start} cannot be reached within the pinned staff's shifts");
        }
        if (visit.TeamSize > staff.Count)
            return (DropReason.TeamLargerThanStaffOnDuty, $"needs {visit.TeamSize} staff, {staff.Count} on duty");
        var teams = Teams(staff, visit.TeamSize).Where(t => Covers(t, visit.RequiredSkills)).ToList();
        if (teams.Count == 0)
            return visit.TeamSize == 1
                ? (DropReason.NoQualifiedStaff, $"nobody on duty holds {string.Join(", ", visit.RequiredSkills)}")
                : (DropReason.NoQualifiedStaff, $"no team of {visit.TeamSize} on duty holds {string.Join(", ", visit.RequiredSkills)}");
        if (!teams.Any(t => Reachable(t, visit, places, matrix, request)))
            return (DropReason.NoWindowWithinShifts,
                $"no window ({string.Join(", ", visit.Windows)}) can be reached and finished within a qualified shift");
        return null;
    }

    public static bool Covers(IReadOnlyList<StaffShift> team, IReadOnlyList<string> skills) =>
        skills.All(k => team.Any(s => s.Skills.Contains(k, StringComparer.Ordinal)));

    private static bool Reachable(IReadOnlyList<StaffShift> team, VisitToPlan visit, PlanPlaces places, TravelMatrix matrix,
        HomeVisitPlanRequest request)
    {
        var at = places.IndexOf(visit.Location);
        var service = DayClock.Seconds(visit.Service);
        int lo = int.MinValue, hi = int.MaxValue;
        foreach (var s in team)
        {
            var outbound = matrix.Seconds(places.StartOf(s), at);
            var back = matrix.Seconds(at, places.EndOf(s));
            if (s.MaxWorkingTime is { } max && outbound + service + back > DayClock.Seconds(max)) return false;
            lo = Math.Max(lo, DayClock.Seconds(s.Start) + outbound);
            hi = Math.Min(hi, LatestReturn(s) - back - service);
            if (s.Capacity is { } c && visit.Load > c) return false;
        }
        return StartWindows(visit).Any(w => Math.Max(lo, w.From) <= Math.Min(hi, w.To));
    }

    private static IEnumerable<IReadOnlyList<StaffShift>> Teams(IReadOnlyList<StaffShift> staff, int size)
    {
        if (size == 1) { foreach (var a in staff) yield return [a]; yield break; }
        for (var i = 0; i < staff.Count; i++)
        for (var j = i + 1; j < staff.Count; j++)
        {
            if (size == 2) { yield return [staff[i], staff[j]]; continue; }
            for (var k = j + 1; k < staff.Count; k++) yield return [staff[i], staff[j], staff[k]];
        }
    }
}
