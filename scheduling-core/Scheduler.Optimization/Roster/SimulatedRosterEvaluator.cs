using Scheduler.Core.Roster;

namespace Scheduler.Optimization.Roster;

/// <summary>
/// The waiting curve a dispatcher sees: one seeded draw of the day's residents (booked with lateness and no-shows,
/// walk-ins from the forecast) run through the hall with the roster's windows and with the flat roster of the same
/// window staff-slots; waits grouped by the hour the resident arrived.
/// </summary>
public sealed class SimulatedRosterEvaluator : IRosterEvaluator
{
    public WaitingCurve Evaluate(DayDemand demand, IReadOnlyList<BookedDemand> booked, RosterPlan plan, int seed)
    {
        var day = demand.Day;
        var arrivals = HallSimulation.Draw(demand, booked, new Punctuality(), seed);
        var windows = demand.Categories.ToDictionary(c => c.Id, c => plan.Staffed(c.Id));
        var windowSlots = windows.Values.Sum(w => w.Sum());
        var flatWindows = FlatRoster.Windows(day, demand.Categories, windowSlots);
        var optimised = HallSimulation.Run(day, windows, arrivals);
        var flat = HallSimulation.Run(day, flatWindows, arrivals);
        int HourOf(SimVisit v) => day.Opens.PlusMinutes((long)Math.Floor(v.ArrivesAt)).Hour;
        var ours = optimised.Visits.GroupBy(HourOf).ToDictionary(g => g.Key, g => WaitStats.Of(g.Select(v => v.WaitMinutes)));
        var theirs = flat.Visits.GroupBy(HourOf).ToDictionary(g => g.Key, g => WaitStats.Of(g.Select(v => v.WaitMinutes)));
        var hours = ours.Keys.Union(theirs.Keys).Order().Select(h =>
        {
            var o = ours.GetValueOrDefault(h) ?? WaitStats.Of([]);
            var f = theirs.GetValueOrDefault(h) ?? WaitStats.Of([]);
            return new HourWaits(h, o.Residents, Round(o.P50), Round(o.P90), Round(f.P50), Round(f.P90));
        }).ToList();
        var slotHours = day.SlotMinutes / 60.0;
        return new WaitingCurve(seed, hours, Round(optimised.Waits.P50), Round(optimised.Waits.P90), Round(flat.Waits.P50), Round(flat.Waits.P90),
            windowSlots * slotHours, flatWindows.Values.Sum(w => w.Sum()) * slotHours);
    }

    private static double Round(double minutes) => Math.Round(minutes, 1);
}
