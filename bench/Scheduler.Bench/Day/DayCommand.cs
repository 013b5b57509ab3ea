using System.Globalization;
using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;

namespace Scheduler.Bench.Day;

/// <summary>
/// A realistic day through the planner: <c>day [--visits 300] [--staff 30] [--seed 1] [--seconds 60]
/// [--initial Automatic|Search|Insertion] [--first ...] [--meta ...]</c>. Solves once for the full time and reports when the first plan came and when the
/// objective first came within 1% of the final one, with the served and dropped counts and the check.
/// </summary>
public sealed class DayCommand : IBenchCommand
{
    public string Name => "day";
    public string Summary => "a realistic generated day (Xiamen Huli): time to a first plan and to within 1% of the final one";

    public async Task<int> RunAsync(BenchArgs args)
    {
        var request = HuliDayGenerator.Generate((int)args.Number("visits", 300), (int)args.Number("staff", 30), (int)args.Number("seed", 1));
        // Switches to see what each feature costs: --solo (every visit for one person), --no-lunch.
        if (args.Has("solo")) request = request with { Visits = request.Visits.Select(v => v with { TeamSize = 1 }).ToList() };
        if (args.Has("no-lunch")) request = request with { Staff = request.Staff.Select(s => s with { Lunch = null }).ToList() };
        var options = new RoutePlannerOptions
        {
            TimeLimit = Duration.FromSeconds((long)args.Number("seconds", 60)),
            FirstSolution = args.Enum("first", FirstSolution.Automatic),
            InitialPlan = args.Enum("initial", InitialPlan.Automatic),
            Metaheuristic = args.Enum("meta", Metaheuristic.Automatic),
            NeighborsRatio = args.Get("neighbors") is { } nr ? double.Parse(nr, CultureInfo.InvariantCulture) : null,
            GuidedLocalSearchLambda = args.Get("lambda") is { } lambda ? double.Parse(lambda, CultureInfo.InvariantCulture) : new RoutePlannerOptions().GuidedLocalSearchLambda,
            LogSearch = args.Has("log"),
        };
        var matrix = await new GreatCircleTravelTimeProvider().GetMatrixAsync(new PlanPlaces(request).Points);
        var result = new HomeVisitRoutePlanner(options).Solve(request, matrix);
        var s = result.Statistics;
        Console.WriteLine($"day: {request.Visits.Count} visits ({request.Visits.Count(v => v.TeamSize > 1)} for teams), " +
                          $"{request.Staff.Count} staff, seed {args.Number("seed", 1)}, {options.TimeLimit.TotalSeconds} s, " +
                          $"initial {options.InitialPlan}, first {options.FirstSolution}, metaheuristic {options.Metaheuristic} (ran {result.Statistics.Search}), lambda {options.GuidedLocalSearchLambda?.ToString(CultureInfo.InvariantCulture) ?? "default"}, neighbors {options.NeighborsRatio?.ToString(CultureInfo.InvariantCulture) ?? "all"}");
        Console.WriteLine($"solver {result.Statistics.SolverStatus}; status {result.Status}, publishable {result.Publishable}, violations {result.Violations.Count}");
        if (result.Plan is null || s.Objective is null) return 1;
        var final = s.Objective.Value;
        var within = s.Solutions.FirstOrDefault(p => p.Objective <= final * 1.01);
        var first = s.Solutions.FirstOrDefault();
        var k = result.Plan.Kpis;
        Console.WriteLine($"first plan after {first.At.TotalSeconds:0.00} s (objective {first.Objective}); within 1% of the final objective after " +
                          $"{within.At.TotalSeconds:0.00} s; final objective {final} after {s.Elapsed.TotalSeconds:0.0} s, {s.Solutions.Count} improving solutions");
        Console.WriteLine($"served {k.Served}, dropped {k.Dropped} ({string.Join(", ", result.Plan.Dropped.GroupBy(d => d.Reason).Select(g => $"{g.Key} {g.Count()}"))}), " +
                          $"urgent dropped {result.Plan.Dropped.Count(d => request.Visits.Single(v => v.Id == d.VisitId).Urgency == VisitUrgency.Urgent)}, " +
                          $"travel {k.TotalTravel.TotalHours:0.0} h, overtime {k.TotalOvertime.TotalMinutes:0} min, staff used {k.StaffLoads.Count(l => l.Visits > 0)}");
        Console.WriteLine($"score: travel {result.Score!.Travel}, overtime {result.Score.Overtime}, dropped {result.Score.Dropped}, staff {result.Score.StaffUsed}");
        return result.Publishable ? 0 : 1;
    }
}
