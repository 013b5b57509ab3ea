using System.Globalization;
using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;

namespace Scheduler.Bench.Day;

/// <summary>
/// A realistic day through the planner: <c>day [--visits 300] [--staff 30] [--seed 1 | --seeds 1-10] [--seconds 60]
/// [--at 20] [--searches 2] [--plan-seed 1] [--reproducible] [--initial Automatic|Search|Insertion] [--first ...]
/// [--meta ...] [--iterations n --at-iterations a,b] [--fixed-starts] [--focus on|off] [--left-out-share 0.3] [--hot 18000]
/// [--shifted-first on|off] [--retried 6] [--cycle 1500] [--related on|off]</c> (from <c>--focus</c> on: the ruin and recreate's options, to compare them). One seed: solves once for the full time and reports when the first plan came, when the objective
/// first came within 1% of the final one and why the search ended, with the served and dropped counts and the check.
/// Several seeds: one solve each, and a table of the objective at the first plan, at each <c>--at</c> time (the best
/// plan found by then, the search's own trace) and at the end, with served and dropped visits, overtime, and the spread.
/// </summary>
public sealed class DayCommand : IBenchCommand
{
    public string Name => "day";
    public string Summary => "a realistic generated day (Xiamen Huli): time to a first plan and to within 1% of the final one; --seeds for a table";

    public async Task<int> RunAsync(BenchArgs args)
    {
        var options = Options(args);
        if (args.Get("seeds") is { } range) return await Table(args, options, Seeds(range));
        var seed = (int)args.Number("seed", 1);
        var request = Request(args, seed);
        var matrix = await new GreatCircleTravelTimeProvider().GetMatrixAsync(new PlanPlaces(request).Points);
        var result = new HomeVisitRoutePlanner(options).Solve(request, matrix);
        var s = result.Statistics;
        Console.WriteLine($"day: {request.Visits.Count} visits ({request.Visits.Count(v => v.TeamSize > 1)} for teams), " +
                          $"{request.Staff.Count} staff, seed {seed}, {options.TimeLimit.TotalSeconds} s, " +
                          $"initial {options.InitialPlan}, first {options.FirstSolution}, metaheuristic {options.Metaheuristic} (ran {result.Statistics.Search}), lambda {options.GuidedLocalSearchLambda?.ToString(CultureInfo.InvariantCulture) ?? "default"}, neighbors {options.NeighborsRatio?.ToString(CultureInfo.InvariantCulture) ?? "all"}, " +
                          $"searches {options.Searches}{(options.ShareBest ? "" : " (apart)")}, plan seed {options.Seed}{(options.Reproducible ? ", reproducible" : "")}");
        Console.WriteLine($"status {result.Status}, publishable {result.Publishable}, violations {result.Violations.Count}; solver {s.SolverStatus}; ended {s.Ended}: {s.Summary}");
        if (result.Plan is null || s.Objective is null) return 1;
        var final = s.Objective.Value;
        var within = s.Solutions.FirstOrDefault(p => p.Objective <= final * 1.01);
        var first = s.Solutions.FirstOrDefault();
        var k = result.Plan.Kpis;
        Console.WriteLine($"first plan after {first.At.TotalSeconds:0.00} s (objective {first.Objective}); within 1% of the final objective after " +
                          $"{within.At.TotalSeconds:0.00} s; final objective {final} after {s.Elapsed.TotalSeconds:0.0} s, {s.Solutions.Count} improving solutions");
        Console.WriteLine($"served {k.Served}, dropped {k.Dropped} ({string.Join(", ", result.Plan.Dropped.GroupBy(d => d.Reason).Select(g => $"{g.Key} {g.Count()}"))}), " +
                          $"urgent dropped {result.Plan.Dropped.Count(d => request.Visits.Single(v => v.Id == d.VisitId).Urgency == VisitUrgency.Urgent)}, " +
                          $"dropped for teams {result.Plan.Dropped.Count(d => request.Visits.Single(v => v.Id == d.VisitId).TeamSize > 1)} " +
                          $"(of {request.Visits.Count(v => v.TeamSize > 1)}), " +
                          $"travel {k.TotalTravel.TotalHours:0.0} h, overtime {k.TotalOvertime.TotalMinutes:0} min, staff used {k.StaffLoads.Count(l => l.Visits > 0)}");
        Console.WriteLine($"score: travel {result.Score!.Travel}, overtime {result.Score.Overtime}, dropped {result.Score.Dropped}, staff {result.Score.StaffUsed}");
        if (args.Has("plan-out")) await File.WriteAllTextAsync(args.Required("plan-out"), Fingerprint(result.Plan));
        return result.Publishable ? 0 : 1;
    }

    private static RoutePlannerOptions Options(BenchArgs args) => new()
    {
        TimeLimit = Duration.FromMilliseconds((long)(args.Number("seconds", 60) * 1000)),
        FirstSolution = args.Enum("first", FirstSolution.Automatic),
        InitialPlan = args.Enum("initial", InitialPlan.Automatic),
        Metaheuristic = args.Enum("meta", Metaheuristic.Automatic),
        NeighborsRatio = args.Get("neighbors") is { } nr ? double.Parse(nr, CultureInfo.InvariantCulture) : null,
        GuidedLocalSearchLambda = args.Get("lambda") is { } lambda ? double.Parse(lambda, CultureInfo.InvariantCulture) : new RoutePlannerOptions().GuidedLocalSearchLambda,
        LogSearch = args.Has("log"),
        Searches = (int)args.Number("searches", new RoutePlannerOptions().Searches),
        ShareBest = !args.Has("no-share"),
        ShiftKept = !args.Has("fixed-starts"),
        FocusLeftOut = args.Get("focus") is { } focus ? focus == "on" : new RoutePlannerOptions().FocusLeftOut,
        LeftOutRuinShare = args.Get("left-out-share") is { } share ? double.Parse(share, CultureInfo.InvariantCulture) : new RoutePlannerOptions().LeftOutRuinShare,
        HotTemperature = args.Get("hot") is { } hot ? double.Parse(hot, CultureInfo.InvariantCulture) : null,
        RetriedLeftOut = (int)args.Number("retried", new RoutePlannerOptions().RetriedLeftOut),
        AnnealingCycle = (int)args.Number("cycle", new RoutePlannerOptions().AnnealingCycle),
        RelatedStrings = args.Get("related") is { } related ? related == "on" : new RoutePlannerOptions().RelatedStrings,
        ShiftedFirstPlan = args.Get("shifted-first") is { } sf ? sf == "on" : new RoutePlannerOptions().ShiftedFirstPlan,
        Seed = (int)args.Number("plan-seed", 1),
        Reproducible = args.Has("reproducible"),
        IterationLimit = args.Get("iterations") is { } it ? long.Parse(it, CultureInfo.InvariantCulture) : null,
    };

    private static HomeVisitPlanRequest Request(BenchArgs args, int seed)
    {
        var request = HuliDayGenerator.Generate((int)args.Number("visits", 300), (int)args.Number("staff", 30), seed);
        // Switches to see what each feature costs: --solo (every visit for one person), --no-lunch.
        if (args.Has("solo")) request = request with { Visits = request.Visits.Select(v => v with { TeamSize = 1 }).ToList() };
        if (args.Has("no-lunch")) request = request with { Staff = request.Staff.Select(s => s with { Lunch = null }).ToList() };
        return request;
    }

    private static List<int> Seeds(string range) => range.Split(',').SelectMany(part =>
    {
        var ends = part.Split('-');
        int from = int.Parse(ends[0], CultureInfo.InvariantCulture), to = int.Parse(ends[^1], CultureInfo.InvariantCulture);
        return Enumerable.Range(from, to - from + 1);
    }).ToList();

    private static async Task<int> Table(BenchArgs args, RoutePlannerOptions options, List<int> seeds)
    {
        // Checkpoints in seconds (--at), or in iterations of each search (--at-iterations: the same work on any machine,
        // whatever its load; with --iterations the run itself is fixed work too).
        var byIteration = args.Get("at-iterations") is not null;
        var at = (args.Get("at-iterations") ?? args.Get("at") ?? "20").Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToList();
        string Label(double a) => byIteration ? $"{a:0} it" : $"{a:0.#} s";
        var end = options.IterationLimit is { } limit ? $"{limit} it" : $"{options.TimeLimit.TotalSeconds:0.#} s";
        Console.WriteLine($"day table: seeds {string.Join(',', seeds)}, {options.TimeLimit.TotalSeconds} s, searches {options.Searches}, plan seed {options.Seed}; " +
                          $"ruins {(options.RelatedStrings ? "related strings" : "nearest and stretches")}, focus {(options.FocusLeftOut ? "on" : "off")}, " +
                          $"hot {options.HotTemperature?.ToString(CultureInfo.InvariantCulture) ?? "derived"}, cycle {options.AnnealingCycle}, retried {options.RetriedLeftOut}");
        Console.WriteLine($"| seed | first plan | {string.Join(" | ", at.Select(a => $"at {Label(a)}"))} | at {end} | " +
                          $"{string.Join(" | ", at.Select(a => $"{Label(a)} vs end"))} | served / dropped | urgent dropped | overtime | search |");
        Console.WriteLine($"| --- | --- | {string.Join(" | ", at.Select(_ => "---"))} | --- | {string.Join(" | ", at.Select(_ => "---"))} | --- | --- | --- | --- |");
        var gaps = at.Select(_ => new List<double>()).ToList();
        var finals = new List<long>();
        var failures = 0;
        foreach (var seed in seeds)
        {
            var request = Request(args, seed);
            var matrix = await new GreatCircleTravelTimeProvider().GetMatrixAsync(new PlanPlaces(request).Points);
            var result = new HomeVisitRoutePlanner(options).Solve(request, matrix);
            var s = result.Statistics;
            if (!result.Publishable || s.Objective is null || result.Plan is null)
            {
                failures++;
                Console.WriteLine($"| {seed} | {result.Status}: {result.Summary} |");
                continue;
            }
            var final = s.Objective.Value;
            finals.Add(final);
            long By(double point) => s.Solutions.Where(p => byIteration ? p.Iteration <= point : p.At.TotalSeconds <= point).Select(p => p.Objective)
                .DefaultIfEmpty(s.Solutions[0].Objective).Min();
            var values = at.Select(By).ToList();
            for (var i = 0; i < at.Count; i++) gaps[i].Add(100.0 * (values[i] - final) / final);
            var k = result.Plan.Kpis;
            var urgent = result.Plan.Dropped.Count(d => request.Visits.Single(v => v.Id == d.VisitId).Urgency == VisitUrgency.Urgent);
            Console.WriteLine($"| {seed} | {s.Solutions[0].Objective:N0} | {string.Join(" | ", values.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)))} | {final:N0} | " +
                              $"{string.Join(" | ", values.Select(v => $"{100.0 * (v - final) / final:0.00}%"))} | {k.Served} / {k.Dropped} | {urgent} | " +
                              $"{k.TotalOvertime.TotalMinutes:0} min | {s.Summary}; {s.Iterations} iterations |");
        }
        for (var i = 0; i < at.Count; i++)
            if (gaps[i].Count > 0)
                Console.WriteLine($"at {Label(at[i])}: mean {gaps[i].Average():0.00}%, worst {gaps[i].Max():0.00}% above the {end} objective; " +
                                  $"within 1% on {gaps[i].Count(g => g <= 1.0)}/{gaps[i].Count} seeds");
        if (finals.Count > 0)
            Console.WriteLine($"final objectives: min {finals.Min():N0}, max {finals.Max():N0}, mean {finals.Average():N0}; failures {failures}");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>The plan as text (each route's visits and starts, then the dropped): to compare two runs.</summary>
    private static string Fingerprint(HomeVisitPlan plan) =>
        string.Join('\n', plan.Routes.Select(r => $"{r.StaffId}: {string.Join(' ', r.Stops.Select(s => $"{s.VisitId}@{s.Start}"))}")
            .Append("dropped: " + string.Join(' ', plan.Dropped.Select(d => d.VisitId).Order(StringComparer.Ordinal)))) + "\n";
}
