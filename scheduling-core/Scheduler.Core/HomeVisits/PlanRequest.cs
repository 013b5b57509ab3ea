using NodaTime;
using Scheduler.Core.Catalogue;

namespace Scheduler.Core.HomeVisits;

/// <summary>
/// Everything needed to plan one day of home visits at one centre: the visits dispatchers approved and the staff on
/// duty. Times are local times of <see cref="Date"/> in the centre's zone; a plan never runs past midnight.
/// </summary>
/// <param name="TimeZoneId">IANA zone of the centre (for example <c>Asia/Shanghai</c>).</param>
/// <param name="Centre">Where the centre is: the start and end place of staff who leave from the hall.</param>
public sealed record HomeVisitPlanRequest(
    string CentreId,
    string TimeZoneId,
    GeoPoint Centre,
    LocalDate Date,
    IReadOnlyList<VisitToPlan> Visits,
    IReadOnlyList<StaffShift> Staff);

/// <summary>How soon a visit is needed. The planner serves the more urgent visits first.</summary>
public enum VisitUrgency
{
    Routine = 0,
    Soon = 1,
    Urgent = 2,
}

/// <summary>
/// One approved home visit to place in the day's plan.
/// </summary>
/// <param name="Id">The request's identifier; plans refer to visits by it.</param>
/// <param name="Service">How long the staff spend at the home (from the service item).</param>
/// <param name="Windows">
/// Acceptable start times: the visit must <em>start</em> inside one of them (the resident is told the start time).
/// Several windows are allowed, for example 09:00-11:00 and 15:00-17:00.
/// </param>
/// <param name="TeamSize">How many staff go together (1 to 3); all of them arrive and start together.</param>
/// <param name="RequiredSkills">Skills the team must hold between its members (one member alone when the team is 1).</param>
/// <param name="DaysWaited">Days since the request was approved; the longer, the costlier dropping it again.</param>
/// <param name="Pin">Set when the visit is already confirmed to the resident or started: re-planning keeps it as is.</param>
/// <param name="Crossing">Set for a visit across water (an island village): the ferry times the visit must fit in.</param>
/// <param name="Load">
/// Units of a staff member's carrying capacity the visit uses (forms, equipment kits); 0 for most visits.
/// </param>
public sealed record VisitToPlan(
    string Id,
    GeoPoint Location,
    Duration Service,
    IReadOnlyList<TimeWindow> Windows,
    int TeamSize,
    IReadOnlyList<string> RequiredSkills,
    VisitUrgency Urgency,
    int DaysWaited,
    VisitPin? Pin = null,
    CrossingWindow? Crossing = null,
    int Load = 0)
{
    /// <summary>
    /// The start windows once the crossing window is applied: a start <c>s</c> is allowed when it lies in a window
    /// and, for a crossing visit, <c>Opens &lt;= s</c> and <c>s + Service &lt;= Closes</c>. Sorted, never overlapping.
    /// </summary>
    public IReadOnlyList<TimeWindow> EffectiveWindows()
    {
        var result = new List<TimeWindow>();
        foreach (var w in Windows.OrderBy(w => w.From))
        {
            var from = DayClock.Seconds(w.From);
            var to = DayClock.Seconds(w.To);
            if (Crossing is { } c)
            {
                from = Math.Max(from, DayClock.Seconds(c.Opens));
                to = Math.Min(to, DayClock.Seconds(c.Closes) - DayClock.Seconds(Service));
            }
            if (from > to) continue;
            if (result.Count > 0 && from <= DayClock.Seconds(result[^1].To))
            {
                if (to > DayClock.Seconds(result[^1].To)) result[^1] = result[^1] with { To = DayClock.At(to) };
            }
            else
            {
                result.Add(new TimeWindow(DayClock.At(from), DayClock.At(to)));
            }
        }
        return result;
    }
}

/// <summary>Local times of a plan's day as whole seconds since midnight, the unit planners and checks compute in.</summary>
public static class DayClock
{
    public const int SecondsPerDay = 86_400;

    public static int Seconds(LocalTime time) => (int)(time.TickOfDay / NodaConstants.TicksPerSecond);

    /// <summary>A duration in whole seconds, rounded up (a visit never gets shorter by rounding).</summary>
    public static int Seconds(Duration duration) => (int)Math.Ceiling(duration.TotalSeconds);

    /// <summary>The local time this many seconds after midnight; the last second of the day at most.</summary>
    public static LocalTime At(long seconds) =>
        LocalTime.FromSecondsSinceMidnight((int)Math.Clamp(seconds, 0, SecondsPerDay - 1));
}

/// <summary>An interval of local times, both ends included.</summary>
public readonly record struct TimeWindow(LocalTime From, LocalTime To)
{
    public bool Contains(LocalTime time) => time >= From && time <= To;
    public override string ToString() => $"{From:HH:mm}-{To:HH:mm}";
}

/// <summary>A visit already confirmed or under way: these staff, this start time; re-planning does not move it.</summary>
public sealed record VisitPin(IReadOnlyList<string> StaffIds, LocalTime Start);

/// <summary>
/// Ferry times for a visit across water: staff can cross no earlier than <see cref="Opens"/> and must be back across
/// by <see cref="Closes"/>, so the visit starts at or after <c>Opens</c> and ends at or before <c>Closes</c>. The
/// crossing itself is part of the travel time between the two sides.
/// </summary>
public sealed record CrossingWindow(LocalTime Opens, LocalTime Closes);

/// <summary>Where a staff member starts or ends the day: the centre, or their home.</summary>
public sealed record StaffPlace(GeoPoint? Home)
{
    public static readonly StaffPlace Centre = new((GeoPoint?)null);
    public static StaffPlace AtHome(GeoPoint home) => new(home);
    public bool IsCentre => Home is null;
    public GeoPoint Resolve(GeoPoint centre) => Home ?? centre;
}

/// <summary>
/// A lunch break of <see cref="Length"/> to be taken entirely between <see cref="EarliestStart"/> and
/// <see cref="LatestEnd"/>, wherever the staff member is (not during travel or a visit).
/// </summary>
public sealed record LunchBreak(LocalTime EarliestStart, LocalTime LatestEnd, Duration Length);

/// <summary>
/// One staff member on home-visit duty for the day.
/// </summary>
/// <param name="Start">Earliest time to leave <see cref="StartPlace"/>.</param>
/// <param name="End">Time to be back at <see cref="EndPlace"/>; later is overtime.</param>
/// <param name="AllowedOvertime">How far past <see cref="End"/> the day may run at most (overtime is penalised).</param>
/// <param name="MaxWorkingTime">Longest time from leaving to coming back, breaks included; null for no limit.</param>
/// <param name="Capacity">Carrying capacity in the units of <see cref="VisitToPlan.Load"/>; null for no limit.</param>
/// <param name="UseCost">
/// What sending this staff member out costs, in the route planner's units (the hall's worth of their window time,
/// ADR 0020); null for the planner's one figure for everyone (<c>PenaltyWeights.PerStaffUsed</c>).
/// </param>
public sealed record StaffShift(
    string StaffId,
    IReadOnlyList<string> Skills,
    LocalTime Start,
    LocalTime End,
    LunchBreak? Lunch,
    StaffPlace StartPlace,
    StaffPlace EndPlace,
    Duration? MaxWorkingTime = null,
    Duration AllowedOvertime = default,
    int? Capacity = null,
    long? UseCost = null)
{
    public bool Holds(IEnumerable<string> skills) => skills.All(s => Skills.Contains(s, StringComparer.Ordinal));
}
