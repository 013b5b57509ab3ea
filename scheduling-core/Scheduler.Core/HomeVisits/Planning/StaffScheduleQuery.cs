using NodaTime;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Results;

namespace Scheduler.Core.HomeVisits.Planning;

/// <summary>One stop of a staff member's day, with what they need at the door.</summary>
public sealed record ScheduleStop(string VisitId, LocalTime Arrival, LocalTime Start, LocalTime End, string ResidentName, string Address,
    double Latitude, double Longitude, string ItemId, IReadOnlyList<string> TeamWith, string? Notes);

/// <summary>A stretch of a staff member's roster day: at a window of <see cref="CategoryId"/>, on a break, or in the back office.</summary>
public sealed record RosterSpell(Roster.DutyKind Kind, string? CategoryId, LocalTime From, LocalTime To);

/// <summary>
/// A staff member's published day: the visits of the published home-visit plan (<see cref="PlanId"/>) and, from the
/// published roster (<see cref="RosterId"/>), the windows they sit at, their break and back-office time.
/// </summary>
public sealed record StaffSchedule(string StaffId, LocalDate Date, string? PlanId, LocalTime? Departure, LocalTime? Return, PlannedBreak? Break, IReadOnlyList<ScheduleStop> Stops,
    string? RosterId = null, IReadOnlyList<RosterSpell>? Roster = null);

/// <summary>A staff member's published day: the visits in order, with addresses, only of requests still approved; the windows from the published roster.</summary>
public sealed class StaffScheduleQuery(IPlanRunStore runs, HomeVisitService requests, Roster.IRosterStore? rosters = null)
{
    public async Task<Outcome<StaffSchedule>> GetAsync(string centreId, string? staffId, LocalDate? date, CancellationToken cancellationToken)
    {
        if (date is null) return Problem.Invalid("date", ErrorCodes.Missing, "date (yyyy-MM-dd) is required.");
        if (string.IsNullOrEmpty(staffId)) return Problem.Invalid("staffId", ErrorCodes.Missing, "staffId is required.");
        var published = (await runs.PublishedAsync(centreId, date.Value, cancellationToken))?.Run;
        var roster = rosters is null ? null : (await rosters.PublishedAsync(centreId, date.Value, cancellationToken))?.Run;
        var spells = Spells(roster, staffId);
        var route = published?.Plan?.Routes.FirstOrDefault(r => r.StaffId == staffId);
        if (route is null) return Outcome<StaffSchedule>.Ok(new StaffSchedule(staffId, date.Value, published?.Id, null, null, null, [], roster?.Id, spells));
        var byId = (await requests.ListForDateAsync(centreId, date.Value, cancellationToken)).Where(r => r.Status == HomeVisitStatus.Approved && r.Location is not null).ToDictionary(r => r.Id); // a routed visit has its place
        var stops = route.Stops.Where(s => byId.ContainsKey(s.VisitId)).Select(s =>
        {
            var r = byId[s.VisitId];
            var team = published!.Plan!.Routes.Where(o => o.StaffId != staffId && o.Stops.Any(x => x.VisitId == s.VisitId)).Select(o => o.StaffId).ToList();
            return new ScheduleStop(s.VisitId, s.Arrival, s.Start, s.End, r.ResidentName, r.Address, r.Location!.Value.Latitude, r.Location.Value.Longitude, r.ItemId, team, r.Notes);
        }).ToList();
        return Outcome<StaffSchedule>.Ok(new StaffSchedule(staffId, date.Value, published!.Id, route.Departure, route.Return, route.Break, stops, roster?.Id, spells));
    }

    /// <summary>The staff member's duties of the published roster as stretches of one kind (and category), in order; time off and routes are left out (routes show as stops).</summary>
    public static IReadOnlyList<RosterSpell> Spells(Roster.RosterRun? roster, string staffId)
    {
        if (roster is null || !roster.Duties.TryGetValue(staffId, out var duties)) return [];
        var spells = new List<RosterSpell>();
        for (var t = 0; t < duties.Count;)
        {
            var end = t;
            while (end < duties.Count && duties[end] == duties[t]) end++;
            if (duties[t].Kind is Roster.DutyKind.Window or Roster.DutyKind.Break or Roster.DutyKind.BackOffice)
                spells.Add(new RosterSpell(duties[t].Kind, duties[t].Kind == Roster.DutyKind.Window ? duties[t].Ref : null, roster.Day.StartOf(t), roster.Day.StartOf(end)));
            t = end;
        }
        return spells;
    }
}
