using NodaTime;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;

namespace Scheduler.Optimization.Tests.Routing;

/// <summary>
/// A small world for planner tests: places on a line east of the centre, one minute of travel (and one km) per
/// <c>km</c> step, visits and staff made with short builders, and a planner with short limits.
/// </summary>
internal static class LineWorld
{
    public static readonly GeoPoint Centre = new(24.5, 118.10);

    public static GeoPoint Km(int km) => new(24.5, 118.10 + km / 100.0);

    public static LocalTime T(int h, int m = 0) => new(h, m);

    public static VisitToPlan Visit(string id, int km, int minutes = 30, LocalTime? from = null, LocalTime? to = null,
        int team = 1, string[]? skills = null, VisitUrgency urgency = VisitUrgency.Routine, int waited = 0) =>
        new(id, Km(km), Duration.FromMinutes(minutes), [new TimeWindow(from ?? T(8), to ?? T(17))], team, skills ?? [],
            urgency, waited);

    public static StaffShift Staff(string id, string[]? skills = null, LocalTime? start = null, LocalTime? end = null,
        LunchBreak? lunch = null, StaffPlace? home = null, Duration? max = null, Duration? overtime = null, int? capacity = null) =>
        new(id, skills ?? [], start ?? T(8), end ?? T(17), lunch, home ?? StaffPlace.Centre, home ?? StaffPlace.Centre, max,
            overtime ?? Duration.Zero, capacity);

    public static HomeVisitPlanRequest Day(IEnumerable<VisitToPlan> visits, IEnumerable<StaffShift> staff) =>
        new("test", "Asia/Shanghai", Centre, new LocalDate(2027, 3, 1), visits.ToList(), staff.ToList());

    public static TravelMatrix Matrix(HomeVisitPlanRequest request)
    {
        var points = new PlanPlaces(request).Points;
        return TravelMatrix.Build(points.Count, (i, j) =>
        {
            var km = (int)Math.Round(Math.Abs(points[i].Longitude - points[j].Longitude) * 100);
            return (km * 60, km * 1000);
        });
    }

    public static RoutePlannerOptions Quick(PenaltyWeights? weights = null) => new()
    {
        TimeLimit = Duration.FromSeconds(2),
        Metaheuristic = Metaheuristic.GreedyDescent,
        Weights = weights ?? new PenaltyWeights(),
        // One search: tests stay light and their plans comparable; searches side by side have tests of their own.
        Searches = 1,
    };

    public static RoutePlanResult Plan(HomeVisitPlanRequest request, RoutePlannerOptions? options = null)
    {
        var result = new HomeVisitRoutePlanner(options ?? Quick()).Solve(request, Matrix(request));
        if (result.Status == RoutePlanStatus.CheckFailed)
            throw new InvalidOperationException("checker rejected the plan: " + string.Join("; ", result.Violations));
        return result;
    }

    public static StaffRoute RouteOf(this RoutePlanResult r, string staff) => r.Plan!.Routes.Single(x => x.StaffId == staff);

    public static RouteStop StopOf(this RoutePlanResult r, string staff, string visit) => r.RouteOf(staff).Stops.Single(s => s.VisitId == visit);

    public static string? ServedBy(this RoutePlanResult r, string visit) =>
        r.Plan!.Routes.SingleOrDefault(x => x.Stops.Any(s => s.VisitId == visit))?.StaffId;

    public static DroppedVisit? DroppedOf(this RoutePlanResult r, string visit) => r.Plan!.Dropped.SingleOrDefault(d => d.VisitId == visit);
}
