using NodaTime;

namespace Scheduler.Core.Roster;

/// <summary>
/// One resident's visit to the hall as recorded: checked in at <see cref="Arrived"/> (local time of
/// <see cref="Date"/>), booked or walked in, green channel (绿色通道) or not, and the item's time at the window.
/// </summary>
public sealed record HallVisit(LocalDate Date, LocalTime Arrived, string CategoryId, string ItemId, bool WalkIn, bool Green, double ServiceMinutes);

/// <summary>A booked appointment as demand: it starts at <see cref="Start"/> and takes its items' minutes.</summary>
public sealed record BookedDemand(string CategoryId, LocalTime Start, double Minutes, bool Green, string ItemId = "");

/// <summary>Residents who asked for an extended session (延时服务) between <see cref="From"/> and <see cref="To"/>.</summary>
public sealed record ExtendedDemand(string CategoryId, LocalTime From, LocalTime To, int Requests);

/// <summary>How booked residents come: the share who do not, and their lateness in minutes (negative: early), normal.</summary>
public sealed record Punctuality(double NoShowShare = 0.08, double MeanLatenessMinutes = -4, double LatenessSdMinutes = 6);

/// <summary>An item as the hall sees it: its category, minutes at the window and share of the category's residents.</summary>
public sealed record HallItem(string Id, string CategoryId, double Minutes, double Weight);

/// <summary>
/// What a generated hall looks like: per category, residents on an ordinary Wednesday (<see cref="DailyVolume"/>),
/// the share who book, the share in the green channel, and the shape of its day (<see cref="HourWeights"/> from
/// <see cref="FirstHour"/>, one weight an hour).
/// </summary>
public sealed record HallCategoryProfile(string CategoryId, double DailyVolume, double BookedShare, double GreenShare, IReadOnlyList<double> HourWeights);

/// <summary>A hall to generate: opening, categories, items, and how the week and holidays move the volume.</summary>
public sealed record HallProfile(
    LocalTime Opens,
    LocalTime Closes,
    int FirstHour,
    IReadOnlyList<HallCategoryProfile> Categories,
    IReadOnlyList<HallItem> Items,
    IReadOnlyDictionary<IsoDayOfWeek, double> WeekdayFactor,
    double PreHolidayFactor,
    IReadOnlySet<LocalDate> Holidays)
{
    public bool IsOpen(LocalDate date) => WeekdayFactor.TryGetValue(date.DayOfWeek, out var f) && f > 0 && !Holidays.Contains(date);

    /// <summary>The next open day after <paramref name="date"/> is a holiday's eve: the last working day before a holiday.</summary>
    public bool IsPreHoliday(LocalDate date)
    {
        if (!IsOpen(date)) return false;
        var next = date.PlusDays(1);
        while (!IsOpen(next) && !Holidays.Contains(next) && next < date.PlusDays(4)) next = next.PlusDays(1);
        return Holidays.Contains(next);
    }

    /// <summary>
    /// The demo centre's hall (Huli: social affairs 8 windows, business 6, construction 4, the demo items' minutes):
    /// a morning peak from nine, a lull at lunch and a second peak mid-afternoon, business later in the day than
    /// social affairs, construction steady; Monday a third above midweek, Friday lower, Saturday mornings only; the
    /// working day before a public holiday 40% above its weekday.
    /// </summary>
    public static HallProfile Demo(IReadOnlySet<LocalDate>? holidays = null) => new(
        new LocalTime(8, 30), new LocalTime(17, 30), 8,
        [
            new("social", 80, 0.35, 0.12, [0.5, 1.6, 1.5, 1.1, 0.45, 0.7, 1.0, 0.9, 0.6, 0.2]),
            new("business", 40, 0.45, 0.04, [0.2, 0.6, 0.9, 0.8, 0.3, 0.8, 1.5, 1.6, 1.1, 0.3]),
            new("construction", 25, 0.6, 0.02, [0.4, 1.0, 1.2, 1.0, 0.3, 0.8, 1.0, 1.0, 0.6, 0.2]),
        ],
        [
            new("pension-certification", "social", 10, 3), new("medical-insurance-enrolment", "social", 15, 2),
            new("medical-reimbursement", "social", 20, 2), new("disability-subsidy", "social", 20, 0.5),
            new("elderly-allowance", "social", 15, 1), new("subsistence-allowance", "social", 30, 0.5),
            new("marriage-registration", "social", 30, 0.7), new("household-transfer", "social", 20, 1),
            new("id-card-renewal", "social", 15, 2), new("provident-fund-withdrawal", "social", 15, 1.5),
            new("business-licence", "business", 30, 1), new("company-registration", "business", 40, 0.8),
            new("business-change", "business", 30, 1), new("food-licence", "business", 30, 0.6),
            new("invoice-application", "business", 15, 2), new("tax-registration", "business", 20, 1.2),
            new("construction-permit", "construction", 45, 0.6), new("completion-filing", "construction", 40, 0.6),
            new("real-estate-registration", "construction", 40, 1.2), new("real-estate-mortgage", "construction", 30, 1),
        ],
        new Dictionary<IsoDayOfWeek, double>
        {
            [IsoDayOfWeek.Monday] = 1.35, [IsoDayOfWeek.Tuesday] = 1.05, [IsoDayOfWeek.Wednesday] = 1.0,
            [IsoDayOfWeek.Thursday] = 0.95, [IsoDayOfWeek.Friday] = 0.9, [IsoDayOfWeek.Saturday] = 0.0, [IsoDayOfWeek.Sunday] = 0.0,
        },
        1.4,
        holidays ?? DemoHolidays);

    /// <summary>Public holidays of the generated years (approximate official dates of 2025 to 2027).</summary>
    public static IReadOnlySet<LocalDate> DemoHolidays { get; } = new HashSet<LocalDate>(
        new (int Y, int M, int D, int Days)[]
        {
            (2025, 1, 1, 1), (2025, 1, 28, 8), (2025, 4, 4, 3), (2025, 5, 1, 5), (2025, 5, 31, 3), (2025, 10, 1, 8),
            (2026, 1, 1, 3), (2026, 2, 15, 9), (2026, 4, 4, 3), (2026, 5, 1, 5), (2026, 6, 19, 3), (2026, 9, 25, 3), (2026, 10, 1, 7),
            (2027, 1, 1, 3), (2027, 2, 5, 8), (2027, 4, 3, 3), (2027, 5, 1, 5), (2027, 6, 9, 3), (2027, 9, 15, 3), (2027, 10, 1, 7),
        }.SelectMany(h => Enumerable.Range(0, h.Days).Select(i => new LocalDate(h.Y, h.M, h.D).PlusDays(i))));
}

/// <summary>
/// Seeded generator of what happened in a hall: one seed, one history. Each category's residents arrive as a
/// Poisson process whose rate follows the category's hourly curve times the weekday factor (and the pre-holiday
/// factor); booked residents come at their slot start, a few minutes early or late, and some do not come; each
/// resident's time at the window is lognormal around the item's minutes (coefficient of variation 0.5).
/// </summary>
public sealed class HallHistoryGenerator(HallProfile profile, int seed)
{
    private readonly Draws _random = new(seed);

    public HallProfile Profile => profile;

    /// <summary>How booked residents keep their appointments.</summary>
    public Punctuality Punctuality { get; init; } = new();

    /// <summary>Visits of every open day from <paramref name="from"/> (inclusive) for <paramref name="days"/> days.</summary>
    public IReadOnlyList<HallVisit> Visits(LocalDate from, int days)
    {
        var all = new List<HallVisit>();
        for (var d = 0; d < days; d++)
        {
            var date = from.PlusDays(d);
            if (!profile.IsOpen(date)) continue;
            var (booked, walkIns) = Day(date);
            all.AddRange(walkIns);
            all.AddRange(booked.Where(b => b.Arrived is not null).Select(b => b.Arrived!));
        }
        return all;
    }

    /// <summary>One day: the booked appointments (with the visit they became, or null for a no-show) and the walk-ins.</summary>
    public (IReadOnlyList<(BookedDemand Booking, HallVisit? Arrived)> Booked, IReadOnlyList<HallVisit> WalkIns) Day(LocalDate date)
    {
        var booked = new List<(BookedDemand, HallVisit?)>();
        var walkIns = new List<HallVisit>();
        if (!profile.IsOpen(date)) return (booked, walkIns);
        var factor = profile.WeekdayFactor[date.DayOfWeek] * (profile.IsPreHoliday(date) ? profile.PreHolidayFactor : 1);
        var opens = RosterDay.MinuteOfDay(profile.Opens);
        var closes = RosterDay.MinuteOfDay(profile.Closes);
        foreach (var c in profile.Categories)
        {
            var items = profile.Items.Where(i => i.CategoryId == c.CategoryId).ToList();
            var weightSum = c.HourWeights.Sum();
            for (var h = 0; h < c.HourWeights.Count; h++)
            {
                var from = Math.Max(opens, (profile.FirstHour + h) * 60.0);
                var to = Math.Min(closes, (profile.FirstHour + h + 1) * 60.0);
                if (to <= from) continue;
                var mean = c.DailyVolume * factor * c.HourWeights[h] / weightSum * (to - from) / 60.0;
                var n = _random.Poisson(mean);
                for (var i = 0; i < n; i++)
                {
                    var item = Pick(items);
                    var green = _random.Chance(c.GreenShare);
                    var minutes = _random.ServiceMinutes(item.Minutes);
                    if (_random.Chance(c.BookedShare))
                    {
                        // Booked into a 15-minute slot of this hour; arrives a few minutes around it.
                        var slotStart = from + 15 * Math.Floor(_random.Uniform() * Math.Max(1, (to - from) / 15));
                        var start = Clock(slotStart);
                        var booking = new BookedDemand(c.CategoryId, start, item.Minutes, green, item.Id);
                        if (_random.Chance(Punctuality.NoShowShare)) { booked.Add((booking, null)); continue; }
                        var arrived = Math.Clamp(slotStart + _random.Normal(Punctuality.MeanLatenessMinutes, Punctuality.LatenessSdMinutes), opens, closes - 1);
                        booked.Add((booking, new HallVisit(date, Clock(arrived), c.CategoryId, item.Id, false, green, minutes)));
                    }
                    else
                    {
                        var at = from + _random.Uniform() * (to - from);
                        walkIns.Add(new HallVisit(date, Clock(at), c.CategoryId, item.Id, true, green, minutes));
                    }
                }
            }
        }
        return (booked, walkIns);
    }

    private static LocalTime Clock(double minutes) => LocalTime.FromSecondsSinceMidnight((int)Math.Round(minutes * 60));

    private HallItem Pick(IReadOnlyList<HallItem> items)
    {
        var r = _random.Uniform() * items.Sum(i => i.Weight);
        foreach (var i in items)
        {
            if (r < i.Weight) return i;
            r -= i.Weight;
        }
        return items[^1];
    }
}
