using NodaTime;
using Scheduler.Core.HomeVisits;

namespace Scheduler.Optimization.Routing;

public enum RoutePlanStatus
{
    /// <summary>A plan was found and the independent checker passed it: it may be published.</summary>
    Planned,
    /// <summary>The request cannot be planned as given (see <see cref="RoutePlanResult.Problems"/>).</summary>
    InvalidRequest,
    /// <summary>The solver found no plan that keeps the pinned visits and hard rules within the time limit.</summary>
    NoSolution,
    /// <summary>A plan was found but the checker rejected it: never publish it (a defect to report).</summary>
    CheckFailed,
    /// <summary>Cancelled before any plan was found.</summary>
    Cancelled,
}

/// <summary>A solution found during the search: when, and its objective value.</summary>
public readonly record struct SolutionPoint(Duration At, long Objective);

/// <summary>How the search went (and which metaheuristic ran): for progress pages and benchmarks.</summary>
public sealed record SolveStatistics(
    Duration Elapsed,
    long? Objective,
    Duration? FirstSolutionAfter,
    IReadOnlyList<SolutionPoint> Solutions,
    string SolverStatus,
    Metaheuristic? Search = null);

/// <summary>
/// What the route planner returns: the plan when one was found (with its check), or the reason there is none.
/// Only a <see cref="RoutePlanStatus.Planned"/> result may be published.
/// </summary>
public sealed record RoutePlanResult(
    RoutePlanStatus Status,
    HomeVisitPlan? Plan,
    IReadOnlyList<string> Problems,
    IReadOnlyList<PlanViolation> Violations,
    PlanScore? Score,
    SolveStatistics Statistics)
{
    public bool Publishable => Status == RoutePlanStatus.Planned && Plan is not null && Violations.Count == 0;
}
