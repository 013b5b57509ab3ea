using Scheduler.Core.Roster;

namespace Scheduler.Optimization.Roster;

/// <summary>A resident in the simulated hall: category, minutes after opening they arrive, minutes at the window, green channel.</summary>
public sealed record SimArrival(string CategoryId, double ArrivesAt, double ServiceMinutes, bool Green);

/// <summary>One resident's simulated visit: when they arrived and how long they waited for a window.</summary>
public sealed record SimVisit(string CategoryId, double ArrivesAt, double WaitMinutes, bool Green);

/// <summary>Waits of a group of residents (nearest-rank percentiles), with the queue seen in their hour when per hour.</summary>
public sealed record WaitStats(int Residents, double P50, double P90, double Max, int Over30)
{
    public static WaitStats Of(IEnumerable<double> waits)
    {
        var w = waits.OrderBy(x => x).ToArray();
        if (w.Length == 0) return new WaitStats(0, 0, 0, 0, 0);
        return new WaitStats(w.Length, Percentiles.NearestRank(w, 0.5), Percentiles.NearestRank(w, 0.9), w[^1], w.Count(x => x > 30));
    }
}

/// <summary>Per category and hour of the day (hour counted from midnight).</summary>
public sealed record HourReport(string CategoryId, int Hour, WaitStats Waits, double MeanQueue, int MaxQueue);

/// <summary>Per category over the day: waits, utilisation of the windows rostered (busy minutes / window-minutes) and queues.</summary>
public sealed record CategoryReport(string CategoryId, WaitStats Waits, double Utilisation, double MeanQueue, int MaxQueue, double WindowMinutes);

/// <summary>A simulated day: every resident, the day's waits, per category, per category and hour.</summary>
public sealed record SimulationReport(IReadOnlyList<SimVisit> Visits, WaitStats Waits, IReadOnlyList<CategoryReport> Categories, IReadOnlyList<HourReport> Hours);

/// <summary>
/// A discrete-event simulation of a day in the hall. Each category is a queue with as many windows open in each slot
/// as the roster staffs; a window closing in a slot finishes the resident at it first. Residents in the green
/// channel (绿色通道) are called before the others, otherwise first come, first served. After closing the windows of
/// the last slot (at least one) serve whoever is still waiting. Seeded: one seed gives one day.
/// </summary>
public static class HallSimulation
{
    /// <summary>
    /// The day's residents drawn from the demand: each booked resident comes unless a no-show, early or late around
    /// the slot start; walk-ins (and extended-hours requests) arrive as a Poisson process at the forecast rate of
    /// each slot; times at the window are lognormal around the item's minutes (walk-ins: the category's mean).
    /// </summary>
    public static IReadOnlyList<SimArrival> Draw(DayDemand demand, IEnumerable<BookedDemand> booked, Punctuality punctuality, int seed)
    {
        var draws = new Draws(seed);
        var day = demand.Day;
        var close = (double)day.SlotMinutes * day.Slots;
        var arrivals = new List<SimArrival>();
        foreach (var b in booked)
        {
            if (draws.Chance(punctuality.NoShowShare)) continue;
            var at = Math.Clamp(day.MinutesOf(b.Start) + draws.Normal(punctuality.MeanLatenessMinutes, punctuality.LatenessSdMinutes), 0, close - 0.01);
            arrivals.Add(new SimArrival(b.CategoryId, at, draws.ServiceMinutes(b.Minutes), b.Green));
        }
        foreach (var c in demand.Categories)
            for (var t = 0; t < day.Slots; t++)
            {
                var d = demand[c.Id, t];
                var random = d.WalkIns + d.Extended;
                var mean = d.WalkIns + d.Extended > 0 && d.Arrivals > 0 ? (d.WorkloadMinutes - BookedMinutes(booked, c.Id, day, t)) / random : c.MeanServiceMinutes;
                var n = draws.Poisson(random);
                for (var i = 0; i < n; i++)
                    arrivals.Add(new SimArrival(c.Id, (t + draws.Uniform()) * day.SlotMinutes, draws.ServiceMinutes(Math.Max(1, mean)), draws.Chance(d.GreenShare)));
            }
        return arrivals;
    }

    private static double BookedMinutes(IEnumerable<BookedDemand> booked, string category, RosterDay day, int slot) =>
        booked.Where(b => b.CategoryId == category && day.SlotOf(b.Start) == slot).Sum(b => b.Minutes);

    /// <summary>Residents of a recorded (or generated) day, as the simulation takes them.</summary>
    public static IReadOnlyList<SimArrival> FromVisits(RosterDay day, IEnumerable<HallVisit> visits) =>
        visits.Where(v => v.Date == day.Date).Select(v => new SimArrival(v.CategoryId, day.MinutesOf(v.Arrived), v.ServiceMinutes, v.Green)).ToList();

    /// <summary>Runs the day with <paramref name="windows"/> open per category and slot.</summary>
    public static SimulationReport Run(RosterDay day, IReadOnlyDictionary<string, int[]> windows, IReadOnlyList<SimArrival> arrivals)
    {
        var visits = new List<SimVisit>();
        var categories = new List<CategoryReport>();
        var hours = new List<HourReport>();
        foreach (var (category, open) in windows)
        {
            var r = RunCategory(day, category, open, arrivals.Where(a => a.CategoryId == category).OrderBy(a => a.ArrivesAt).ToList());
            visits.AddRange(r.Visits);
            categories.Add(r.Report);
            hours.AddRange(r.Hours);
        }
        return new SimulationReport(visits, WaitStats.Of(visits.Select(v => v.WaitMinutes)), categories, hours);
    }

    private static (List<SimVisit> Visits, CategoryReport Report, List<HourReport> Hours) RunCategory(RosterDay day, string category, int[] open, List<SimArrival> arrivals)
    {
        var close = (double)day.SlotMinutes * day.Slots;
        var after = Math.Max(1, open.Length > 0 ? open[^1] : 1);
        int OpenAt(int slot) => slot < day.Slots ? open[slot] : after;

        var visits = new List<SimVisit>();
        var green = new Queue<SimArrival>();
        var normal = new Queue<SimArrival>();
        var busy = new PriorityQueue<double, double>();
        var slot = 0;
        var next = 0;
        var now = 0.0;
        double busyMinutes = 0, windowMinutes = 0, queueArea = 0;
        var hourArea = new Dictionary<int, double>();
        var hourMax = new Dictionary<int, int>();
        var maxQueue = 0;

        while (true)
        {
            var tA = next < arrivals.Count ? arrivals[next].ArrivesAt : double.PositiveInfinity;
            var tD = busy.Count > 0 ? busy.Peek() : double.PositiveInfinity;
            var tB = slot < day.Slots ? (slot + 1.0) * day.SlotMinutes : double.PositiveInfinity;
            var t = Math.Min(tA, Math.Min(tD, tB));
            if (double.IsPositiveInfinity(t)) break;
            if (next >= arrivals.Count && busy.Count == 0 && green.Count + normal.Count == 0 && slot >= day.Slots) break;

            // Areas over [now, t): queue length, busy windows and open windows within the day.
            var dt = t - now;
            var queued = green.Count + normal.Count;
            queueArea += queued * dt;
            var hour = HourOf(day, now);
            hourArea[hour] = hourArea.GetValueOrDefault(hour) + queued * dt;
            if (now < close)
            {
                var inDay = Math.Min(t, close) - now;
                busyMinutes += Math.Min(busy.Count, OpenAt(slot)) * inDay;
                windowMinutes += OpenAt(slot) * inDay;
            }
            now = t;

            if (t == tD) busy.Dequeue();
            else if (t == tB) slot++;
            else
            {
                var a = arrivals[next++];
                (a.Green ? green : normal).Enqueue(a);
                var q = green.Count + normal.Count;
                maxQueue = Math.Max(maxQueue, q);
                var h = HourOf(day, now);
                hourMax[h] = Math.Max(hourMax.GetValueOrDefault(h), q);
            }
            while (busy.Count < OpenAt(slot) && green.Count + normal.Count > 0)
            {
                var a = green.Count > 0 ? green.Dequeue() : normal.Dequeue();
                visits.Add(new SimVisit(category, a.ArrivesAt, now - a.ArrivesAt, a.Green));
                busy.Enqueue(now + a.ServiceMinutes, now + a.ServiceMinutes);
            }
        }

        var hours = visits.GroupBy(v => HourOf(day, v.ArrivesAt)).OrderBy(g => g.Key)
            .Select(g => new HourReport(category, g.Key, WaitStats.Of(g.Select(v => v.WaitMinutes)), hourArea.GetValueOrDefault(g.Key) / 60, hourMax.GetValueOrDefault(g.Key)))
            .ToList();
        var report = new CategoryReport(category, WaitStats.Of(visits.Select(v => v.WaitMinutes)), windowMinutes > 0 ? busyMinutes / windowMinutes : 0,
            now > 0 ? queueArea / now : 0, maxQueue, windowMinutes);
        return (visits, report, hours);
    }

    private static int HourOf(RosterDay day, double minutesAfterOpening) => (int)((RosterDay.MinuteOfDay(day.Opens) + minutesAfterOpening) / 60);
}
