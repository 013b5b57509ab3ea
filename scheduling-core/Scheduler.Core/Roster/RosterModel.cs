using NodaTime;

namespace Scheduler.Core.Roster;

/// <summary>When a staff member can work on the roster day, from <see cref="From"/> to <see cref="To"/> (local times).</summary>
public sealed record ShiftSpan(LocalTime From, LocalTime To);

/// <summary>
/// A staff member as the roster sees them: the window categories they are skilled for, when they can work, and
/// how many evening or weekend slots they have already worked this week (<see cref="UnsocialSlotsSoFar"/>, for fairness).
/// </summary>
public sealed record RosterStaff(string Id, IReadOnlyList<string> CategoryIds, IReadOnlyList<ShiftSpan> Shifts, int UnsocialSlotsSoFar = 0);

/// <summary>
/// A home-visit route as the route planner planned it: its staff member is out from <see cref="Leaves"/> to
/// <see cref="Returns"/>; with <see cref="BreakOnRoute"/> the planner placed their lunch break on the route, so the roster gives them none.
/// </summary>
public sealed record RouteDuty(string RouteId, string StaffId, LocalTime Leaves, LocalTime Returns, bool BreakOnRoute = false);

/// <summary>An extended session (午间, evening or weekend) the centre has opened: at least <see cref="Windows"/> windows of each listed category.</summary>
public sealed record OpenSession(string Id, LocalTime From, LocalTime To, IReadOnlyList<string> CategoryIds, int Windows);

/// <summary>
/// The centre's working rules for a roster, in slots of the day.
/// <paramref name="BreakSlots"/> slots of break for anyone available more than <paramref name="BreakAfterSlots"/>
/// slots, taken whole between <paramref name="BreakEarliest"/> and <paramref name="BreakLatest"/> (its end);
/// at most <paramref name="MaxContinuousWindowSlots"/> slots at windows in a row; during the lunch period
/// (<paramref name="LunchFrom"/> to <paramref name="LunchTo"/>) at least <paramref name="LunchWindows"/> windows of
/// each category open when the centre runs 午间不休 (null: no staffed lunch); slots from
/// <paramref name="EveningFrom"/> and every slot of a weekend day count as evening or weekend work.
/// </summary>
public sealed record RosterRules(
    int BreakSlots,
    int BreakAfterSlots,
    LocalTime BreakEarliest,
    LocalTime BreakLatest,
    int MaxContinuousWindowSlots,
    LocalTime? LunchFrom,
    LocalTime? LunchTo,
    int LunchWindows,
    LocalTime EveningFrom)
{
    /// <summary>15-minute slots: a one-hour lunch break between 11:00 and 14:00 for shifts over six hours, at most
    /// three hours at a window in a row, 午间不休 from 12:00 to 13:30 with one window of each category, evenings from 18:00.</summary>
    public static RosterRules Default { get; } = new(4, 24, new LocalTime(11, 0), new LocalTime(14, 0), 12,
        new LocalTime(12, 0), new LocalTime(13, 30), 1, new LocalTime(18, 0));
}

public enum DutyKind
{
    /// <summary>Not available (outside every shift).</summary>
    Off,
    Window,
    Route,
    Break,
    BackOffice,
}

/// <summary>What a staff member does in one slot; <see cref="Ref"/> is the category of a window or the id of a route.</summary>
public readonly record struct Duty(DutyKind Kind, string? Ref = null)
{
    public static Duty Off => new(DutyKind.Off);
    public static Duty Break => new(DutyKind.Break);
    public static Duty BackOffice => new(DutyKind.BackOffice);
    public static Duty At(string categoryId) => new(DutyKind.Window, categoryId);
    public static Duty On(string routeId) => new(DutyKind.Route, routeId);

    public override string ToString() => Ref is null ? Kind.ToString() : $"{Kind}:{Ref}";
}

/// <summary>A roster already published for the day: each staff member's duty per slot. Changes to it are priced.</summary>
public sealed record PublishedRoster(IReadOnlyDictionary<string, IReadOnlyList<Duty>> Duties);

/// <summary>
/// The weights of the roster's named penalties (Scheduler.Optimization/Roster/Penalties), in units of a tenth of a
/// resident-minute of expected waiting.
/// </summary>
/// <param name="PerWaitingMinute">Each expected resident-minute of waiting a missing window causes (shortfall).</param>
/// <param name="MinPerMissingWindow">The least a missing window-slot costs, however few residents it would serve.</param>
/// <param name="WaitCapMinutes">A resident's expected wait in a slot whose queue cannot keep up counts this much.</param>
/// <param name="PerWindowOver">Each window-slot staffed beyond what the slot needs (over-staffing).</param>
/// <param name="PerUnsocialSpread">Each slot between the staff member with the most evening and weekend slots this week and the one with the fewest.</param>
/// <param name="PerSwitch">Each change of a staff member from a window of one category to another in the next slot.</param>
/// <param name="PerChange">Each slot whose duty differs from the published roster.</param>
public sealed record RosterWeights(
    long PerWaitingMinute = 10,
    long MinPerMissingWindow = 5,
    double WaitCapMinutes = 60,
    long PerWindowOver = 5,
    long PerUnsocialSpread = 30,
    long PerSwitch = 20,
    long PerChange = 15);

/// <summary>Everything the roster solver needs for one day.</summary>
public sealed record RosterRequest(
    RosterDay Day,
    IReadOnlyList<RosterStaff> Staff,
    IReadOnlyList<RouteDuty> Routes,
    WindowsNeeded Needed,
    RosterRules Rules,
    IReadOnlyList<OpenSession> Sessions,
    PublishedRoster? Published,
    RosterWeights Weights,
    RosterSolverOptions Options)
{
    public IReadOnlyList<RosterCategory> Categories => Needed.Categories;
}

/// <summary>
/// How long and how wide the solver searches; <see cref="RelativeGap"/> stops it once proven that close to optimal;
/// <see cref="SolverParameters"/> adds CP-SAT parameters (text format, comma-separated) for experiments.
/// </summary>
public sealed record RosterSolverOptions(double TimeLimitSeconds = 10, int Workers = 2, double RelativeGap = 0.0, int Seed = 1, string? SolverParameters = null);

public enum RosterStatus
{
    Optimal,
    Feasible,

    /// <summary>The hard rules cannot all hold (a staffed lunch or an opened session the staff cannot cover with their breaks).</summary>
    Infeasible,

    /// <summary>No roster was found within the time limit.</summary>
    Unknown,
}

/// <summary>The roster's cost, penalty by penalty; <see cref="Total"/> equals the solver's objective.</summary>
public sealed record RosterScore(long Shortfall, long Overstaffing, long Fairness, long Switches, long Changes)
{
    public long Total => Shortfall + Overstaffing + Fairness + Switches + Changes;
}

/// <summary>One category in one slot: windows needed against windows staffed.</summary>
public sealed record SlotCover(string CategoryId, int Slot, LocalTime Start, int Needed, int Staffed, int HallWindows)
{
    public int Short => Math.Max(0, Needed - Staffed);
}

/// <summary>
/// Where the roster falls short of the windows needed: every short slot, and the window-slots missing in all.
/// <see cref="BeyondHall"/> counts the window-slots needed beyond the windows the hall has (no roster can give them).
/// </summary>
public sealed record ShortfallReport(IReadOnlyList<SlotCover> ShortSlots, int MissingWindowSlots, int BeyondHall)
{
    public bool Covered => MissingWindowSlots == 0;
}

/// <summary>The day's roster: each staff member's duty per slot, the cover per category and slot, and how good it is.</summary>
public sealed record RosterPlan(
    RosterDay Day,
    IReadOnlyDictionary<string, IReadOnlyList<Duty>> Duties,
    IReadOnlyList<SlotCover> Cover,
    ShortfallReport Shortfall,
    RosterScore Score,
    RosterSolveStatistics Statistics)
{
    /// <summary>Windows staffed per category and slot.</summary>
    public int[] Staffed(string categoryId) =>
        Enumerable.Range(0, Day.Slots).Select(t => Duties.Values.Count(d => d[t] == Duty.At(categoryId))).ToArray();

    /// <summary>Window staff-hours of the day.</summary>
    public double WindowStaffHours => Duties.Values.Sum(d => d.Count(x => x.Kind == DutyKind.Window)) * Day.SlotMinutes / 60.0;
}

/// <summary>How the solve went: status, objective and proven bound, relative gap, seconds.</summary>
public sealed record RosterSolveStatistics(RosterStatus Status, long Objective, long Bound, double Gap, double Seconds, string Summary);

/// <summary>The roster solver (CP-SAT in Scheduler.Optimization).</summary>
public interface IRosterSolver
{
    /// <summary>The best roster found, or a plan with status <see cref="RosterStatus.Infeasible"/>/<see cref="RosterStatus.Unknown"/> and no duties.</summary>
    RosterPlan Solve(RosterRequest request);
}
