using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;

namespace Scheduler.Optimization.Planning;

/// <summary>
/// The planning use case's solver port, answered by the OR-Tools route planner through <see cref="DayPlanner"/>. Solves
/// wait for a <see cref="SolverSlots"/> slot, so the time limit is CPU the search actually gets.
/// </summary>
public sealed class DayPlanSolver(ITravelTimeProvider travel, SolverSlots slots) : IDayPlanSolver
{
    public async Task<DayPlanOutcome> SolveAsync(CentreSnapshot centre, LocalDate date, IReadOnlyList<HomeVisitRequest> requests, HomeVisitShiftRules shifts,
        HomeVisitPlan? published, Duration timeLimit, CancellationToken cancellationToken, IReadOnlyDictionary<string, long>? useCost = null)
    {
        var request = DayPlanner.BuildRequest(centre.Profile, centre.Calendar.Zone, date, requests, shifts, published, useCost);
        var result = await slots.RunAsync(() => DayPlanner.SolveAsync(request, travel, timeLimit, cancellationToken), cancellationToken);
        return new DayPlanOutcome(result.Publishable, result.Plan,
            result.Publishable ? null : $"{result.Status}: {string.Join("; ", result.Problems.Take(5))}",
            result.Violations.Select(v => v.Message).ToList(), result.Statistics?.FirstSolutionAfter?.TotalSeconds, result.Statistics?.Summary,
            result.Statistics is { } s ? new PlanSearch(s.Ended.ToString(), s.EndReason, s.SolverStatus, s.Search?.ToString(), s.Elapsed.TotalSeconds,
                s.Improvements, s.Iterations, s.Searches, s.Seed) : null,
            result.Score is { } score ? score.Total - score.StaffUsed : null);
    }
}
