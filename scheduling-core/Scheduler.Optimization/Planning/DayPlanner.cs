using NodaTime;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Optimization.Routing;

namespace Scheduler.Optimization.Planning;

/// <summary>
/// Turns a day's approved home-visit requests, the centre's home-visit staff and the plan already published for the
/// day into the planner's request, and solves it. Visits of the published plan keep their staff and start (residents
/// were told their time): re-planning after an approval or a cancellation plans around them. Each staff member costs
/// what <c>useCost</c> says sending them out costs the hall (ADR 0020), nothing when it does not name them.
/// </summary>
public static class DayPlanner
{
    /// <param name="zone">The centre's zone: the day a request was made, for how long it waited, is the centre's day.</param>
    public static HomeVisitPlanRequest BuildRequest(CentreProfile profile, DateTimeZone zone, LocalDate date, IEnumerable<HomeVisitRequest> approved,
        HomeVisitShiftRules shifts, HomeVisitPlan? published, IReadOnlyDictionary<string, long>? useCost = null)
    {
        var pins = new Dictionary<string, VisitPin>(StringComparer.Ordinal);
        if (published is not null)
            foreach (var group in published.Routes.SelectMany(r => r.Stops.Select(s => (r.StaffId, Stop: s))).GroupBy(x => x.Stop.VisitId))
                pins[group.Key] = new VisitPin(group.Select(x => x.StaffId).Order().ToList(), group.First().Stop.Start);

        var items = profile.Items.ToDictionary(i => i.Id);
        var visits = new List<VisitToPlan>();
        // A request whose home has no place yet is left out by the planning use case, which says why.
        foreach (var r in approved.Where(r => r.Status == HomeVisitStatus.Approved && r.Location is not null))
        {
            var windows = r.Windows.Where(w => w.Date == date).Select(w => new TimeWindow(w.From, w.To)).ToList();
            if (windows.Count == 0 || !items.TryGetValue(r.ItemId, out var item) || item.HomeVisit is not { } hv) continue;
            var waited = Period.Between(r.CreatedAt.InZone(zone).Date, date, PeriodUnits.Days).Days;
            visits.Add(new VisitToPlan(r.Id, r.Location!.Value, Duration.FromMinutes(item.Minutes), windows, hv.TeamSize, hv.Skills, r.Urgency,
                Math.Max(0, waited), pins.GetValueOrDefault(r.Id)));
        }
        var staff = profile.Staff.Where(s => s.MakesHomeVisits).Select(s => new StaffShift(s.Id, s.Skills, shifts.Start, shifts.End,
            new LunchBreak(shifts.LunchFrom, shifts.LunchTo, shifts.LunchLength), StaffPlace.Centre, StaffPlace.Centre, shifts.MaxWorkingTime,
            UseCost: useCost?.GetValueOrDefault(s.Id))).ToList();
        return new HomeVisitPlanRequest(profile.Centre.Id, zone.Id, profile.Centre.Location, date, visits, staff);
    }

    public static Task<RoutePlanResult> SolveAsync(HomeVisitPlanRequest request, ITravelTimeProvider travel, Duration timeLimit, CancellationToken cancellationToken) =>
        new HomeVisitRoutePlanner(new RoutePlannerOptions { TimeLimit = timeLimit }).PlanAsync(request, travel, cancellationToken);
}
