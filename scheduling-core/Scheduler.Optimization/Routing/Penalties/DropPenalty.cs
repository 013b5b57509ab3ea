using Scheduler.Core.HomeVisits;

namespace Scheduler.Optimization.Routing.Penalties;

/// <summary>
/// Leaving a visit out: <c>DropRoutine x UrgencyFactor^urgency + PerDayWaited x min(days waited, cap)</c>. The
/// urgency factor makes the planner serve the most urgent visits first; days waited break ties between residents
/// of equal urgency in favour of the one who has waited longest. Modelled as an OR-Tools disjunction on each of
/// the visit's nodes (a team visit's penalty is split between its members' nodes, which are active together).
/// </summary>
public static class DropPenalty
{
    public static long Cost(VisitToPlan visit, PenaltyWeights w)
    {
        long factor = 1;
        for (var i = 0; i < (int)visit.Urgency; i++) factor = checked(factor * w.UrgencyFactor);
        return checked(w.DropRoutine * factor + w.PerDayWaited * Math.Min(visit.DaysWaited, w.DaysWaitedCap));
    }

    /// <summary>The share of the cost on the node of team member <paramref name="member"/> (0-based).</summary>
    public static long Share(VisitToPlan visit, PenaltyWeights w, int member)
    {
        var cost = Cost(visit, w);
        return cost / visit.TeamSize + (member == 0 ? cost % visit.TeamSize : 0);
    }

    internal static void Apply(RoutingContext c)
    {
        foreach (var node in c.Nodes.Visits)
        {
            if (node.Visit!.Pin is not null) continue; // pinned visits are mandatory
            c.Model.AddDisjunction([c.IndexOf(node)], Share(node.Visit!, c.Weights, node.Member));
        }
    }
}
