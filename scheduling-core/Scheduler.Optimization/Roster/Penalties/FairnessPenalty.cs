using Google.OrTools.Sat;
using Scheduler.Core.Roster;

namespace Scheduler.Optimization.Roster.Penalties;

/// <summary>
/// Fairness of evenings and weekends over the week: <c>PerUnsocialSpread x</c> (the most evening and weekend slots any
/// staff member has worked this week, this day included, minus the fewest). Worked means at a window, in the back
/// office or on a route; a break does not count. A week is planned day by day, each day carrying the counts so far.
/// </summary>
public static class FairnessPenalty
{
    /// <summary>Evening and weekend slots worked per staff member, with the week so far.</summary>
    public static IReadOnlyDictionary<string, int> Counts(RosterRequest r, IReadOnlyDictionary<string, IReadOnlyList<Duty>> duties) =>
        r.Staff.ToDictionary(s => s.Id, s => s.UnsocialSlotsSoFar + (duties.TryGetValue(s.Id, out var d) ? RosterSlots.UnsocialWorked(r.Day, r.Rules, d) : 0));

    public static long Cost(IEnumerable<int> counts, RosterWeights w)
    {
        var list = counts.ToList();
        return list.Count == 0 ? 0 : w.PerUnsocialSpread * (list.Max() - list.Min());
    }

    internal static LinearExpr Apply(RosterContext c)
    {
        var objective = LinearExpr.NewBuilder();
        if (c.Request.Weights.PerUnsocialSpread == 0 || c.Staff.Count == 0) return objective;
        var top = c.Staff.Max(s => s.Staff.UnsocialSlotsSoFar) + c.Day.Slots;
        var most = c.Model.NewIntVar(0, top, "unsocial_most");
        var fewest = c.Model.NewIntVar(0, top, "unsocial_fewest");
        foreach (var s in c.Staff)
        {
            var count = LinearExpr.NewBuilder().Add(s.Staff.UnsocialSlotsSoFar);
            for (var t = 0; t < c.Day.Slots; t++)
            {
                if (!RosterSlots.Unsocial(c.Day, c.Request.Rules, t)) continue;
                if (s.OnRoute[t] is not null) count.Add(1);
                else if (s.Free(t)) count.Add(s.AtAnyWindow(t)).Add(s.BackOffice[t]);
            }
            c.Model.Add(most >= count);
            c.Model.Add(fewest <= count);
        }
        c.Derived.Add((most, d => Counts(c.Request, d).Values.Max()));
        c.Derived.Add((fewest, d => Counts(c.Request, d).Values.Min()));
        objective.AddTerm(most, c.Request.Weights.PerUnsocialSpread).AddTerm(fewest, -c.Request.Weights.PerUnsocialSpread);
        return objective;
    }
}
