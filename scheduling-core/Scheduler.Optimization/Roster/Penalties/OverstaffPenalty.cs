using Google.OrTools.Sat;
using Scheduler.Core.Roster;

namespace Scheduler.Optimization.Roster.Penalties;

/// <summary>
/// Over-staffing: <c>PerWindowOver x</c> each window-slot staffed beyond the windows the slot needs. Staff not needed
/// at a window go to back-office work instead (which costs nothing), unless a staffed lunch or an opened session
/// holds them there.
/// </summary>
public static class OverstaffPenalty
{
    public static long Cost(int needed, int staffed, RosterWeights w) => w.PerWindowOver * Math.Max(0, staffed - needed);

    internal static LinearExpr Apply(RosterContext c)
    {
        var objective = LinearExpr.NewBuilder();
        if (c.Request.Weights.PerWindowOver == 0) return objective;
        foreach (var cat in c.Request.Categories)
            for (var t = 0; t < c.Day.Slots; t++)
            {
                var could = Math.Min(cat.Windows, c.Could(cat.Id, t));
                var need = c.Request.Needed[cat.Id, t];
                if (could <= need) continue;
                var over = c.Model.NewIntVar(0, could - need, $"over_{cat.Id}_{t}");
                c.Model.Add(over >= c.Staffed(cat.Id, t) - need);
                var (k, slot) = (cat.Id, t);
                c.Derived.Add((over, d => Math.Max(0, RosterContext.StaffedIn(d, k, slot) - need)));
                objective.AddTerm(over, c.Request.Weights.PerWindowOver);
            }
        return objective;
    }
}
