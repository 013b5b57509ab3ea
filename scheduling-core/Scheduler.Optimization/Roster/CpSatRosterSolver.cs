using System.Diagnostics;
using Google.OrTools.Sat;
using Scheduler.Core.Roster;
using Scheduler.Optimization.Roster.Penalties;

namespace Scheduler.Optimization.Roster;

/// <summary>
/// The day's roster by CP-SAT: each staff member, slot by slot, at a window of a category they are skilled for, in
/// the back office, on a break, off (evening and weekend slots are optional), or out on their home-visit route (fixed, whole, as the route planner planned it).
/// Hard rules in <see cref="Apply"/>; the objective is the sum of the five named penalties (Penalties/), which
/// <see cref="RosterScoring"/> recomputes from the roster.
/// </summary>
public sealed class CpSatRosterSolver : IRosterSolver
{
    public RosterPlan Solve(RosterRequest request)
    {
        var watch = Stopwatch.StartNew();
        var c = new RosterContext(request);
        if (c.Staff.FirstOrDefault(s => s.NeedsBreak && s.BreakStart.Count == 0) is { } noBreak)
            return Failed(request, RosterStatus.Infeasible, watch, $"{noBreak.Staff.Id} needs a break and has no room for one in the break period.");
        Apply(c);
        var objective = LinearExpr.NewBuilder()
            .Add(ShortfallPenalty.Apply(c))
            .Add(OverstaffPenalty.Apply(c))
            .Add(FairnessPenalty.Apply(c))
            .Add(SwitchPenalty.Apply(c))
            .Add(ChangePenalty.Apply(c));
        c.Model.Minimize(objective);
        Hint(c);

        var o = request.Options;
        var solver = new CpSolver
        {
            StringParameters = string.Join(',',
                $"num_workers:{Math.Max(1, o.Workers)}",
                $"max_time_in_seconds:{o.TimeLimitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                $"relative_gap_limit:{o.RelativeGap.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                $"random_seed:{o.Seed}", o.SolverParameters ?? DefaultParameters(o.Workers)).TrimEnd(','),
        };
        var built = watch.Elapsed.TotalSeconds;
        var status = solver.Solve(c.Model);
        var seconds = watch.Elapsed.TotalSeconds;
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
            return Failed(request, status == CpSolverStatus.Infeasible ? RosterStatus.Infeasible : RosterStatus.Unknown, watch,
                status == CpSolverStatus.Infeasible
                    ? "The hard rules cannot all hold: the staffed lunch or an opened session needs more skilled staff than are free around their breaks."
                    : $"No roster within {o.TimeLimitSeconds} s (CP-SAT status {status}).");

        var duties = Read(c, solver);
        var cover = RosterSlots.Cover(request.Day, request.Needed, duties);
        var score = RosterScoring.Of(request, duties);
        var value = (long)Math.Round(solver.ObjectiveValue);
        var bound = (long)Math.Ceiling(solver.BestObjectiveBound - 1e-6);
        var gap = value == 0 ? 0 : Math.Max(0, (value - bound) / (double)Math.Abs(value));
        // CP-SAT says Optimal when it stops at the gap limit too; only a closed gap is called optimal here.
        var st = status == CpSolverStatus.Optimal && value <= bound ? RosterStatus.Optimal : RosterStatus.Feasible;
        var why = st == RosterStatus.Optimal ? "optimal" : status == CpSolverStatus.Optimal ? $"within the gap limit of {o.RelativeGap:P1}" : "time limit";
        return new RosterPlan(request.Day, duties, cover, RosterSlots.Shortfall(cover), score,
            new RosterSolveStatistics(st, value, bound, gap, seconds,
                $"{st} ({why}) after {seconds:0.0} s (model built in {built:0.0} s): objective {value}, bound {bound}, gap {gap:P2} ({solver.NumBranches()} branches, {o.Workers} workers)"));
    }

    /// <summary>
    /// With two workers CP-SAT's own choice proves little (its bound stayed at half the optimum on the 60-staff day):
    /// one worker solves the full linear relaxation (max_lp), which gives the bound, and one
    /// restarts quickly from the hint for better rosters (docs/benchmarks.md, ADR 0021). More workers: CP-SAT's portfolio.
    /// </summary>
    public static string DefaultParameters(int workers) =>
        workers <= 2 ? "subsolvers:\"max_lp\" subsolvers:\"quick_restart\"" : "";

    /// <summary>The hard rules.</summary>
    private static void Apply(RosterContext c)
    {
        var r = c.Request;
        foreach (var s in c.Staff)
        {
            // One duty per free slot; the break is whole, once, inside the break period.
            if (s.NeedsBreak) c.Model.AddExactlyOne(s.BreakStart.Values);
            for (var t = 0; t < c.Day.Slots; t++)
                if (s.Free(t)) c.Model.Add(s.AtAnyWindow(t) + s.BackOffice[t] + s.OnBreak(t, r.Rules.BreakSlots) + s.StaysOff(t) == 1);
            // At most MaxContinuousWindowSlots at windows in a row.
            var m = r.Rules.MaxContinuousWindowSlots;
            for (var t = 0; t + m < c.Day.Slots; t++)
            {
                var run = Enumerable.Range(t, m + 1).Where(s.Free).ToList();
                if (run.Count == m + 1) c.Model.Add(LinearExpr.Sum(run.Select(s.AtAnyWindow)) <= m);
            }
        }
        foreach (var cat in r.Categories)
            for (var t = 0; t < c.Day.Slots; t++)
                if (c.Could(cat.Id, t) > cat.Windows) c.Model.Add(c.Staffed(cat.Id, t) <= cat.Windows);

        // 午间不休: the lunch period keeps windows of every category open (as many as skilled staff allow).
        if (r.Rules.LunchFrom is { } lf && r.Rules.LunchTo is { } lt && r.Rules.LunchWindows > 0)
        {
            var (from, to) = RosterSlots.Span(c.Day, lf, lt);
            foreach (var cat in r.Categories)
                for (var t = from; t < to; t++)
                {
                    var least = Math.Min(r.Rules.LunchWindows, Math.Min(cat.Windows, c.Could(cat.Id, t)));
                    if (least > 0) c.Model.Add(c.Staffed(cat.Id, t) >= least);
                }
        }
        // An opened session is staffed throughout.
        foreach (var session in r.Sessions)
        {
            var (from, to) = RosterSlots.Span(c.Day, session.From, session.To);
            foreach (var catId in session.CategoryIds)
            {
                var cat = r.Categories.FirstOrDefault(x => x.Id == catId);
                if (cat is null) continue;
                for (var t = from; t < to; t++) c.Model.Add(c.Staffed(cat.Id, t) >= Math.Min(session.Windows, cat.Windows));
            }
        }
    }

    /// <summary>
    /// The solver's starting hint: the published roster, so a re-plan starts from what staff were told, or else the
    /// greedy roster (<see cref="GreedyRoster"/>).
    /// </summary>
    private static void Hint(RosterContext c)
    {
        var start = c.Request.Published?.Duties ?? GreedyRoster.Build(c).ToDictionary(d => d.Key, d => (IReadOnlyList<Duty>)d.Value);
        foreach (var s in c.Staff)
        {
            if (!start.TryGetValue(s.Staff.Id, out var was)) continue;
            for (var t = 0; t < Math.Min(was.Count, c.Day.Slots); t++)
            {
                if (!s.Free(t)) continue;
                foreach (var (k, x) in s.BySlot[t]) c.Model.AddHint(x, was[t] == Duty.At(k) ? 1 : 0);
                c.Model.AddHint(s.BackOffice[t], was[t].Kind == DutyKind.BackOffice ? 1 : 0);
                if (s.Off.TryGetValue(t, out var off)) c.Model.AddHint(off, was[t].Kind == DutyKind.Off ? 1 : 0);
                if (s.BreakStart.TryGetValue(t, out var b)) c.Model.AddHint(b, was[t].Kind == DutyKind.Break && (t == 0 || was[t - 1].Kind != DutyKind.Break) ? 1 : 0);
            }
        }
        if (c.Staff.All(s => start.ContainsKey(s.Staff.Id)))
            foreach (var (v, value) in c.Derived) c.Model.AddHint(v, value(start));
    }

    private static Dictionary<string, IReadOnlyList<Duty>> Read(RosterContext c, CpSolver solver)
    {
        var duties = new Dictionary<string, IReadOnlyList<Duty>>();
        foreach (var s in c.Staff)
        {
            var d = new Duty[c.Day.Slots];
            for (var t = 0; t < c.Day.Slots; t++)
            {
                if (s.OnRoute[t] is { } route) d[t] = Duty.On(route);
                else if (!s.Available[t]) d[t] = Duty.Off;
                else if (s.BySlot[t].FirstOrDefault(w => solver.BooleanValue(w.Var)) is { Var: not null } w) d[t] = Duty.At(w.Category);
                else if (solver.BooleanValue(s.BackOffice[t])) d[t] = Duty.BackOffice;
                else if (s.Off.TryGetValue(t, out var off) && solver.BooleanValue(off)) d[t] = Duty.Off;
                else d[t] = Duty.Break;
            }
            duties[s.Staff.Id] = d;
        }
        return duties;
    }

    private static RosterPlan Failed(RosterRequest r, RosterStatus status, Stopwatch watch, string why)
    {
        var none = r.Staff.ToDictionary(s => s.Id, s => (IReadOnlyList<Duty>)Enumerable.Repeat(Duty.Off, r.Day.Slots).ToArray());
        var cover = RosterSlots.Cover(r.Day, r.Needed, none);
        return new RosterPlan(r.Day, new Dictionary<string, IReadOnlyList<Duty>>(), cover, RosterSlots.Shortfall(cover), new RosterScore(0, 0, 0, 0, 0),
            new RosterSolveStatistics(status, 0, 0, 1, watch.Elapsed.TotalSeconds, why));
    }
}

/// <summary>The five named penalties recomputed from a roster; their total equals the solver's objective.</summary>
public static class RosterScoring
{
    public static RosterScore Of(RosterRequest r, IReadOnlyDictionary<string, IReadOnlyList<Duty>> duties)
    {
        long shortfall = 0, over = 0;
        foreach (var cat in r.Categories)
            for (var t = 0; t < r.Day.Slots; t++)
            {
                var staffed = duties.Values.Count(d => d[t] == Duty.At(cat.Id));
                shortfall += ShortfallPenalty.Cost(r.Needed, cat.Id, t, staffed, r.Weights);
                over += OverstaffPenalty.Cost(r.Needed[cat.Id, t], staffed, r.Weights);
            }
        return new RosterScore(shortfall, over,
            FairnessPenalty.Cost(FairnessPenalty.Counts(r, duties).Values, r.Weights),
            SwitchPenalty.Cost(duties.Values, r.Weights),
            ChangePenalty.Cost(r.Published, duties, r.Weights));
    }
}
