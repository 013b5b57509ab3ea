using NodaTime;

namespace Scheduler.Core.HomeVisits.Planning;

public enum PlanRunStatus { Queued, Solving, Solved, Failed, Published, Superseded }

/// <summary>One run of the planner for one day: what was asked, how it went, and the plan when there is one.</summary>
/// <param name="Search">How the search went, in words for the dispatcher ("searched 20 s, 310 improvements" or why it stopped).</param>
/// <param name="SearchDetails">The same in parts: how and why the search ended, the solver's status, what it did (runs solved before it was kept have none).</param>
public sealed record PlanRun(
    string Id, string CentreId, LocalDate Date, PlanRunStatus Status, Instant RequestedAt, string RequestedBy,
    Instant? FinishedAt, string? Failure, HomeVisitPlan? Plan, IReadOnlyList<string> Violations, double? SolveSeconds, double? FirstSolutionSeconds,
    string? Search = null, PlanSearch? SearchDetails = null);

/// <summary>How a plan run's search went, as the planner reports it.</summary>
/// <param name="Ended">How it ended: TimeLimit (it used its whole limit), IterationLimit (a reproducible run's budget),
/// SolutionLimit, Exhausted, NothingToImprove, SolverFailed or Cancelled.</param>
/// <param name="Reason">Why it ended where it did, when that was not its limit (always given for a search that ended well inside it).</param>
/// <param name="SolverStatus">The solver's own status (OR-Tools' routing status, or what the planner's own search did).</param>
/// <param name="Method">The search that ran (RuinAndRecreate, IteratedLocalSearch, GuidedLocalSearch, ...).</param>
/// <param name="SearchedSeconds">When the search ended, in seconds from its start.</param>
/// <param name="Improvements">Improving plans found after the first one.</param>
/// <param name="Iterations">Iterations of the planner's own search (0 for OR-Tools' searches).</param>
/// <param name="Searches">Searches run side by side.</param>
/// <param name="Seed">The seed of the planner's own search, to reproduce the run.</param>
public sealed record PlanSearch(string Ended, string? Reason, string SolverStatus, string? Method, double SearchedSeconds, int Improvements,
    long Iterations, int Searches, int? Seed);

/// <summary>The message on <c>plan-requests</c>.</summary>
public sealed record PlanRequested(string Type, int Version, string CentreId, string PlanId)
{
    public const string TypeName = "plan.requested";
    public const int CurrentVersion = 1;
}

/// <summary>A stored run and the version it was read at.</summary>
public sealed record StoredPlanRun(PlanRun Run, string ETag);

/// <summary>Where plan runs and each day's published plan live.</summary>
public interface IPlanRunStore
{
    /// <summary>Adds the run; false when a run with its id exists already (a nightly run asked for twice).</summary>
    Task<bool> AddAsync(PlanRun run, CancellationToken cancellationToken);

    Task<StoredPlanRun?> GetAsync(string centreId, string planId, CancellationToken cancellationToken);

    /// <summary>The run published for the day, if any.</summary>
    Task<StoredPlanRun?> PublishedAsync(string centreId, LocalDate date, CancellationToken cancellationToken);

    /// <summary>Replaces the run if unchanged since read; false when it changed.</summary>
    Task<bool> ReplaceAsync(PlanRun run, string etag, CancellationToken cancellationToken);

    /// <summary>
    /// Marks <paramref name="run"/> published and the day's previous published run (<paramref name="previous"/>)
    /// superseded, all or nothing; false when either changed since read or another run was published meanwhile.
    /// </summary>
    /// <remarks>The same transaction notes that the plan's residents are owed their visit time (at <paramref name="at"/>),
    /// until <see cref="ResidentsToldAsync"/>; <see cref="UntoldAsync"/> lists what a stop in between left.</remarks>
    Task<bool> PublishAsync(StoredPlanRun run, StoredPlanRun? previous, Instant at, CancellationToken cancellationToken);

    /// <summary>The published runs of <paramref name="from"/> to <paramref name="to"/> whose residents may not all have been told their time, with when they were published.</summary>
    Task<IReadOnlyList<(PlanRun Run, Instant At)>> UntoldAsync(string centreId, LocalDate from, LocalDate to, CancellationToken cancellationToken);

    /// <summary>Every resident of the run has their visit time in the SMS outbox. Done already is no error.</summary>
    Task ResidentsToldAsync(PlanRun run, CancellationToken cancellationToken);
}

/// <summary>Where requested runs wait for the solver.</summary>
public interface IPlanQueue
{
    Task EnqueueAsync(PlanRequested message, CancellationToken cancellationToken);
}

/// <summary>What the solver made of a day.</summary>
/// <param name="Search">How the search went, in words (see <see cref="PlanRun.Search"/>).</param>
/// <param name="SearchDetails">The same in parts (see <see cref="PlanRun.SearchDetails"/>).</param>
/// <param name="Cost">The plan's objective without what sending staff out costs: travel, overtime and visits left out, in the route planner's units.</param>
public sealed record DayPlanOutcome(bool Publishable, HomeVisitPlan? Plan, string? Failure, IReadOnlyList<string> Violations, double? FirstSolutionSeconds, string? Search,
    PlanSearch? SearchDetails = null, long? Cost = null);

/// <summary>
/// Plans a day of home visits around the visits already published for it. <c>useCost</c> is what sending each staff
/// member out costs, in the route planner's units (<see cref="IJointPlanning"/>); a staff member not in it costs nothing.
/// </summary>
public interface IDayPlanSolver
{
    Task<DayPlanOutcome> SolveAsync(Booking.CentreSnapshot centre, LocalDate date, IReadOnlyList<Requests.HomeVisitRequest> requests,
        Requests.HomeVisitShiftRules shifts, HomeVisitPlan? published, Duration timeLimit, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, long>? useCost = null);
}

/// <summary>The day planned together with the hall's roster (ADR 0020): the outcome of the round kept, and a line for the dispatcher.</summary>
public sealed record JointOutcome(DayPlanOutcome Outcome, string Summary);

/// <summary>Plans a day's home visits together with the hall's roster, pricing staff time by what the windows need (ADR 0020).</summary>
public interface IJointPlanning
{
    /// <summary>
    /// Plans the day in rounds within <paramref name="timeLimit"/>, each round's routes solved by <paramref name="solve"/>
    /// with what sending each staff member out costs and the round's share of the time; null when the centre does not
    /// plan jointly or nobody who goes out also sits at a window (the caller then solves once, unpriced).
    /// </summary>
    Task<JointOutcome?> PlanAsync(Booking.CentreSnapshot centre, LocalDate date, Requests.HomeVisitShiftRules shifts, Duration timeLimit,
        Func<IReadOnlyDictionary<string, long>, Duration, Task<DayPlanOutcome>> solve, CancellationToken cancellationToken);
}
