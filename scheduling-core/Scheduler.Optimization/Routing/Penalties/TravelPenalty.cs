using Google.OrTools.ConstraintSolver;
using Scheduler.Core.HomeVisits;

namespace Scheduler.Optimization.Routing.Penalties;

/// <summary>
/// Travel: <c>TravelPerUnit x</c> the seconds (or metres) of every trip of every staff member, from leaving the
/// start place to getting back to the end place. A team visit costs every member's trip. The OR-Tools arc cost.
/// </summary>
public static class TravelPenalty
{
    public static long Cost(int seconds, int metres, PenaltyWeights w) =>
        w.TravelPerUnit * (w.TravelBasis == TravelCostBasis.Seconds ? seconds : metres);

    internal static void Apply(RoutingContext c)
    {
        var cost = RoutingContext.NodeMatrix(c.Nodes, (a, b) => Cost(c.Matrix.Seconds(a.Place, b.Place), c.Matrix.Metres(a.Place, b.Place), c.Weights));
        c.Model.SetArcCostEvaluatorOfAllVehicles(c.Model.RegisterTransitMatrix(cost));
    }
}
