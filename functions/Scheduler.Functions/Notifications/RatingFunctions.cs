using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Scheduler.Core.Notifications;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Notifications;

/// <summary>Ratings (好差评) for dispatchers: counts and averages, and the follow-ups of low ratings.</summary>
public sealed class RatingFunctions(Ratings ratings, CallerResolver callers, IOptions<SchedulerOptions> options)
{
    [Function("RatingSummary")]
    [ApiOperation("Ratings between two local dates: counts and averages by category and item, and follow-ups open, closed and overdue.", Tag = "dispatch", Access = "dispatcher")]
    [ApiResponse(200, "The summary.", Type = typeof(RatingSummary))]
    [ApiResponse(400, "from or to missing or not valid.")]
    [ApiResponse(401, "Not signed in, or no function key.")]
    [ApiResponse(403, "Not a dispatcher.")]
    public async Task<IActionResult> Summary([HttpTrigger(AuthorizationLevel.Function, "get", Route = "ratings/summary")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (_, denied) = callers.RequireRole(request, Roles.Dispatcher);
        if (denied is not null) return denied;
        if (!Outcomes.TryDate(request.Query["from"], "from", out var from, out var bad) || !Outcomes.TryDate(request.Query["to"], "to", out var to, out bad)) return bad!;
        var result = await ratings.SummaryAsync(options.Value.CentreId, from, to, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }
}
