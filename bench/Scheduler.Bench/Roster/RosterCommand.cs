using System.Globalization;
using System.Text;
using NodaTime;
using Scheduler.Core.Roster;
using Scheduler.Optimization.Roster;

namespace Scheduler.Bench.Roster;

/// <summary>
/// <c>roster --seed n --days d --out file.csv [--seconds 10] [--gap 0.01] [--workers 2] [--params cp-sat-text]
/// [--share 0.8 --target 10 --max 30] [--only k]</c> (<c>--only</c>: solve only the k-th day, for experiments): a year of the demo centre's hall
/// history generated from the seed, the forecast learned from it, then <c>d</c> open days from Monday 2026-12-07 generated
/// by the same seed. Each day is rostered by CP-SAT from the booked appointments and the forecast, and flat (the same
/// window staff-slots spread evenly, <see cref="FlatRoster"/>); both run through the hall simulation on the day's
/// generated residents. One CSV row per day and roster; the last line compares the p90 wait of all days.
/// </summary>
public sealed class RosterCommand : IBenchCommand
{
    public string Name => "roster";
    public string Summary => "optimised against flat rosters of the same staff-hours on generated hall days: waits by simulation";

    public Task<int> RunAsync(BenchArgs args)
    {
        var seed = (int)args.Number("seed", 1);
        var days = (int)args.Number("days", 5);
        var output = args.Required("out");
        var options = new RosterSolverOptions(args.Number("seconds", 10), (int)args.Number("workers", 2), args.Number("gap", 0.01), seed, args.Get("params"));
        var level = new ServiceLevel(args.Number("share", 0.8), args.Number("target", 10), args.Number("max", 30));

        var profile = HallProfile.Demo();
        var generator = new HallHistoryGenerator(profile, seed);
        var first = new LocalDate(2026, 12, 7);
        var history = generator.Visits(first.PlusDays(-365), 365);
        var forecast = DemandForecast.Learn(history, profile.IsPreHoliday);
        var staff = DemoStaffing.Staff(profile);
        var slots = (int)((RosterDay.MinuteOfDay(profile.Closes) - RosterDay.MinuteOfDay(profile.Opens)) / 15);

        var csv = new StringBuilder("day,roster,staff_hours,p50_wait_min,p90_wait_min,max_wait_min,over_30_min,served\n");
        var optimisedWaits = new List<double>();
        var flatWaits = new List<double>();
        double optimisedHours = 0, flatHours = 0;
        var date = first;
        for (var d = 0; d < days; date = date.PlusDays(1))
        {
            if (!profile.IsOpen(date)) continue;
            d++;
            if (args.Get("only") is { } only && d != int.Parse(only, CultureInfo.InvariantCulture)) { generator.Day(date); continue; }
            var day = new RosterDay(date, profile.Opens, 15, slots);
            var (booked, walkIns) = generator.Day(date);
            var demand = DayDemand.Build(day, DemoStaffing.Categories, booked.Select(b => b.Booking), forecast, profile.IsPreHoliday(date));
            var needed = demand.Needed(level);
            var request = new RosterRequest(day, staff, DemoStaffing.Routes(date), needed, RosterRules.Default, [], null, new RosterWeights(), options);
            var plan = new CpSatRosterSolver().Solve(request);
            if (plan.Statistics.Status is not (RosterStatus.Optimal or RosterStatus.Feasible))
            {
                Console.Error.WriteLine($"{date}: {plan.Statistics.Summary}");
                return Task.FromResult(1);
            }
            var arrivals = HallSimulation.FromVisits(day, walkIns.Concat(booked.Where(b => b.Arrived is not null).Select(b => b.Arrived!)));
            var optimisedWindows = DemoStaffing.Categories.ToDictionary(c => c.Id, c => plan.Staffed(c.Id));
            var windowSlots = optimisedWindows.Values.Sum(w => w.Sum());
            var flatWindows = FlatRoster.Windows(day, DemoStaffing.Categories, windowSlots);
            var optimised = HallSimulation.Run(day, optimisedWindows, arrivals);
            var flat = HallSimulation.Run(day, flatWindows, arrivals);
            var oh = windowSlots * 15 / 60.0;
            var fh = flatWindows.Values.Sum(w => w.Sum()) * 15 / 60.0;
            Row(csv, date, "optimised", oh, optimised.Waits);
            Row(csv, date, "flat", fh, flat.Waits);
            optimisedWaits.AddRange(optimised.Visits.Select(v => v.WaitMinutes));
            flatWaits.AddRange(flat.Visits.Select(v => v.WaitMinutes));
            optimisedHours += oh;
            flatHours += fh;
            Console.WriteLine($"{date:yyyy-MM-dd} {date.DayOfWeek,-9} residents {arrivals.Count,4}, needed {needed.PerCategory.Values.Sum(n => n.Sum()) * 15 / 60.0,5:0.0} window-h, " +
                              $"optimised p90 {optimised.Waits.P90,5:0.0} min, flat p90 {flat.Waits.P90,5:0.0} min, short {plan.Shortfall.MissingWindowSlots} window-slots; {plan.Score}; {plan.Statistics.Summary}");
        }
        var ratio = WaitStats.Of(optimisedWaits).P90 / Math.Max(1e-9, WaitStats.Of(flatWaits).P90);
        var last = string.Create(CultureInfo.InvariantCulture, $"p90 wait optimised/flat: {ratio:0.00} at staff-hours {optimisedHours:0.##}/{flatHours:0.##}");
        csv.Append(last).Append('\n');
        File.WriteAllText(output, csv.ToString());
        Console.WriteLine(last);
        return Task.FromResult(0);
    }

    private static void Row(StringBuilder csv, LocalDate date, string roster, double hours, WaitStats w) =>
        csv.Append(string.Create(CultureInfo.InvariantCulture,
            $"{date:yyyy-MM-dd},{roster},{hours:0.##},{w.P50:0.0},{w.P90:0.0},{w.Max:0.0},{w.Over30},{w.Residents}\n"));
}
