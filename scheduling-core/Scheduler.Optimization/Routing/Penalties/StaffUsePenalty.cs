namespace Scheduler.Optimization.Routing.Penalties;

/// <summary>
/// Sending a staff member out at all: <c>PerStaffUsed</c> for each route with at least one visit (a staff member
/// who stays is free for the windows). The OR-Tools fixed cost of a vehicle; 0 by default. A large value makes the
/// planner minimise the number of staff first (the "vehicles first" objective of the VRPTW literature).
/// </summary>
public static class StaffUsePenalty
{
    public static long Cost(int stops, PenaltyWeights w) => stops > 0 ? w.PerStaffUsed : 0;

    internal static void Apply(RoutingContext c)
    {
        if (c.Weights.PerStaffUsed > 0) c.Model.SetFixedCostOfAllVehicles(c.Weights.PerStaffUsed);
    }
}
