using Scheduler.Core.Roster;
using Scheduler.Optimization.Roster.Penalties;

namespace Scheduler.Optimization.Roster;

/// <summary>
/// A quick roster to start CP-SAT from (its hint): breaks staggered over their possible starts, then slot by slot the
/// minimum windows of the staffed lunch and opened sessions, then each free staff member (fewest skills first) to the
/// category whose next needed window is worth most (staying with their category on a tie), at most the continuous
/// limit in a row; the rest to the back office (or off, in an optional slot). Not optimal; often infeasible only
/// where the hard rules are, in which case CP-SAT repairs or ignores it.
/// </summary>
internal static class GreedyRoster
{
    public static Dictionary<string, Duty[]> Build(RosterContext c)
    {
        var r = c.Request;
        var day = c.Day;
        var duties = c.Staff.ToDictionary(s => s.Staff.Id, s => new Duty[day.Slots]);
        var breakAt = new Dictionary<string, int>();
        // Stagger: the i-th staff member needing a break takes the i-th of their starts, cycling, in steps of the break length.
        var n = 0;
        foreach (var s in c.Staff.Where(s => s.NeedsBreak && s.BreakStart.Count > 0))
        {
            var starts = s.BreakStart.Keys.OrderBy(x => x).ToList();
            breakAt[s.Staff.Id] = starts[(n++ * Math.Max(1, r.Rules.BreakSlots / 2)) % starts.Count];
        }
        var steps = r.Categories.ToDictionary(k => k.Id, k => Enumerable.Range(0, day.Slots).Select(t => ShortfallPenalty.Steps(r.Needed, k.Id, t, r.Weights)).ToArray());
        var run = c.Staff.ToDictionary(s => s.Staff.Id, _ => 0);
        var (lunchFrom, lunchTo) = r.Rules.LunchFrom is { } lf && r.Rules.LunchTo is { } lt ? RosterSlots.Span(day, lf, lt) : (0, 0);
        for (var t = 0; t < day.Slots; t++)
        {
            var staffed = r.Categories.ToDictionary(k => k.Id, _ => 0);
            var free = new List<RosterContext.StaffVars>();
            foreach (var s in c.Staff)
            {
                var d = duties[s.Staff.Id];
                if (s.OnRoute[t] is { } route) d[t] = Duty.On(route);
                else if (!s.Available[t]) d[t] = Duty.Off;
                else if (breakAt.TryGetValue(s.Staff.Id, out var b) && t >= b && t < b + r.Rules.BreakSlots) d[t] = Duty.Break;
                else if (run[s.Staff.Id] >= r.Rules.MaxContinuousWindowSlots) d[t] = Duty.BackOffice;
                else { free.Add(s); continue; }
                if (d[t].Kind != DutyKind.Window) run[s.Staff.Id] = 0;
            }
            var minimum = r.Categories.ToDictionary(k => k.Id, k =>
            {
                var m = t >= lunchFrom && t < lunchTo ? r.Rules.LunchWindows : 0;
                foreach (var session in r.Sessions.Where(x => x.CategoryIds.Contains(k.Id)))
                {
                    var (from, to) = RosterSlots.Span(day, session.From, session.To);
                    if (t >= from && t < to) m = Math.Max(m, session.Windows);
                }
                return Math.Min(m, k.Windows);
            });
            void Seat(RosterContext.StaffVars s, string k)
            {
                duties[s.Staff.Id][t] = Duty.At(k);
                staffed[k]++;
                run[s.Staff.Id]++;
                free.Remove(s);
            }
            foreach (var k in r.Categories)
                while (staffed[k.Id] < minimum[k.Id] && free.Where(s => s.Window.ContainsKey((t, k.Id))).OrderBy(s => s.Skills(t).Count()).FirstOrDefault() is { } s)
                    Seat(s, k.Id);
            foreach (var s in free.OrderBy(s => s.Skills(t).Count()).ToList())
            {
                var previous = t > 0 ? duties[s.Staff.Id][t - 1] : Duty.Off;
                var best = s.Skills(t)
                    .Where(k => staffed[k] < r.Categories.First(x => x.Id == k).Windows)
                    .Select(k => (k, worth: staffed[k] < steps[k][t].Length ? steps[k][t][staffed[k]] + (previous == Duty.At(k) ? r.Weights.PerSwitch : 0) : -r.Weights.PerWindowOver))
                    .OrderByDescending(x => x.worth).FirstOrDefault();
                if (best.k is not null && best.worth > 0) Seat(s, best.k);
                else
                {
                    duties[s.Staff.Id][t] = s.Off.ContainsKey(t) ? Duty.Off : Duty.BackOffice;
                    run[s.Staff.Id] = 0;
                    free.Remove(s);
                }
            }
        }
        return duties;
    }
}
