using NodaTime;

namespace Scheduler.Core.HomeVisits;

/// <summary>
/// A day's plan of home visits: one route per staff member on duty (possibly empty), the visits left out with
/// their reasons, and the figures a dispatcher looks at. Publish only a plan the <see cref="PlanChecker"/> passes.
/// </summary>
public sealed record HomeVisitPlan(
    string CentreId,
    LocalDate Date,
    IReadOnlyList<StaffRoute> Routes,
    IReadOnlyList<DroppedVisit> Dropped,
    PlanKpis Kpis)
{
    /// <summary>A plan with its figures computed from the routes and the travel matrix of the request's places.</summary>
    public static HomeVisitPlan Assemble(HomeVisitPlanRequest request, TravelMatrix matrix,
        IReadOnlyList<StaffRoute> routes, IReadOnlyList<DroppedVisit> dropped) =>
        new(request.CentreId, request.Date, routes, dropped, PlanKpis.Compute(request, matrix, routes, dropped));
}

/// <summary>
/// Where one staff member goes, in order. <see cref="Departure"/> is when they leave their start place and
/// <see cref="Return"/> when they are back at their end place. A staff member with no stops stays at the hall.
/// </summary>
public sealed record StaffRoute(
    string StaffId,
    LocalTime Departure,
    LocalTime Return,
    IReadOnlyList<RouteStop> Stops,
    PlannedBreak? Break);

/// <summary>
/// One visit on a route: when the staff member gets there, and when the visit starts and ends. For a team visit
/// every member's route has a stop with the same start.
/// </summary>
public sealed record RouteStop(string VisitId, LocalTime Arrival, LocalTime Start, LocalTime End);

/// <summary>The lunch break: taken where the staff member is, between two trips or visits.</summary>
public sealed record PlannedBreak(LocalTime Start, LocalTime End);

/// <summary>Why a visit was left out of the plan.</summary>
public enum DropReason
{
    /// <summary>No staff on duty (alone, or as a team) hold the skills the visit needs.</summary>
    NoQualifiedStaff,
    /// <summary>The visit needs a bigger team than there are qualified staff on duty.</summary>
    TeamLargerThanStaffOnDuty,
    /// <summary>No window (after the ferry times) can be reached and finished within any qualified staff member's shift.</summary>
    NoWindowWithinShifts,
    /// <summary>It could be served alone, but not together with the visits chosen instead (more urgent, or cheaper).</summary>
    NoRoomInPlan,
    /// <summary>The home's place is still to be set (位置待定): asked for by address alone, it is planned once a dispatcher sets it.</summary>
    LocationPending,
}

/// <summary>A visit left out, with the reason and a sentence a dispatcher can read.</summary>
public sealed record DroppedVisit(string VisitId, DropReason Reason, string Explanation);

/// <summary>What a dispatcher watches: visits served and dropped, travel, overtime and each staff member's day.</summary>
public sealed record PlanKpis(
    int Served,
    int Dropped,
    Duration TotalTravel,
    long TotalTravelMetres,
    Duration TotalOvertime,
    IReadOnlyList<StaffLoad> StaffLoads)
{
    public static PlanKpis Compute(HomeVisitPlanRequest request, TravelMatrix matrix,
        IReadOnlyList<StaffRoute> routes, IReadOnlyList<DroppedVisit> dropped)
    {
        var places = new PlanPlaces(request);
        var visits = request.Visits.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var staff = request.Staff.ToDictionary(s => s.StaffId, StringComparer.Ordinal);
        var loads = new List<StaffLoad>();
        foreach (var route in routes)
        {
            if (!staff.TryGetValue(route.StaffId, out var shift) || route.Stops.Count == 0)
            {
                loads.Add(new StaffLoad(route.StaffId, 0, Duration.Zero, Duration.Zero, 0, Duration.Zero, Duration.Zero));
                continue;
            }
            long seconds = 0, metres = 0, service = 0;
            var at = places.StartOf(shift);
            foreach (var stop in route.Stops)
            {
                var to = visits.TryGetValue(stop.VisitId, out var v) ? places.IndexOf(v.Location) : at;
                seconds += matrix.Seconds(at, to);
                metres += matrix.Metres(at, to);
                service += DayClock.Seconds(stop.End) - DayClock.Seconds(stop.Start);
                at = to;
            }
            seconds += matrix.Seconds(at, places.EndOf(shift));
            metres += matrix.Metres(at, places.EndOf(shift));
            var working = DayClock.Seconds(route.Return) - DayClock.Seconds(route.Departure);
            var overtime = Math.Max(0, DayClock.Seconds(route.Return) - DayClock.Seconds(shift.End));
            loads.Add(new StaffLoad(route.StaffId, route.Stops.Count, Duration.FromSeconds(service),
                Duration.FromSeconds(seconds), metres, Duration.FromSeconds(working), Duration.FromSeconds(overtime)));
        }
        var served = routes.SelectMany(r => r.Stops).Select(s => s.VisitId).Distinct(StringComparer.Ordinal).Count();
        return new PlanKpis(served, dropped.Count,
            Duration.FromSeconds(loads.Sum(l => (long)l.Travel.TotalSeconds)), loads.Sum(l => l.TravelMetres),
            Duration.FromSeconds(loads.Sum(l => (long)l.Overtime.TotalSeconds)), loads);
    }
}

/// <summary>One staff member's day in the plan.</summary>
/// <param name="Working">From leaving to coming back, breaks included.</param>
public sealed record StaffLoad(
    string StaffId,
    int Visits,
    Duration Service,
    Duration Travel,
    long TravelMetres,
    Duration Working,
    Duration Overtime);
