using NodaTime;

namespace Scheduler.Core.Calendar;

/// <summary>Regular opening on one day of the week for the listed window categories (all when empty).</summary>
public sealed record WeeklyOpening(IsoDayOfWeek Day, LocalTime Opens, LocalTime Closes, IReadOnlyList<string> CategoryIds);

/// <summary>The midday period; when <see cref="Staffed"/> the hall keeps serving (午间无休) with
/// <see cref="Windows"/> windows of each category open.</summary>
public sealed record LunchPeriod(LocalTime Starts, LocalTime Ends, bool Staffed, int Windows);

/// <summary>An extended session (延时服务) outside regular hours: an evening every week or a special date, with
/// <see cref="Windows"/> windows of each listed category open.</summary>
public sealed record ExtendedSession(
    string Id,
    IsoDayOfWeek? Weekly,
    LocalDate? Date,
    LocalTime Opens,
    LocalTime Closes,
    IReadOnlyList<string> CategoryIds,
    Scheduler.Core.Catalogue.LocalizedText Reason,
    int Windows);

public enum DayKind
{
    /// <summary>A statutory public holiday: closed.</summary>
    PublicHoliday,

    /// <summary>A weekend day worked in exchange for a holiday (调休): open as a weekday.</summary>
    AdjustedWorkingDay,

    /// <summary>An exceptional closure decided by the centre.</summary>
    Closure,
}

public sealed record CalendarDay(LocalDate Date, DayKind Kind, Scheduler.Core.Catalogue.LocalizedText Name);
