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
/// <param name="Iteration">For the planner's own search, the iteration of the search that found it (0 for the first plan
/// and for OR-Tools' searches): searches side by side meet every annealing cycle, so this counts work done on any machine.</param>
public readonly record struct SolutionPoint(Duration At, long Objective, long Iteration = 0);

/// <summary>Why a search ended: every result says, so that a search that stops early is never silent.</summary>
public enum SearchEnd
{
    /// <summary>Not solved (an invalid request).</summary>
    NotSolved,
    /// <summary>It searched until its time limit: the normal end.</summary>
    TimeLimit,
    /// <summary>It ran its iteration budget (<see cref="RoutePlannerOptions.IterationLimit"/> or a reproducible run).</summary>
    IterationLimit,
    /// <summary>It found the number of improving solutions it was asked to stop at (<see cref="RoutePlannerOptions.SolutionLimit"/>).</summary>
    SolutionLimit,
    /// <summary>Cancelled; the best plan found so far is kept.</summary>
    Cancelled,
    /// <summary>Nothing could move (no visit that is not pinned): the plan is final as built.</summary>
    NothingToImprove,
    /// <summary>The search proved it could not improve (OR-Tools: local optimum reached, or the whole tree searched).</summary>
    Exhausted,
    /// <summary>
    /// OR-Tools could not continue from the plan it was given or find one of its own (its status says which); the
    /// planner keeps the best plan it has and <see cref="SolveStatistics.EndReason"/> says why the time was not used.
    /// </summary>
    SolverFailed,
}

/// <summary>How the search went (and which metaheuristic ran): for progress pages and benchmarks.</summary>
/// <param name="Elapsed">From the start of the solve until the search ended.</param>
/// <param name="SolverStatus">OR-Tools' routing status (for example <c>RoutingFail</c>), or the planner's own search's.</param>
/// <param name="Ended">Why the search ended.</param>
/// <param name="EndReason">The reason in words, for a dispatcher; null when the time limit ended it as planned.</param>
/// <param name="Searches">How many searches ran side by side (the best checked plan is kept).</param>
/// <param name="Iterations">Ruin-and-recreate iterations, over all searches (0 for OR-Tools' own searches).</param>
/// <param name="Seed">The seed of the planner's own search (the first search's; the others use the next seeds).</param>
public sealed record SolveStatistics(
    Duration Elapsed,
    long? Objective,
    Duration? FirstSolutionAfter,
    IReadOnlyList<SolutionPoint> Solutions,
    string SolverStatus,
    Metaheuristic? Search = null,
    SearchEnd Ended = SearchEnd.NotSolved,
    string? EndReason = null,
    int Searches = 1,
    long Iterations = 0,
    int? Seed = null,
    int RoutesEliminated = 0)
{
    /// <summary>
    /// Improving solutions found by the search after the first plan (the first plan is <see cref="Solutions"/>[0]).
    /// </summary>
    public int Improvements => Math.Max(0, Solutions.Count - 1);

    /// <summary>
    /// One line for the dispatcher: "searched 20 s, 310 improvements" when the search ran as planned, otherwise
    /// "stopped after 0.9 s: ..." with the reason.
    /// </summary>
    public string Summary
    {
        get
        {
            var seconds = Elapsed.TotalSeconds.ToString(Elapsed.TotalSeconds < 10 ? "0.0" : "0", System.Globalization.CultureInfo.InvariantCulture);
            var improvements = Improvements == 1 ? "1 improvement" : $"{Improvements} improvements";
            var searches = (Searches > 1 ? $" ({Searches} searches side by side)" : "") +
                           (RoutesEliminated switch { 0 => "", 1 => ", 1 route emptied", var n => $", {n} routes emptied" });
            return Ended switch
            {
                SearchEnd.TimeLimit => $"searched {seconds} s, {improvements}{searches}",
                SearchEnd.IterationLimit => $"searched {seconds} s, {improvements}{searches}, to its fixed budget of {Iterations} iterations (reproducible)",
                SearchEnd.SolutionLimit => $"searched {seconds} s, {improvements}, stopped at the solution limit",
                SearchEnd.Cancelled => $"cancelled after {seconds} s, {improvements}; the best plan so far is kept",
                SearchEnd.NothingToImprove => $"nothing to improve: {EndReason ?? "every visit is pinned"}",
                SearchEnd.Exhausted => $"searched {seconds} s, {improvements}; {EndReason ?? "no better plan within reach"}",
                SearchEnd.SolverFailed => $"stopped after {seconds} s: {EndReason ?? $"the solver failed ({SolverStatus})"}",
                _ => EndReason ?? "not solved",
            };
        }
    }
}

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

    /// <summary>
    /// What happened, in one line for the dispatcher: the plan's served and dropped visits and how the search went
    /// (<see cref="SolveStatistics.Summary"/>), or why there is no plan.
    /// </summary>
    public string Summary => Status switch
    {
        RoutePlanStatus.InvalidRequest => "not planned: " + string.Join("; ", Problems),
        RoutePlanStatus.CheckFailed => $"not publishable: {Violations.Count} rule(s) broken; {Statistics.Summary}",
        _ when Plan is null => $"no plan: {string.Join("; ", Problems)}; {Statistics.Summary}",
        _ => $"{Plan.Kpis.Served} served, {Plan.Kpis.Dropped} left out; {Statistics.Summary}",
    };
}
