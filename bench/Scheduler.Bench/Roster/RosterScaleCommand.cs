using System.Globalization;
using NodaTime;
using Scheduler.Core.Roster;
using Scheduler.Optimization.Roster;

namespace Scheduler.Bench.Roster;

/// <summary>
/// <c>roster-scale [--seed 1] [--seconds 10] [--workers 2] [--gap 0.01] [--params ...]</c>: a 60-staff, 40-window,
/// 48-slot day (15-minute slots 08:00-20:00, five categories of 12, 10, 8, 6 and 4 windows, 40 staff on 08:00-17:00
/// and 20 on 11:00-20:00, each skilled for one or two categories, three out on home-visit routes, evenings optional
/// with a week's evening counts so far) rostered by CP-SAT; prints the status, objective, proven bound, gap and time.
/// </summary>
public sealed class RosterScaleCommand : IBenchCommand
{
    public string Name => "roster-scale";
    public string Summary => "a 60-staff, 40-window, 48-slot roster day: gap and time of CP-SAT";

    public Task<int> RunAsync(BenchArgs args)
    {
        var seed = (int)args.Number("seed", 1);
        var options = new RosterSolverOptions(args.Number("seconds", 10), (int)args.Number("workers", 2), args.Number("gap", 0.01), seed, args.Get("params"));
        var (request, residents) = Build(seed, options);
        // Switches to see what each part of the model costs the proof: --per-switch n, --no-breaks, --no-continuous.
        request = request with { Weights = request.Weights with { PerSwitch = (long)args.Number("per-switch", request.Weights.PerSwitch) } };
        if (args.Has("no-breaks")) request = request with { Rules = request.Rules with { BreakAfterSlots = 1000 } };
        if (args.Has("no-continuous")) request = request with { Rules = request.Rules with { MaxContinuousWindowSlots = 1000 } };
        var plan = new CpSatRosterSolver().Solve(request);
        var s = plan.Statistics;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"roster-scale: {request.Staff.Count} staff, {request.Categories.Sum(c => c.Windows)} windows, {request.Day.Slots} slots, {residents:0} residents expected, seed {seed}, " +
            $"{options.Workers} workers, limit {options.TimeLimitSeconds} s, gap limit {options.RelativeGap:P1}{(options.SolverParameters is { } p ? ", " + p : "")}"));
        Console.WriteLine($"score {plan.Score}; short {plan.Shortfall.MissingWindowSlots} window-slots ({plan.Shortfall.BeyondHall} beyond the hall)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"status {s.Status}, gap {s.Gap:P2}, time {s.Seconds:0.00} s (objective {s.Objective}, bound {s.Bound}); {s.Summary}"));
        return Task.FromResult(s.Status is RosterStatus.Optimal or RosterStatus.Feasible ? 0 : 1);
    }

    internal static (RosterRequest Request, double Residents) Build(int seed, RosterSolverOptions options)
    {
        string[] ids = ["c1", "c2", "c3", "c4", "c5"];
        int[] windows = [12, 10, 8, 6, 4];
        double[] minutes = [12, 18, 25, 30, 40];
        double[] volume = [230, 120, 70, 45, 22];
        double[][] shapes =
        [
            [0.6, 1.6, 1.5, 1.1, 0.5, 0.7, 1.0, 0.9, 0.7, 0.5, 0.6, 0.3],
            [0.3, 0.8, 1.0, 0.9, 0.4, 0.9, 1.5, 1.5, 1.1, 0.6, 0.5, 0.2],
            [0.5, 1.0, 1.2, 1.0, 0.4, 0.8, 1.0, 1.0, 0.7, 0.4, 0.3, 0.1],
            [0.4, 1.2, 1.3, 0.9, 0.3, 0.6, 1.1, 1.2, 0.8, 0.3, 0.2, 0.1],
            [0.5, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 0.6, 0.3, 0.2, 0.1],
        ];
        var profile = HallProfile.Demo() with
        {
            Opens = new LocalTime(8, 0),
            Closes = new LocalTime(20, 0),
            FirstHour = 8,
            Categories = ids.Select((id, i) => new HallCategoryProfile(id, volume[i], 0.4, 0.08, shapes[i])).ToList(),
            Items = ids.Select((id, i) => new HallItem($"{id}-item", id, minutes[i], 1)).ToList(),
        };
        var generator = new HallHistoryGenerator(profile, seed);
        var date = new LocalDate(2026, 12, 9);
        var forecast = DemandForecast.Learn(generator.Visits(date.PlusDays(-120), 120), profile.IsPreHoliday);
        var day = new RosterDay(date, profile.Opens, 15, 48);
        var categories = ids.Select((id, i) => new RosterCategory(id, windows[i], minutes[i])).ToList();
        var (booked, _) = generator.Day(date);
        var demand = DayDemand.Build(day, categories, booked.Select(b => b.Booking), forecast, profile.IsPreHoliday(date));
        var needed = demand.Needed(ServiceLevel.Default);

        var random = new Random(seed);
        var staff = new List<RosterStaff>();
        for (var i = 0; i < 60; i++)
        {
            var early = i < 40;
            var shift = early ? new ShiftSpan(new LocalTime(8, 0), new LocalTime(17, 0)) : new ShiftSpan(new LocalTime(11, 0), new LocalTime(20, 0));
            // Skills in proportion to the windows: the first category by weight, a second for two staff in five.
            var first = Pick(random, windows);
            var skills = new List<string> { ids[first] };
            if (random.NextDouble() < 0.4) skills.Add(ids[(first + 1 + random.Next(4)) % 5]);
            staff.Add(new RosterStaff($"p{i + 1:00}", skills, [shift], early ? 0 : random.Next(0, 12)));
        }
        var routes = new List<RouteDuty>
        {
            new("r1", "p05", new LocalTime(9, 30), new LocalTime(12, 0)),
            new("r2", "p17", new LocalTime(14, 0), new LocalTime(16, 30)),
            new("r3", "p45", new LocalTime(15, 0), new LocalTime(17, 0)),
        };
        var rules = RosterRules.Default with { LunchFrom = new LocalTime(12, 0), LunchTo = new LocalTime(13, 30), LunchWindows = 1 };
        var request = new RosterRequest(day, staff, routes, needed, rules, [], null, new RosterWeights(), options);
        var residents = ids.Sum(id => Enumerable.Range(0, day.Slots).Sum(t => demand[id, t].Arrivals));
        return (request, residents);
    }

    private static int Pick(Random random, int[] weights)
    {
        var r = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            if (r < weights[i]) return i;
            r -= weights[i];
        }
        return weights.Length - 1;
    }
}
