using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing.Penalties;

namespace Scheduler.Optimization.Routing;

/// <summary>
/// A plan's objective explained term by term, computed from the plan itself (not from the solver): the same
/// currency as <see cref="PenaltyWeights"/>. The solver minimises <see cref="Total"/>.
/// </summary>
public sealed record PlanScore(long Travel, long Overtime, long Dropped, long StaffUsed)
{
    public long Total => Travel + Overtime + Dropped + StaffUsed;

    public static PlanScore Of(HomeVisitPlanRequest request, TravelMatrix matrix, HomeVisitPlan plan, PenaltyWeights w)
    {
        var places = new PlanPlaces(request);
        var visits = request.Visits.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var staff = request.Staff.ToDictionary(s => s.StaffId, StringComparer.Ordinal);
        long travel = 0, overtime = 0, used = 0;
        foreach (var route in plan.Routes)
        {
            var shift = staff[route.StaffId];
            used += StaffUsePenalty.Cost(route.Stops.Count, shift, w);
            if (route.Stops.Count == 0) continue;
            var at = places.StartOf(shift);
            foreach (var to in route.Stops.Select(s => places.IndexOf(visits[s.VisitId].Location)).Append(places.EndOf(shift)))
            {
                travel += TravelPenalty.Cost(matrix.Seconds(at, to), matrix.Metres(at, to), w);
                at = to;
            }
            overtime += OvertimePenalty.Cost(DayClock.Seconds(route.Return), shift, w);
        }
        var dropped = plan.Dropped.Sum(d => DropPenalty.Cost(visits[d.VisitId], w));
        return new PlanScore(travel, overtime, dropped, used);
    }
}
