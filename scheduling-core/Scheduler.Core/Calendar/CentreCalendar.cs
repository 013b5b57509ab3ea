using NodaTime;
using Scheduler.Core.Catalogue;

namespace Scheduler.Core.Calendar;

/// <summary>What kind of time a slot falls in; residents ask for lunch, evening or weekend slots by these.</summary>
public enum SlotKind
{
    Regular,
    Lunch,
    Evening,
    Weekend,
    SpecialDate,
}

/// <summary>A period of a day when <see cref="Windows"/> windows of one category are open.</summary>
public sealed record Session(LocalTime Start, LocalTime End, int Windows, SlotKind Kind);

/// <summary>One bookable slot at the windows of one category.</summary>
public sealed record Slot(string CategoryId, LocalDate Date, LocalTime Start, LocalTime End, int Windows, SlotKind Kind)
{
    public LocalDateTime StartsAt => Date + Start;
}

/// <summary>Why a date has no slot at a time.</summary>
public enum SlotProblem
{
    None,
    Closed,
    PublicHoliday,
    OutsideOpeningHours,
    NotOnGrid,
}

/// <summary>
/// The centre's calendar for window appointments: weekly opening per category, the lunch period (closed, or staffed
/// with fewer windows: 午间无休), extended sessions (weekly evenings, special dates), public holidays and adjusted
/// working days (调休) from the official list, and the centre's own closures. The centre's own days override the
/// official list. An adjusted working day opens with the hours of the first weekday (Monday to Friday) that has hours
/// for the category. On a public holiday only sessions set for that very date open.
/// </summary>
public sealed class CentreCalendar
{
    private static readonly IsoDayOfWeek[] Weekdays =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    private readonly CentreProfile _profile;
    private readonly Dictionary<LocalDate, CalendarDay> _days;
    private readonly Dictionary<string, WindowCategory> _categories;
    private readonly Dictionary<LocalDate, StaffedWindows> _staffed;

    /// <param name="zone">The centre's zone, resolved by the caller from its injected zone provider.</param>
    /// <param name="staffed">The windows staffed by the published roster of each day that has one: a slot it covers offers those windows (capped at the hall's).</param>
    public CentreCalendar(CentreProfile profile, IEnumerable<CalendarDay> officialDays, DateTimeZone zone, IEnumerable<StaffedWindows>? staffed = null)
    {
        _profile = profile;
        _staffed = (staffed ?? []).GroupBy(s => s.Date).ToDictionary(g => g.Key, g => g.Last());
        _days = officialDays.ToDictionary(d => d.Date);
        foreach (var own in profile.CalendarDays) _days[own.Date] = own;
        _categories = profile.Categories.ToDictionary(c => c.Id, StringComparer.Ordinal);
        Zone = zone;
    }

    private CentreCalendar(CentreCalendar other, StaffedWindows staffed)
    {
        _profile = other._profile;
        _days = other._days;
        _categories = other._categories;
        _staffed = new Dictionary<LocalDate, StaffedWindows>(other._staffed) { [staffed.Date] = staffed };
        Zone = other.Zone;
    }

    public DateTimeZone Zone { get; }

    /// <summary>This calendar with <paramref name="staffed"/> as the published roster of its day.</summary>
    public CentreCalendar WithStaffed(StaffedWindows staffed) => new(this, staffed);

    public CalendarDay? Day(LocalDate date) => _days.GetValueOrDefault(date);

    /// <summary>The instant a local time at the centre happens; the rare skipped or doubled hour is resolved leniently.</summary>
    public Instant ToInstant(LocalDateTime local) => local.InZoneLeniently(Zone).ToInstant();

    public LocalDate Today(Instant now) => now.InZone(Zone).Date;

    /// <summary>A weekday that is no holiday or closure, or an adjusted working day (调休).</summary>
    public bool IsWorkingDay(LocalDate date) => Day(date)?.Kind switch
    {
        DayKind.PublicHoliday or DayKind.Closure => false,
        DayKind.AdjustedWorkingDay => true,
        _ => date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday),
    };

    /// <summary>The first working day after <paramref name="date"/>.</summary>
    public LocalDate NextWorkingDay(LocalDate date)
    {
        var next = date.PlusDays(1);
        while (!IsWorkingDay(next)) next = next.PlusDays(1);
        return next;
    }

    public IReadOnlyList<Session> Sessions(LocalDate date, string categoryId)
    {
        if (!_categories.TryGetValue(categoryId, out var category)) return [];
        var day = Day(date);
        if (day?.Kind == DayKind.Closure) return [];
        var sessions = new List<Session>();
        var weekend = date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday;

        if (day?.Kind != DayKind.PublicHoliday)
        {
            var template = date.DayOfWeek;
            if (day?.Kind == DayKind.AdjustedWorkingDay)
                template = Weekdays.FirstOrDefault(d => OpeningsOn(d, categoryId).Any(), IsoDayOfWeek.Monday);
            var regularKind = weekend && day?.Kind != DayKind.AdjustedWorkingDay ? SlotKind.Weekend : SlotKind.Regular;
            foreach (var opening in OpeningsOn(template, categoryId))
                sessions.AddRange(SplitAtLunch(opening.Opens, opening.Closes, category.Windows, regularKind, category));

            foreach (var e in _profile.ExtendedSessions.Where(e => e.Weekly == date.DayOfWeek && e.CategoryIds.Contains(categoryId)))
                sessions.Add(new Session(e.Opens, e.Closes, Math.Min(e.Windows, category.Windows), weekend ? SlotKind.Weekend : SlotKind.Evening));
        }
        foreach (var e in _profile.ExtendedSessions.Where(e => e.Date == date && e.CategoryIds.Contains(categoryId)))
            sessions.Add(new Session(e.Opens, e.Closes, Math.Min(e.Windows, category.Windows), SlotKind.SpecialDate));
        return sessions.OrderBy(s => s.Start).ToList();
    }

    /// <summary>The published roster's windows for <paramref name="date"/>, if one was published.</summary>
    public StaffedWindows? Staffed(LocalDate date) => _staffed.GetValueOrDefault(date);

    /// <summary>
    /// The slots of one category on one date, in order. Where sessions overlap, the one with more windows wins. On a
    /// day with a published roster, a slot the roster covers has the windows it staffs there (at most the hall's);
    /// the sessions still say when the category is open.
    /// </summary>
    public IReadOnlyList<Slot> Slots(LocalDate date, string categoryId)
    {
        // A calendar does not change once made (a published roster makes a new one), so a day's slots are worked
        // out once: every booking asks for them twice (the slot, then the run) and availability day by day.
        if (_slots.TryGetValue((date, categoryId), out var known)) return known;
        var slots = ComputeSlots(date, categoryId);
        if (_slots.Count >= MaxRememberedDays) _slots.Clear();
        _slots[(date, categoryId)] = slots;
        return slots;
    }

    /// <summary>Days (per category) whose slots are remembered; then the memory starts again.</summary>
    private const int MaxRememberedDays = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(LocalDate, string), Slot[]> _slots = new();

    private Slot[] ComputeSlots(LocalDate date, string categoryId)
    {
        if (!_categories.TryGetValue(categoryId, out var category)) return [];
        var step = Period.FromMinutes(category.SlotMinutes);
        var byStart = new SortedDictionary<LocalTime, Slot>();
        foreach (var session in Sessions(date, categoryId))
        {
            for (var start = session.Start; start.PlusMinutes(category.SlotMinutes) <= session.End && start.PlusMinutes(category.SlotMinutes) > start; start = start + step)
            {
                var slot = new Slot(categoryId, date, start, start.PlusMinutes(category.SlotMinutes), session.Windows, session.Kind);
                if (!byStart.TryGetValue(start, out var existing) || existing.Windows < slot.Windows) byStart[start] = slot;
            }
        }
        var result = new List<Slot>();
        var staffed = _staffed.GetValueOrDefault(date);
        foreach (var slot in byStart.Values)
            if (result.Count == 0 || slot.Start >= result[^1].End)
                result.Add(staffed?.Over(categoryId, slot.Start, slot.End) is { } rostered ? slot with { Windows = Math.Min(rostered, category.Windows) } : slot);
        return result.ToArray();
    }

    /// <summary>The slot starting at <paramref name="start"/>, or why there is none.</summary>
    public SlotProblem FindSlot(string categoryId, LocalDate date, LocalTime start, out Slot? slot)
    {
        slot = Slots(date, categoryId).FirstOrDefault(s => s.Start == start);
        if (slot is not null) return SlotProblem.None;
        var day = Day(date);
        if (day?.Kind == DayKind.Closure) return SlotProblem.Closed;
        var sessions = Sessions(date, categoryId);
        if (sessions.Count == 0) return day?.Kind == DayKind.PublicHoliday ? SlotProblem.PublicHoliday : SlotProblem.OutsideOpeningHours;
        return sessions.Any(s => start >= s.Start && start < s.End) ? SlotProblem.NotOnGrid : SlotProblem.OutsideOpeningHours;
    }

    /// <summary>
    /// The run of <paramref name="count"/> back-to-back slots that starts with <paramref name="first"/>; null when the
    /// day closes or breaks (a closed lunch) before the run is complete.
    /// </summary>
    public IReadOnlyList<Slot>? Run(Slot first, int count)
    {
        var slots = Slots(first.Date, first.CategoryId);
        var i = slots.ToList().FindIndex(s => s.Start == first.Start);
        if (i < 0 || i + count > slots.Count) return null;
        var run = slots.Skip(i).Take(count).ToList();
        for (var k = 1; k < run.Count; k++)
            if (run[k].Start != run[k - 1].End) return null;
        return run;
    }

    private IEnumerable<WeeklyOpening> OpeningsOn(IsoDayOfWeek day, string categoryId) =>
        _profile.Opening.Where(o => o.Day == day && (o.CategoryIds.Count == 0 || o.CategoryIds.Contains(categoryId)));

    private IEnumerable<Session> SplitAtLunch(LocalTime opens, LocalTime closes, int windows, SlotKind kind, WindowCategory category)
    {
        var lunch = _profile.Lunch;
        if (closes <= lunch.Starts || opens >= lunch.Ends)
        {
            yield return new Session(opens, closes, windows, kind);
            yield break;
        }
        if (opens < lunch.Starts) yield return new Session(opens, lunch.Starts, windows, kind);
        if (lunch.Staffed && lunch.Windows > 0)
            yield return new Session(Max(opens, lunch.Starts), Min(closes, lunch.Ends), Math.Min(lunch.Windows, category.Windows), SlotKind.Lunch);
        if (closes > lunch.Ends) yield return new Session(lunch.Ends, closes, windows, kind);
    }

    private static LocalTime Max(LocalTime a, LocalTime b) => a > b ? a : b;
    private static LocalTime Min(LocalTime a, LocalTime b) => a < b ? a : b;
}
