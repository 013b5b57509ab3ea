using System.Diagnostics;
using System.Globalization;
using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;

namespace Scheduler.Bench.Routing;

/// <summary>
/// Solver quality on Solomon-format VRPTW instances, through the product's own planner and checker:
/// <c>routing --instances &lt;files or folders&gt; --seconds &lt;per instance&gt; --bks &lt;csv&gt; --out &lt;csv&gt;
/// [--routes &lt;file&gt;] [--convention dimacs|exact] [--first &lt;FirstSolution&gt;] [--meta &lt;Metaheuristic&gt;]
/// [--lambda &lt;GLS lambda&gt;] [--vehicle-cost &lt;distance units&gt;] [--elimination &lt;share of the time&gt;] [--portfolio &lt;FirstSolution,FirstSolution,...&gt;]</c>.
/// </summary>
public sealed class RoutingCommand : IBenchCommand
{
    public string Name => "routing";
    public string Summary => "VRPTW instances (Solomon format) through the home-visit route planner, compared with best-known solutions";

    public async Task<int> RunAsync(BenchArgs args)
    {
        var files = args.All("instances").SelectMany<string, string>(p => Directory.Exists(p)
            ? Directory.GetFiles(p, "*.txt").Order(StringComparer.Ordinal)
            : [p]).ToList();
        if (files.Count == 0) throw new BenchUsageException("--instances names no file");
        var seconds = args.Number("seconds", 10);
        var convention = args.Enum("convention", DistanceConvention.Exact);
        var bks = args.Get("bks") is { } bksPath ? ReadBks(bksPath) : new();
        var outPath = args.Required("out");
        var routesPath = args.Get("routes");
        // Costs in the planner's integer units: tenths of a distance unit (dimacs) or thousandths (exact).
        var unit = convention == DistanceConvention.Dimacs ? 10L : 1000L;
        var vehicleCost = (long)(args.Number("vehicle-cost", 0) * unit);
        var options = new RoutePlannerOptions
        {
            TimeLimit = Duration.FromMilliseconds((long)(seconds * 1000)),
            // Defaults: the best settings found on the 56 instances (docs/benchmarks.md, "Route planner").
            FirstSolution = args.Enum("first", FirstSolution.Automatic),
            Metaheuristic = args.Enum("meta", Metaheuristic.Automatic),
            GuidedLocalSearchLambda = args.Get("lambda") is { } lambda ? double.Parse(lambda, CultureInfo.InvariantCulture) : new RoutePlannerOptions().GuidedLocalSearchLambda,
            LogSearch = args.Has("log"),
            Ruin = args.Enum("ruin", RuinStrategy.StringRemovals),
            RuinSize = (int)args.Number("ruin-size", new RoutePlannerOptions().RuinSize),
            NeighborsRatio = args.Get("neighbors") is { } nr ? double.Parse(nr, CultureInfo.InvariantCulture) : null,
            InitialPlan = args.Enum("initial", InitialPlan.Automatic),
            // --elimination 0.4: the share of the time given to emptying routes when a vehicle costs something (0: none).
            EliminationAttemptShare = args.Get("attempt") is { } attempt ? double.Parse(attempt, CultureInfo.InvariantCulture) : new RoutePlannerOptions().EliminationAttemptShare,
            EliminationShare = args.Get("elimination") is { } share ? double.Parse(share, CultureInfo.InvariantCulture) : new RoutePlannerOptions().EliminationShare,
            // --portfolio ParallelCheapestInsertion,Automatic: one search per first solution, sharing --seconds.
            Portfolio = (args.Get("portfolio") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(f => Enum.TryParse<FirstSolution>(f, ignoreCase: true, out var v) ? v
                    : throw new BenchUsageException($"--portfolio: no first solution {f}")).ToList(),
            // --ops path_lns,no-cross: switch local search operators on (or off with a leading "no-").
            LocalSearchOperators = (args.Get("ops") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                .ToDictionary(o => o.StartsWith("no-", StringComparison.Ordinal) ? o[3..] : o, o => !o.StartsWith("no-", StringComparison.Ordinal), StringComparer.Ordinal),
            Weights = new PenaltyWeights
            {
                TravelPerUnit = 1,
                TravelBasis = convention == DistanceConvention.Dimacs ? TravelCostBasis.Seconds : TravelCostBasis.Metres,
                // Leaving a customer out must always cost more than another vehicle and any detour.
                DropRoutine = Math.Max(100_000 * unit, vehicleCost * 100),
                PerStaffUsed = vehicleCost,
                OvertimePerSecond = 0,
                PerDayWaited = 0,
            },
        };
        Console.WriteLine($"routing: {files.Count} instances, {seconds} s each, convention {convention}, first {options.FirstSolution}, " +
                          $"metaheuristic {options.Metaheuristic}, lambda {options.GuidedLocalSearchLambda?.ToString(CultureInfo.InvariantCulture) ?? "default"}, vehicle cost {args.Number("vehicle-cost", 0)}, " +
                          $"ruin {options.Ruin} {options.RuinSize}, neighbors {options.NeighborsRatio?.ToString(CultureInfo.InvariantCulture) ?? "all"}, " +
                          $"initial {options.InitialPlan}, elimination {options.EliminationShare.ToString(CultureInfo.InvariantCulture)} (attempts {options.EliminationAttemptShare.ToString(CultureInfo.InvariantCulture)}), ops {args.Get("ops") ?? "default"}, " +
                          $"portfolio {(options.Portfolio.Count > 0 ? string.Join(',', options.Portfolio) : "none")}");

        var planner = new HomeVisitRoutePlanner(options);
        await using var output = new StreamWriter(outPath);
        await output.WriteLineAsync("instance,vehicles,distance,bks_vehicles,bks_distance,gap_percent,seconds,feasible,unserved");
        await using var routesOut = routesPath is null ? null : new StreamWriter(routesPath);
        var gaps = new List<double>();
        int allFeasible = 0, allServed = 0, fewerOrEqualVehicles = 0, compared = 0;
        foreach (var file in files)
        {
            var instance = SolomonInstance.Read(file);
            var request = instance.ToRequest();
            var matrix = instance.Matrix(request, convention);
            var clock = Stopwatch.StartNew();
            var result = planner.Solve(request, matrix);
            var elapsed = clock.Elapsed.TotalSeconds;
            var routes = result.Plan?.Routes.Where(r => r.Stops.Count > 0)
                .Select(r => r.Stops.Select(s => int.Parse(s.VisitId, CultureInfo.InvariantCulture)).ToList()).ToList() ?? [];
            var distance = routes.Sum(r => RouteLength(instance, r, convention));
            var unserved = request.Visits.Count - routes.Sum(r => r.Count);
            var feasible = result.Plan is not null && result.Violations.Count == 0 && unserved == 0;
            string bksVehicles = "", bksDistance = "", gap = "";
            if (bks.TryGetValue(instance.Name.ToUpperInvariant(), out var best))
            {
                bksVehicles = best.Vehicles.ToString(CultureInfo.InvariantCulture);
                bksDistance = best.Distance.ToString("0.00", CultureInfo.InvariantCulture);
                var g = Math.Round(100 * (distance - best.Distance) / best.Distance, 2) + 0.0;
                gap = g.ToString("0.00", CultureInfo.InvariantCulture);
                if (feasible) gaps.Add(g);
                compared++;
                if (routes.Count <= best.Vehicles) fewerOrEqualVehicles++;
            }
            if (feasible) allFeasible++;
            if (unserved == 0) allServed++;
            await output.WriteLineAsync(string.Join(',', instance.Name, routes.Count,
                distance.ToString("0.00", CultureInfo.InvariantCulture), bksVehicles, bksDistance, gap,
                elapsed.ToString("0.0", CultureInfo.InvariantCulture), feasible ? "yes" : "no", unserved));
            await output.FlushAsync();
            if (routesOut is not null)
            {
                await routesOut.WriteLineAsync($"# {instance.Name} vehicles {routes.Count} distance {distance.ToString("0.00", CultureInfo.InvariantCulture)}");
                foreach (var r in routes) await routesOut.WriteLineAsync(string.Join(' ', r));
                await routesOut.FlushAsync();
            }
            Console.WriteLine($"{instance.Name,-8} vehicles {routes.Count,3} distance {distance,9:0.00}  bks {bksVehicles,3} {bksDistance,9}  gap {gap,6}%  " +
                              $"{elapsed:0.0} s  {(feasible ? "feasible" : "NOT FEASIBLE")}  unserved {unserved}" +
                              (result.Statistics.RoutesEliminated > 0 ? $"  ({result.Statistics.RoutesEliminated} emptied)" : "") +
                              (result.Violations.Count > 0 ? $"  {result.Violations[0]}" : ""));
        }
        Console.WriteLine($"mean gap {(gaps.Count > 0 ? gaps.Average() : double.NaN):0.000}% over {gaps.Count} feasible instances; " +
                          $"feasible {allFeasible}/{files.Count}, all served {allServed}/{files.Count}, vehicles <= bks {fewerOrEqualVehicles}/{compared}");
        return 0;
    }

    /// <summary>The length of a route (customer numbers, depot left out) under the convention, in Solomon units.</summary>
    public static double RouteLength(SolomonInstance instance, IReadOnlyList<int> customers, DistanceConvention convention)
    {
        var rows = instance.Rows.ToDictionary(r => r.Number);
        double total = 0;
        var at = rows[0];
        foreach (var c in customers.Select(n => rows[n]).Append(rows[0]))
        {
            total += SolomonInstance.Length(at, c, convention);
            at = c;
        }
        return total;
    }

    private static Dictionary<string, (int Vehicles, double Distance)> ReadBks(string path) =>
        File.ReadLines(path).Skip(1).Select(l => l.Split(',')).Where(f => f.Length >= 3)
            .ToDictionary(f => f[0].Trim().ToUpperInvariant(),
                f => (int.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture)));
}
