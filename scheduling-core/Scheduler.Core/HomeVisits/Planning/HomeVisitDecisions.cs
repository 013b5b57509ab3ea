using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;

namespace Scheduler.Core.HomeVisits.Planning;

/// <summary>
/// A dispatcher's decision on a request, and a cancellation, with what follows for the plans: a day already published
/// is planned again around the visits residents were told, when a request of that day is approved, cancelled or given its place.
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

    /// <summary>A dispatcher sets a request's place; an approved request's published days are planned again to take it in.</summary>
    public async Task<Outcome<HomeVisitRequest>> SetLocationAsync(string centreId, string id, double? latitude, double? longitude, Caller caller,
        CancellationToken cancellationToken)
    {
        var result = await requests.SetLocationAsync(centreId, id, latitude, longitude, caller, cancellationToken);
        if (result.Error is null && result.Value!.Status == HomeVisitStatus.Approved)
            await planning.ReplanPublishedDaysAsync(centreId, result.Value, new SystemCaller("replan-on-location"), cancellationToken);
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
