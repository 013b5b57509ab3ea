using Google.OrTools.Sat;
using Scheduler.Core.Roster;

namespace Scheduler.Optimization.Roster.Penalties;

/// <summary>
/// Switches between categories: <c>PerSwitch x</c> each time a staff member at a window of one category is at a
/// window of another category in the next slot. A staff member who stays with one category, or changes over a
/// break or back-office time, pays nothing.
/// </summary>
public static class SwitchPenalty
{
    public static int Switches(IReadOnlyList<Duty> duties) =>
        Enumerable.Range(0, Math.Max(0, duties.Count - 1)).Count(t =>
            duties[t].Kind == DutyKind.Window && duties[t + 1].Kind == DutyKind.Window && duties[t].Ref != duties[t + 1].Ref);

    public static long Cost(IEnumerable<IReadOnlyList<Duty>> duties, RosterWeights w) => w.PerSwitch * duties.Sum(Switches);

    internal static LinearExpr Apply(RosterContext c)
    {
        var objective = LinearExpr.NewBuilder();
        if (c.Request.Weights.PerSwitch == 0) return objective;
        foreach (var s in c.Staff)
        {
            var categories = s.BySlot.Values.SelectMany(w => w.Select(x => x.Category)).Distinct().ToList();
            if (categories.Count < 2) continue;
            for (var t = 0; t + 1 < c.Day.Slots; t++)
            {
                if (!s.Free(t) || !s.Free(t + 1)) continue;
                var sw = c.Model.NewBoolVar($"sw_{s.Staff.Id}_{t}");
                var (id, slot) = (s.Staff.Id, t);
                c.Derived.Add((sw, d => d[id][slot].Kind == DutyKind.Window && d[id][slot + 1].Kind == DutyKind.Window && d[id][slot].Ref != d[id][slot + 1].Ref ? 1 : 0));
                var next = s.AtAnyWindow(t + 1);
                foreach (var k in categories)
                    c.Model.Add(sw >= s.Window[(t, k)] + next - s.Window[(t + 1, k)] - 1);
                objective.AddTerm(sw, c.Request.Weights.PerSwitch);
            }
        }
        return objective;
    }
}
