using Google.OrTools.Sat;
using Scheduler.Core.Roster;

namespace Scheduler.Optimization.Roster.Penalties;

/// <summary>
/// Windows missing against the windows needed, weighted by the waiting they cause. The j-th window of a category in
/// a slot (up to the number needed) is worth <c>PerWaitingMinute x</c> the expected resident-minutes of waiting it
/// saves in that slot (Erlang C with j-1 against j windows, a resident's wait capped at <c>WaitCapMinutes</c>), at
/// least <c>MinPerMissingWindow</c>, and never less than the window after it (so the worth falls as windows are
/// added). The cost of a slot is the worth of every needed window not staffed. Modelled with one Boolean per
/// needed window, ordered, whose sum is at most the windows staffed.
/// </summary>
public static class ShortfallPenalty
{
    /// <summary>The worth of the 1st, 2nd, ... needed window of a category in a slot (<see cref="WindowsNeeded.WindowWorth"/>).</summary>
    public static long[] Steps(WindowsNeeded needed, string categoryId, int slot, RosterWeights w) => needed.WindowWorth(categoryId, slot, w);

    /// <summary>The cost of staffing <paramref name="staffed"/> windows of a category in a slot.</summary>
    public static long Cost(WindowsNeeded needed, string categoryId, int slot, int staffed, RosterWeights w) =>
        Steps(needed, categoryId, slot, w).Skip(Math.Max(0, staffed)).Sum();

    internal static LinearExpr Apply(RosterContext c)
    {
        var objective = LinearExpr.NewBuilder();
        foreach (var cat in c.Request.Categories)
            for (var t = 0; t < c.Day.Slots; t++)
            {
                var steps = Steps(c.Request.Needed, cat.Id, t, c.Request.Weights);
                if (steps.Length == 0) continue;
                // Windows beyond the hall or the staff who could sit there are short whatever the roster: a constant.
                var reachable = Math.Min(steps.Length, Math.Min(cat.Windows, c.Could(cat.Id, t)));
                objective.Add(steps.Sum());
                var z = new BoolVar[reachable];
                for (var j = 0; j < reachable; j++)
                {
                    z[j] = c.Model.NewBoolVar($"z_{cat.Id}_{t}_{j}");
                    var (k, slot, rank) = (cat.Id, t, j);
                    c.Derived.Add((z[j], d => RosterContext.StaffedIn(d, k, slot) > rank ? 1 : 0));
                    if (j > 0) c.Model.AddImplication(z[j], z[j - 1]);
                    objective.AddTerm(z[j], -steps[j]);
                }
                if (reachable > 0) c.Model.Add(LinearExpr.Sum(z) <= c.Staffed(cat.Id, t));
            }
        return objective;
    }
}
