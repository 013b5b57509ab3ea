using System.Globalization;
using NodaTime;
using Scheduler.Bench.Day;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;

namespace Scheduler.Bench.Compare;

/// <summary>
/// The route planner against plain OR-Tools on generated home-visit days:
/// <c>compare [--visits 100,120,140,160,180,200] [--seed 1] [--seconds 10] [--searches 2] [--initial Automatic|Search|Insertion] [--hot n] [--related on|off]</c>. Each day has visits for one
/// person with one window of one to three hours, 20-60 min of service, and enough staff to serve every visit (no
/// lunch break, so OR-Tools' own first solution can plan it). "Plain OR-Tools" is the same model and checker with
/// path cheapest arc and guided local search at OR-Tools' default lambda, one search; "planner" is the product's
/// default settings. Both get the same time limit. Reports total travel, served visits, and the planner's saving.
/// </summary>
public sealed class CompareCommand : IBenchCommand
{
    public string Name => "compare";
    public string Summary => "the route planner against plain OR-Tools (path cheapest arc + guided local search) on generated days of 100-200 visits";

    public async Task<int> RunAsync(BenchArgs args)
    {
        var sizes = (args.Get("visits") ?? "100,120,140,160,180,200").Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToList();
        var seed = (int)args.Number("seed", 1);
        var limit = Duration.FromMilliseconds((long)(args.Number("seconds", 10) * 1000));
        var planner = new RoutePlannerOptions
        {
            TimeLimit = limit,
            Searches = (int)args.Number("searches", new RoutePlannerOptions().Searches),
            InitialPlan = args.Enum("initial", InitialPlan.Automatic),
            HotTemperature = args.Get("hot") is { } hot ? double.Parse(hot, CultureInfo.InvariantCulture) : null,
            RelatedStrings = args.Get("related") is { } related ? related == "on" : new RoutePlannerOptions().RelatedStrings,
        };
        var plain = new RoutePlannerOptions
        {
            TimeLimit = limit,
            InitialPlan = InitialPlan.Search,
            FirstSolution = FirstSolution.PathCheapestArc,
            Metaheuristic = Metaheuristic.GuidedLocalSearch,
            GuidedLocalSearchLambda = null,
            Searches = 1,
        };
        Console.WriteLine($"compare: {limit.TotalSeconds} s each, seed {seed}, planner searches {planner.Searches}");
        Console.WriteLine("| visits | staff | plain OR-Tools travel | served | planner travel | served | planner shorter by | planner search |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        var savings = new List<double>();
        var allServed = true;
        foreach (var (size, i) in sizes.Select((s, i) => (s, i)))
        {
            var request = Generate(size, seed * 1000 + i);
            var matrix = await new GreatCircleTravelTimeProvider().GetMatrixAsync(new PlanPlaces(request).Points);
            var a = new HomeVisitRoutePlanner(plain).Solve(request, matrix);
            var b = new HomeVisitRoutePlanner(planner).Solve(request, matrix);
            if (a.Plan is null || b.Plan is null || !a.Publishable || !b.Publishable)
            {
                Console.WriteLine($"| {size} | {request.Staff.Count} | {a.Summary} | | {b.Summary} | | | |");
                allServed = false;
                continue;
            }
            var saving = 100.0 * (a.Plan.Kpis.TotalTravel - b.Plan.Kpis.TotalTravel).TotalSeconds / a.Plan.Kpis.TotalTravel.TotalSeconds;
            savings.Add(saving);
            allServed &= b.Plan.Kpis.Dropped == 0;
            Console.WriteLine($"| {size} | {request.Staff.Count} | {a.Plan.Kpis.TotalTravel.TotalHours:0.00} h | {a.Plan.Kpis.Served} | " +
                              $"{b.Plan.Kpis.TotalTravel.TotalHours:0.00} h | {b.Plan.Kpis.Served} | {saving:0.0}% | {b.Statistics.Summary} |");
        }
        if (savings.Count > 0)
            Console.WriteLine($"planner shorter by {savings.Average():0.0}% on average (min {savings.Min():0.0}%, max {savings.Max():0.0}%); " +
                              $"every visit served by the planner: {(allServed ? "yes" : "no")}");
        return 0;
    }

    /// <summary>
    /// A day of visits for one around the Huli centre: one window of 1, 2 or 3 hours starting between 08:30 and the
    /// latest time that ends it by 17:00, 20-60 min of service, a staff member for every seven visits (08:30-17:30, a
    /// fifth of them from home, up to an hour of overtime, no lunch break). The same seed gives the same day.
    /// </summary>
    public static HomeVisitPlanRequest Generate(int visits, int seed)
    {
        var random = new Random(seed);
        GeoPoint Home() => new(Math.Round(24.49 + random.NextDouble() * 0.06, 5), Math.Round(118.08 + random.NextDouble() * 0.11, 5));
        LocalTime T(int minutes) => new LocalTime(0, 0).PlusMinutes(minutes);
        var staff = Enumerable.Range(1, (visits + 6) / 7).Select(i =>
        {
            var place = random.NextDouble() < 0.2 ? StaffPlace.AtHome(Home()) : StaffPlace.Centre;
            return new StaffShift($"s{i:00}", [], T(8 * 60 + 30), T(17 * 60 + 30), null, place, place, Duration.FromHours(9), Duration.FromHours(1));
        }).ToList();
        int[] minutes = [20, 30, 30, 40, 45, 60];
        var list = Enumerable.Range(1, visits).Select(i =>
        {
            var length = 60 * (1 + random.Next(3));
            var from = 8 * 60 + 30 + 15 * random.Next((17 * 60 - length - (8 * 60 + 30)) / 15 + 1);
            return new VisitToPlan($"hv{i:000}", Home(), Duration.FromMinutes(minutes[random.Next(minutes.Length)]),
                [new TimeWindow(T(from), T(from + length))], 1, [], VisitUrgency.Routine, random.Next(0, 11));
        }).ToList();
        return new HomeVisitPlanRequest("huli", "Asia/Shanghai", HuliDayGenerator.HuliCentre, new LocalDate(2027, 3, 2), list, staff);
    }
}
