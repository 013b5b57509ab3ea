using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;

namespace Scheduler.Core.HomeVisits.Planning;

/// <summary>
/// A dispatcher's decision on a request, and a cancellation, with what follows for the plans: a day already published
/// is planned again around the visits residents were told, when a request of that day is approved or cancelled.
/// </summary>
public sealed class HomeVisitDecisions(HomeVisitService requests, HomeVisitPlanning planning)
{
    public async Task<Outcome<HomeVisitRequest>> DecideAsync(string centreId, string id, DecisionKind decision, string? reason, Caller caller, CancellationToken cancellationToken)
    {
        var result = await requests.DecideAsync(centreId, id, decision, reason, caller, cancellationToken);
        if (result.Error is null && decision == DecisionKind.Approve)
            await planning.ReplanPublishedDaysAsync(centreId, result.Value!, new SystemCaller("replan-on-approval"), cancellationToken);
        return result;
    }

    public async Task<Outcome<HomeVisitRequest>> CancelAsync(string centreId, string id, string? reason, Caller caller, CancellationToken cancellationToken)
    {
        var result = await requests.CancelAsync(centreId, id, reason, caller, cancellationToken);
        if (result.Error is null)
            await planning.ReplanPublishedDaysAsync(centreId, result.Value!, new SystemCaller("replan-on-cancellation"), cancellationToken);
        return result;
    }
}
