using Google.OrTools.Sat;
using Scheduler.Core.Roster;

namespace Scheduler.Optimization.Roster.Penalties;

/// <summary>
/// Changes to the published roster: <c>PerChange x</c> each slot of each staff member whose duty differs from what was
/// published (a different window category, window instead of break, and so on). Nothing without a published roster;
/// a staff member or slot the published roster does not have is not a change.
/// </summary>
public static class ChangePenalty
{
    public static int Changes(PublishedRoster? published, IReadOnlyDictionary<string, IReadOnlyList<Duty>> duties)
    {
        if (published is null) return 0;
        var n = 0;
        foreach (var (id, was) in published.Duties)
        {
            if (!duties.TryGetValue(id, out var now)) continue;
            for (var t = 0; t < Math.Min(was.Count, now.Count); t++)
                if (was[t] != now[t]) n++;
        }
        return n;
    }

    public static long Cost(PublishedRoster? published, IReadOnlyDictionary<string, IReadOnlyList<Duty>> duties, RosterWeights w) =>
        w.PerChange * Changes(published, duties);

    internal static LinearExpr Apply(RosterContext c)
    {
        var objective = LinearExpr.NewBuilder();
        if (c.Request.Published is not { } published || c.Request.Weights.PerChange == 0) return objective;
        var w = c.Request.Weights.PerChange;
        foreach (var s in c.Staff)
        {
            if (!published.Duties.TryGetValue(s.Staff.Id, out var was)) continue;
            for (var t = 0; t < Math.Min(was.Count, c.Day.Slots); t++)
            {
                var d = was[t];
                if (!s.Free(t))
                {
                    // Off or on a route whatever the solver does: a fixed difference or none.
                    var fixedNow = s.OnRoute[t] is { } r ? Duty.On(r) : Duty.Off;
                    if (fixedNow != d) objective.Add(w);
                    continue;
                }
                LinearExpr? same = d.Kind switch
                {
                    DutyKind.Window when d.Ref is not null && s.Window.TryGetValue((t, d.Ref), out var x) => x,
                    DutyKind.BackOffice => s.BackOffice[t],
                    DutyKind.Break => s.OnBreak(t, c.Request.Rules.BreakSlots),
                    DutyKind.Off when s.Off.TryGetValue(t, out var off) => off,
                    _ => null,
                };
                objective.Add(w);
                if (same is not null) objective.Add(-w * same);
            }
        }
        return objective;
    }
}
