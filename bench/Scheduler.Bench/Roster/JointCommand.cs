using System.Globalization;
using NodaTime;
using Scheduler.Bench.Day;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.Roster;
using Scheduler.Optimization.Roster;
using Scheduler.Optimization.Routing;

namespace Scheduler.Bench.Roster;

/// <summary>
/// <c>joint --seed n --days d [--visits 16] [--route-seconds 5] [--roster-seconds 10] [--typical-minutes 180] [--rate 1] [--rounds 3]</c>:
/// the demo centre's hall (twelve window staff, <see cref="DemoStaffing"/>) on <c>d</c> generated open days from Monday
/// 2026-12-07, ten of whom (s01-s10) also make home visits, with a generated day of visits around Huli
/// (<see cref="HuliDayGenerator"/>) each day. Two ways to plan each day, on the same visits, residents and limits:
/// <list type="bullet">
/// <item><b>routes first</b>: the routes planned alone (staff time free), then the roster with the routes fixed;</item>
/// <item><b>joint</b> (ADR 0020, <see cref="JointDayPlanning"/>, as plan runs do it): the day rostered with nobody out,
/// each staff member's time priced by the hall (<see cref="WindowTimeWorth"/>), the routes planned with those prices,
/// the roster with the routes fixed, the prices read again from it, for up to <c>--rounds</c> rounds; the best round kept.</item>
/// </list>
/// Per day and way: staff out, visits served, travel, the final roster's shortfall cost (expected waiting) and the
/// simulated p90 wait on the day's generated residents; then the totals over all days.
/// </summary>
public sealed class JointCommand : IBenchCommand
{
    public string Name => "joint";
    public string Summary => "routes first against routes priced by the hall: staff out, travel, and the hall's waiting";

    private sealed record Way(string Name, int StaffOut, int Served, int Dropped, double TravelHours, long RouteTravel, long Shortfall, long RosterTotal, List<double> Waits);

    private static IReadOnlyList<RouteDuty> Duties(RoutePlanResult routes) =>
        routes.Plan!.Routes.Where(r => r.Stops.Count > 0).Select(r => new RouteDuty($"r-{r.StaffId}", r.StaffId, r.Departure, r.Return, r.Break is not null)).ToList();

    public async Task<int> RunAsync(BenchArgs args)
    {
        var seed = (int)args.Number("seed", 1);
        var days = (int)args.Number("days", 3);
        var visits = (int)args.Number("visits", 16);
        var routeSeconds = args.Number("route-seconds", 5);
        var rosterOptions = new RosterSolverOptions(args.Number("roster-seconds", 10), 2, 0.01, seed);
        var typical = Duration.FromMinutes(args.Number("typical-minutes", 180));
        var rate = args.Number("rate", 1);
        var rounds = (int)args.Number("rounds", 3);
        var level = ServiceLevel.Default;
        var weights = new RosterWeights();

        var profile = HallProfile.Demo();
        var generator = new HallHistoryGenerator(profile, seed);
        var first = new LocalDate(2026, 12, 7);
        var forecast = DemandForecast.Learn(generator.Visits(first.PlusDays(-365), 365), profile.IsPreHoliday);
        var staff = DemoStaffing.Staff(profile);
        var slots = (int)((RosterDay.MinuteOfDay(profile.Closes) - RosterDay.MinuteOfDay(profile.Opens)) / 15);
        var totals = new Dictionary<string, List<Way>> { ["routes first"] = [], ["joint"] = [] };
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; seed {seed}, {days} days, {visits} visits a day, routes {routeSeconds} s, roster {rosterOptions.TimeLimitSeconds} s");

        var date = first;
        for (var d = 0; d < days; date = date.PlusDays(1))
        {
            if (!profile.IsOpen(date)) continue;
            d++;
            var day = new RosterDay(date, profile.Opens, 15, slots);
            var (booked, walkIns) = generator.Day(date);
            var demand = DayDemand.Build(day, DemoStaffing.Categories, booked.Select(b => b.Booking), forecast, profile.IsPreHoliday(date));
            var needed = demand.Needed(level);
            var arrivals = HallSimulation.FromVisits(day, walkIns.Concat(booked.Where(b => b.Arrived is not null).Select(b => b.Arrived!)));
            var homeVisits = HuliDayGenerator.Generate(visits, 10, seed * 1000 + d);
            var matrix = await new GreatCircleTravelTimeProvider().GetMatrixAsync(new PlanPlaces(homeVisits).Points);
            var routeOptions = new RoutePlannerOptions { TimeLimit = Duration.FromSeconds(routeSeconds), Seed = seed, Reproducible = true };

            RosterPlan Roster(IReadOnlyList<RouteDuty> routes) =>
                new CpSatRosterSolver().Solve(new RosterRequest(day, staff, routes, needed, RosterRules.Default, [], null, weights, rosterOptions));

            Way Finish(string name, RoutePlanResult routes)
            {
                var plan = routes.Plan!;
                var duties = Duties(routes);
                var roster = Roster(duties);
                if (roster.Statistics.Status is not (RosterStatus.Optimal or RosterStatus.Feasible))
                    throw new InvalidOperationException($"{date} {name}: {roster.Statistics.Summary}");
                var waits = HallSimulation.Run(day, DemoStaffing.Categories.ToDictionary(c => c.Id, c => roster.Staffed(c.Id)), arrivals);
                var way = new Way(name, duties.Count, plan.Kpis.Served, plan.Dropped.Count, plan.Kpis.TotalTravel.TotalHours, routes.Score!.Travel,
                    roster.Score.Shortfall, roster.Score.Total, waits.Visits.Select(v => v.WaitMinutes).ToList());
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{date:yyyy-MM-dd} {name,-12} out {way.StaffOut,2} ({string.Join(" ", duties.Select(x => $"{x.StaffId} {x.Leaves:HH:mm}-{x.Returns:HH:mm}"))}), " +
                    $"served {way.Served}/{visits}, travel {way.TravelHours:0.00} h; roster shortfall {way.Shortfall:N0}, total {way.RosterTotal:N0}, " +
                    $"p90 wait {WaitStats.Of(way.Waits).P90:0.0} min; {roster.Statistics.Summary}"));
                totals[name].Add(way);
                return way;
            }

            // Routes first: staff time free.
            Finish("routes first", new HomeVisitRoutePlanner(routeOptions).Solve(homeVisits, matrix));

            // Joint: priced by the hall's roster with nobody out, then by the roster around each round's routes.
            var joint = new JointDayPlanning(new StaffTimePricingSettings(RouteUnitsPerRosterUnit: rate, TypicalRoute: typical));
            var shifts = homeVisits.Staff.ToDictionary(s => s.StaffId, s => (s.Start, s.End));
            var played = await joint.RunAsync(Roster([]), needed, staff, weights, shifts, rounds,
                (prices, round) =>
                {
                    var priced = homeVisits with { Staff = homeVisits.Staff.Select(s => s with { UseCost = prices.GetValueOrDefault(s.StaffId) }).ToList() };
                    var result = new HomeVisitRoutePlanner(routeOptions).Solve(priced, matrix);
                    Console.WriteLine($"{date:yyyy-MM-dd} round {round}     {HallJointPlanning.Prices(prices)}: {string.Join(" ", prices.Select(p => $"{p.Key} {p.Value:N0}"))}");
                    return Task.FromResult(new RoutesRound<RoutePlanResult>(result, Duties(result), result.Score!.Travel + result.Score.Overtime + result.Score.Dropped));
                },
                duties => Task.FromResult<RosterPlan?>(Roster(duties)));
            foreach (var r in played)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd} round {r.Round} total {r.Total:N0} (routes {r.Routes.Cost:N0}, roster {r.Roster?.Score.Total:N0})"));
            Finish("joint", JointDayPlanning.Best(played).Routes.Routes);
        }

        foreach (var (name, ways) in totals)
        {
            var waits = ways.SelectMany(w => w.Waits).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-12}: staff out {ways.Sum(w => w.StaffOut)}, served {ways.Sum(w => w.Served)}, dropped {ways.Sum(w => w.Dropped)}, travel {ways.Sum(w => w.TravelHours):0.00} h " +
                $"({ways.Sum(w => w.RouteTravel):N0}), roster shortfall {ways.Sum(w => w.Shortfall):N0}, roster total {ways.Sum(w => w.RosterTotal):N0}, " +
                $"p50 wait {WaitStats.Of(waits).P50:0.0} min, p90 {WaitStats.Of(waits).P90:0.0} min, over 30 min {waits.Count(x => x > 30)}"));
        }
        var a = totals["routes first"];
        var b = totals["joint"];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"joint/routes first: roster shortfall {b.Sum(w => w.Shortfall) / (double)Math.Max(1, a.Sum(w => w.Shortfall)):0.000}, " +
            $"p90 wait {WaitStats.Of(b.SelectMany(w => w.Waits).ToList()).P90 / Math.Max(1e-9, WaitStats.Of(a.SelectMany(w => w.Waits).ToList()).P90):0.000}, " +
            $"travel {b.Sum(w => w.RouteTravel) / (double)Math.Max(1, a.Sum(w => w.RouteTravel)):0.000}, served {b.Sum(w => w.Served)}/{a.Sum(w => w.Served)}"));
        return 0;
    }
}
