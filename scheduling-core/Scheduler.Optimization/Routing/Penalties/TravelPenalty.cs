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
        LongLongToLong cost = (from, to) =>
        {
            int a = c.Nodes.All[c.Manager.IndexToNode(from)].Place, b = c.Nodes.All[c.Manager.IndexToNode(to)].Place;
            return Cost(c.Matrix.Seconds(a, b), c.Matrix.Metres(a, b), c.Weights);
        };
        c.Keep(cost);
        c.Model.SetArcCostEvaluatorOfAllVehicles(c.Model.RegisterTransitCallback(cost));
    }
}
