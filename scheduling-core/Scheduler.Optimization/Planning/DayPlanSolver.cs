using NodaTime;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;

namespace Scheduler.Optimization.Planning;

/// <summary>The planning use case's solver port, answered by the OR-Tools route planner through <see cref="DayPlanner"/>.</summary>
public sealed class DayPlanSolver(ITravelTimeProvider travel) : IDayPlanSolver
{
    public async Task<DayPlanOutcome> SolveAsync(CentreProfile profile, LocalDate date, IReadOnlyList<HomeVisitRequest> requests, HomeVisitShiftRules shifts,
        HomeVisitPlan? published, Duration timeLimit, CancellationToken cancellationToken)
    {
        var result = await DayPlanner.SolveAsync(DayPlanner.BuildRequest(profile, date, requests, shifts, published), travel, timeLimit, cancellationToken);
        var s = result.Statistics;
        var search = s is null ? null : $"searched {s.Elapsed.TotalSeconds:F1} s, {s.Solutions.Count} improving solutions ({s.SolverStatus})";
        return new DayPlanOutcome(result.Publishable, result.Plan,
            result.Publishable ? null : $"{result.Status}: {string.Join("; ", result.Problems.Take(5))}",
            result.Violations.Select(v => v.Message).ToList(), s?.FirstSolutionAfter?.TotalSeconds, search);
    }
}
