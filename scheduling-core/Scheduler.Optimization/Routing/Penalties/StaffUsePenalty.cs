using Scheduler.Core.HomeVisits;

namespace Scheduler.Optimization.Routing.Penalties;

/// <summary>
/// Sending a staff member out at all: for each route with at least one visit, the staff member's own
/// <see cref="StaffShift.UseCost"/> (the hall's worth of their window time, ADR 0020) or else <c>PerStaffUsed</c>
/// (a staff member who stays is free for the windows). The OR-Tools fixed cost of a vehicle; 0 by default. A large
/// value makes the planner minimise the number of staff first (the "vehicles first" objective of the VRPTW literature).
/// </summary>
public static class StaffUsePenalty
{
    /// <summary>What sending <paramref name="shift"/>'s staff member out costs, whatever the route.</summary>
    public static long Of(StaffShift shift, PenaltyWeights w) => Math.Max(0, shift.UseCost ?? w.PerStaffUsed);

    public static long Cost(int stops, StaffShift shift, PenaltyWeights w) => stops > 0 ? Of(shift, w) : 0;

    /// <summary>Whether sending anyone out costs anything (route elimination is then worth trying).</summary>
    public static bool Priced(HomeVisitPlanRequest request, PenaltyWeights w) => request.Staff.Any(s => Of(s, w) > 0);

    internal static void Apply(RoutingContext c)
    {
        for (var v = 0; v < c.Request.Staff.Count; v++)
            if (Of(c.Request.Staff[v], c.Weights) is > 0 and var cost) c.Model.SetFixedCostOfVehicle(cost, v);
    }
}
