using NodaTime;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Results;

namespace Scheduler.Core.HomeVisits.Planning;

/// <summary>One stop of a staff member's day, with what they need at the door.</summary>
public sealed record ScheduleStop(string VisitId, LocalTime Arrival, LocalTime Start, LocalTime End, string ResidentName, string Address,
    double Latitude, double Longitude, string ItemId, IReadOnlyList<string> TeamWith, string? Notes);

public sealed record StaffSchedule(string StaffId, LocalDate Date, string? PlanId, LocalTime? Departure, LocalTime? Return, PlannedBreak? Break, IReadOnlyList<ScheduleStop> Stops);

/// <summary>A staff member's published day: the visits in order, with addresses, only of requests still approved.</summary>
public sealed class StaffScheduleQuery(IPlanRunStore runs, HomeVisitService requests)
{
    public async Task<Outcome<StaffSchedule>> GetAsync(string centreId, string? staffId, LocalDate? date, CancellationToken cancellationToken)
    {
        if (date is null) return Problem.Invalid("date", ErrorCodes.Missing, "date (yyyy-MM-dd) is required.");
        if (string.IsNullOrEmpty(staffId)) return Problem.Invalid("staffId", ErrorCodes.Missing, "staffId is required.");
        var published = (await runs.PublishedAsync(centreId, date.Value, cancellationToken))?.Run;
        var route = published?.Plan?.Routes.FirstOrDefault(r => r.StaffId == staffId);
        if (route is null) return Outcome<StaffSchedule>.Ok(new StaffSchedule(staffId, date.Value, published?.Id, null, null, null, []));
        var byId = (await requests.ListAsync(centreId, cancellationToken)).Where(r => r.Status == HomeVisitStatus.Approved).ToDictionary(r => r.Id);
        var stops = route.Stops.Where(s => byId.ContainsKey(s.VisitId)).Select(s =>
        {
            var r = byId[s.VisitId];
            var team = published!.Plan!.Routes.Where(o => o.StaffId != staffId && o.Stops.Any(x => x.VisitId == s.VisitId)).Select(o => o.StaffId).ToList();
            return new ScheduleStop(s.VisitId, s.Arrival, s.Start, s.End, r.ResidentName, r.Address, r.Location.Latitude, r.Location.Longitude, r.ItemId, team, r.Notes);
        }).ToList();
        return Outcome<StaffSchedule>.Ok(new StaffSchedule(staffId, date.Value, published!.Id, route.Departure, route.Return, route.Break, stops));
    }
}
