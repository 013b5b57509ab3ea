using NodaTime;

namespace Scheduler.Core.Roster;

/// <summary>
/// Walk-ins expected, learned from the hall's history: the mean number of walk-in check-ins per weekday, hour and
/// category over the ordinary days seen, times a pre-holiday factor learned from the holiday eves seen (their
/// walk-ins against the mean of their weekdays). Also learned: each category's green-channel share and mean
/// time at the window. A weekday, hour or category never seen forecasts none.
/// </summary>
public sealed class DemandForecast
{
    private readonly Dictionary<(IsoDayOfWeek, int, string), double> _perHour = [];
    private readonly Dictionary<string, double> _greenShare = [];
    private readonly Dictionary<string, double> _meanService = [];

    public double PreHolidayFactor { get; private init; } = 1;

    public static DemandForecast Learn(IEnumerable<HallVisit> history, Func<LocalDate, bool> isPreHoliday)
    {
        var visits = history.ToList();
        var days = visits.Select(v => v.Date).Distinct().ToList();
        var ordinary = days.Where(d => !isPreHoliday(d)).ToList();
        var ordinaryPerWeekday = ordinary.GroupBy(d => d.DayOfWeek).ToDictionary(g => g.Key, g => g.Count());
        var f = new DemandForecast();
        var ordinarySet = ordinary.ToHashSet();
        foreach (var g in visits.Where(v => v.WalkIn && ordinarySet.Contains(v.Date)).GroupBy(v => (v.Date.DayOfWeek, v.Arrived.Hour, v.CategoryId)))
            f._perHour[g.Key] = g.Count() / (double)ordinaryPerWeekday[g.Key.DayOfWeek];

        // Pre-holiday: walk-ins on the eves against what an ordinary day of the same weekday brings.
        var eves = days.Where(isPreHoliday).ToHashSet();
        var seen = visits.Where(v => v.WalkIn && eves.Contains(v.Date)).Count();
        var expected = eves.Sum(d => f._perHour.Where(p => p.Key.Item1 == d.DayOfWeek).Sum(p => p.Value));
        var factor = eves.Count > 0 && expected > 0 ? seen / expected : 1;

        foreach (var g in visits.GroupBy(v => v.CategoryId))
        {
            f._greenShare[g.Key] = g.Count(v => v.Green) / (double)g.Count();
            f._meanService[g.Key] = g.Average(v => v.ServiceMinutes);
        }
        return new DemandForecast(f, factor);
    }

    private DemandForecast() { }

    private DemandForecast(DemandForecast learned, double preHolidayFactor)
    {
        _perHour = learned._perHour;
        _greenShare = learned._greenShare;
        _meanService = learned._meanService;
        PreHolidayFactor = preHolidayFactor;
    }

    /// <summary>Walk-ins expected in the hour starting at <paramref name="hour"/> of <paramref name="date"/>.</summary>
    public double WalkIns(LocalDate date, int hour, string categoryId, bool preHoliday) =>
        (_perHour.TryGetValue((date.DayOfWeek, hour, categoryId), out var n) ? n : 0) * (preHoliday ? PreHolidayFactor : 1);

    public double GreenShare(string categoryId) => _greenShare.TryGetValue(categoryId, out var s) ? s : 0;

    public double? MeanServiceMinutes(string categoryId) => _meanService.TryGetValue(categoryId, out var m) ? m : null;
}

/// <summary>What one category needs in one slot: residents expected (booked, walk-in, extended), their minutes, and the green share.</summary>
public sealed record SlotDemand(string CategoryId, int Slot, double Booked, double WalkIns, double Extended, double WorkloadMinutes, double GreenShare)
{
    public double Arrivals => Booked + WalkIns + Extended;
}

/// <summary>The demand of a roster day, per category and slot, and the windows it needs at a service level.</summary>
public sealed class DayDemand
{
    private readonly Dictionary<(string, int), SlotDemand> _slots;

    private DayDemand(RosterDay day, IReadOnlyList<RosterCategory> categories, Dictionary<(string, int), SlotDemand> slots)
    {
        Day = day;
        Categories = categories;
        _slots = slots;
    }

    public RosterDay Day { get; }
    public IReadOnlyList<RosterCategory> Categories { get; }

    public SlotDemand this[string categoryId, int slot] => _slots[(categoryId, slot)];

    /// <summary>
    /// Adds up the day: booked appointments in the slot they start in (with their items' minutes), walk-ins from the
    /// forecast spread evenly over the slots of each hour, extended-hours requests spread over the period asked for.
    /// Walk-ins and requests take the category's mean service time (learned, else the category's).
    /// </summary>
    public static DayDemand Build(RosterDay day, IReadOnlyList<RosterCategory> categories, IEnumerable<BookedDemand> booked,
        DemandForecast? forecast, bool preHoliday, IEnumerable<ExtendedDemand>? extended = null)
    {
        var slots = new Dictionary<(string, int), SlotDemand>();
        var bookedList = booked.ToList();
        var extendedList = extended?.ToList() ?? [];
        foreach (var c in categories)
        {
            var mean = forecast?.MeanServiceMinutes(c.Id) ?? c.MeanServiceMinutes;
            for (var t = 0; t < day.Slots; t++)
            {
                var start = day.StartOf(t);
                var slotBooked = bookedList.Where(b => b.CategoryId == c.Id && day.SlotOf(b.Start) == t).ToList();
                double walkIns = 0;
                if (forecast is not null)
                {
                    // The part of each hour this slot covers.
                    var from = RosterDay.MinuteOfDay(start);
                    var to = from + day.SlotMinutes;
                    for (var h = (int)(from / 60); h * 60 < to; h++)
                    {
                        var overlap = Math.Min(to, (h + 1) * 60) - Math.Max(from, h * 60);
                        if (overlap > 0) walkIns += forecast.WalkIns(day.Date, h, c.Id, preHoliday) * overlap / HourOpenMinutes(day, h);
                    }
                }
                double ext = 0;
                foreach (var e in extendedList.Where(e => e.CategoryId == c.Id))
                {
                    var first = day.FirstSlotAtOrAfter(e.From);
                    var last = day.FirstSlotAtOrAfter(e.To);
                    if (t >= first && t < last) ext += e.Requests / (double)(last - first);
                }
                var green = forecast?.GreenShare(c.Id) ?? 0;
                var bookedGreen = slotBooked.Count(b => b.Green);
                var arrivals = slotBooked.Count + walkIns + ext;
                var greenShare = arrivals > 0 ? (bookedGreen + (walkIns + ext) * green) / arrivals : green;
                slots[(c.Id, t)] = new SlotDemand(c.Id, t, slotBooked.Count, walkIns, ext, slotBooked.Sum(b => b.Minutes) + (walkIns + ext) * mean, greenShare);
            }
        }
        return new DayDemand(day, categories, slots);
    }

    // Minutes of hour h inside the day's opening (an hour cut by opening or closing spreads its walk-ins over what is open).
    private static double HourOpenMinutes(RosterDay day, int h)
    {
        var opens = RosterDay.MinuteOfDay(day.Opens);
        var closes = opens + day.SlotMinutes * day.Slots;
        return Math.Max(1, Math.Min(closes, (h + 1) * 60) - Math.Max(opens, h * 60));
    }

    /// <summary>
    /// Windows needed per category and slot, by the modified offered load: the load of a slot is the mean number of
    /// residents who would be at a window then with a window for everyone (those who arrived in this slot or earlier
    /// and are still being served, exponential service with the category's mean time for the day), and the slot
    /// needs the fewest windows that meet the level by Erlang C at that load. Unlike a slot taken on its own, a
    /// burst of long services keeps needing windows in the slots after it.
    /// </summary>
    public WindowsNeeded Needed(ServiceLevel level)
    {
        var needed = new Dictionary<string, int[]>();
        var loads = new Dictionary<string, double[]>();
        var means = new Dictionary<string, double>();
        foreach (var c in Categories)
        {
            var arrivals = Enumerable.Range(0, Day.Slots).Select(t => this[c.Id, t].Arrivals).ToArray();
            var total = arrivals.Sum();
            var mean = total > 0 ? Enumerable.Range(0, Day.Slots).Sum(t => this[c.Id, t].WorkloadMinutes) / total : c.MeanServiceMinutes;
            var load = OfferedLoad(arrivals, Day.SlotMinutes, mean);
            needed[c.Id] = load.Select(a => a > 1e-9 ? ErlangC.WindowsNeeded(a / mean, mean, level) : 0).ToArray();
            loads[c.Id] = load;
            means[c.Id] = mean;
        }
        return new WindowsNeeded(Day, Categories, needed, loads, means);
    }

    /// <summary>
    /// The mean over each slot of the infinite-server load: arrivals spread evenly within their slot, each staying an
    /// exponential time of mean <paramref name="mean"/>. The load at a moment is exact; its mean over the slot is
    /// taken at twenty points.
    /// </summary>
    public static double[] OfferedLoad(double[] arrivals, int slotMinutes, double mean)
    {
        const int points = 20;
        var load = new double[arrivals.Length];
        for (var t = 0; t < arrivals.Length; t++)
        {
            double sum = 0;
            for (var i = 0; i < points; i++)
            {
                var at = (t + (i + 0.5) / points) * slotMinutes;
                for (var u = 0; u <= t; u++)
                {
                    if (arrivals[u] <= 0) continue;
                    var rate = arrivals[u] / slotMinutes;
                    double from = u * slotMinutes, to = Math.Min(at, (u + 1.0) * slotMinutes);
                    // Residents who came in [from, to) and are still at a window at time `at`.
                    sum += rate * mean * (Math.Exp(-(at - to) / mean) - Math.Exp(-(at - from) / mean));
                }
            }
            load[t] = sum / points;
        }
        return load;
    }
}

/// <summary>Windows needed per category and slot, with the offered load (erlangs) and mean service time behind them.</summary>
public sealed record WindowsNeeded(
    RosterDay Day,
    IReadOnlyList<RosterCategory> Categories,
    IReadOnlyDictionary<string, int[]> PerCategory,
    IReadOnlyDictionary<string, double[]> Load,
    IReadOnlyDictionary<string, double> MeanServiceMinutes)
{
    public int this[string categoryId, int slot] => PerCategory[categoryId][slot];

    /// <summary>
    /// Expected total minutes of waiting of the residents of one slot of a category with <paramref name="windows"/>
    /// open: the slot's residents at the offered load (load x slot / mean service) times the Erlang C mean wait,
    /// capped at <paramref name="capMinutes"/> a resident. When the windows cannot keep up with the load the wait
    /// counts the cap plus the share of the load left unserved (so each window still counts, down to none).
    /// </summary>
    public double ExpectedWaitingMinutes(string categoryId, int slot, int windows, double capMinutes = 60)
    {
        var load = Load[categoryId][slot];
        if (load <= 1e-9) return 0;
        var mean = MeanServiceMinutes[categoryId];
        var residents = load * Day.SlotMinutes / mean;
        if (windows <= load) return residents * capMinutes * (1 + (load - windows) / load);
        return residents * Math.Min(capMinutes, ErlangC.MeanWaitMinutes(windows, load / mean, mean));
    }

    /// <summary>
    /// The worth of the 1st, 2nd, ... needed window of a category in a slot, in roster units: <c>PerWaitingMinute x</c>
    /// the expected resident-minutes of waiting it saves (j-1 against j windows), at least <c>MinPerMissingWindow</c>,
    /// and never less than the window after it. What a missing window costs (the shortfall penalty) and what a staff
    /// member at that window is worth to the hall (<see cref="WindowTimeWorth"/>).
    /// </summary>
    public long[] WindowWorth(string categoryId, int slot, RosterWeights w)
    {
        var need = this[categoryId, slot];
        var steps = new long[need];
        long after = 0;
        for (var j = need; j >= 1; j--)
        {
            var saved = ExpectedWaitingMinutes(categoryId, slot, j - 1, w.WaitCapMinutes) - ExpectedWaitingMinutes(categoryId, slot, j, w.WaitCapMinutes);
            steps[j - 1] = after = Math.Max(after, Math.Max(w.MinPerMissingWindow, (long)Math.Round(w.PerWaitingMinute * saved)));
        }
        return steps;
    }
}
