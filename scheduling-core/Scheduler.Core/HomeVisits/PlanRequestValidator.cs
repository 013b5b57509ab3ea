namespace Scheduler.Core.HomeVisits;

/// <summary>
/// What makes a plan request unusable, found before any planning: the caller answers with these (a 4xx, or a
/// poisoned message) instead of planning. An empty list means the request can be planned.
/// </summary>
public static class PlanRequestValidator
{
    public const int MaxTeamSize = 3;

    public static IReadOnlyList<string> Validate(HomeVisitPlanRequest request)
    {
        var problems = new List<string>();
        if (!request.Centre.IsValid()) problems.Add("the centre's location is not a valid point");
        if (request.Staff.Count == 0) problems.Add($"no staff on duty on {request.Date}");
        foreach (var dup in request.Staff.GroupBy(s => s.StaffId, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"staff member {dup.Key} appears twice");
        foreach (var dup in request.Visits.GroupBy(v => v.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"visit {dup.Key} appears twice");
        var staffIds = request.Staff.Select(s => s.StaffId).ToHashSet(StringComparer.Ordinal);
        foreach (var s in request.Staff)
        {
            if (s.End <= s.Start) problems.Add($"staff member {s.StaffId}: the shift ends before it starts");
            if (s.StartPlace.Home is { } h && !h.IsValid() || s.EndPlace.Home is { } e && !e.IsValid())
                problems.Add($"staff member {s.StaffId}: the home is not a valid point");
            if (s.Lunch is { } l && (l.LatestEnd <= l.EarliestStart ||
                DayClock.Seconds(l.LatestEnd) - DayClock.Seconds(l.EarliestStart) < DayClock.Seconds(l.Length)))
                problems.Add($"staff member {s.StaffId}: the lunch break does not fit its window");
            if (s.AllowedOvertime < NodaTime.Duration.Zero) problems.Add($"staff member {s.StaffId}: negative overtime");
            if (s.MaxWorkingTime is { } m && m <= NodaTime.Duration.Zero) problems.Add($"staff member {s.StaffId}: no working time");
            if (s.Capacity < 0) problems.Add($"staff member {s.StaffId}: negative capacity");
        }
        foreach (var v in request.Visits)
        {
            var p = $"visit {v.Id}: ";
            if (!v.Location.IsValid()) problems.Add(p + "the location is not a valid point");
            if (v.Service <= NodaTime.Duration.Zero) problems.Add(p + "the service time must be positive");
            if (v.TeamSize is < 1 or > MaxTeamSize) problems.Add(p + $"a team is 1 to {MaxTeamSize} staff");
            if (v.Windows.Count == 0) problems.Add(p + "no time window");
            if (v.Windows.Any(w => w.To < w.From)) problems.Add(p + "a time window ends before it starts");
            if (v.Crossing is { } c && c.Closes <= c.Opens) problems.Add(p + "the crossing closes before it opens");
            if (v.DaysWaited < 0 || v.Load < 0) problems.Add(p + "days waited and load cannot be negative");
            if (v.Pin is { } pin)
            {
                if (pin.StaffIds.Count != v.TeamSize || pin.StaffIds.Distinct(StringComparer.Ordinal).Count() != v.TeamSize)
                    problems.Add(p + $"pinned to {pin.StaffIds.Count} staff, the team is {v.TeamSize}");
                foreach (var id in pin.StaffIds.Where(id => !staffIds.Contains(id)))
                    problems.Add(p + $"pinned to {id}, who is not on duty");
            }
        }
        return problems;
    }
}
