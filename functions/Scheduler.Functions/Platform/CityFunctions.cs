using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Scheduler.Core.Operations;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Platform;

/// <summary>The city view for administrators: every centre's day side by side (ADR 0018).</summary>
public sealed class CityFunctions(CitySummary city)
{
    [RequireRole(Roles.Administrator)]
    [Function("CitySummary")]
    [ApiOperation("Each centre's day for the city's administrators: appointments, check-ins, served, no-shows, cancelled, measured waits (p50/p90 " +
                  "minutes), the published home-visit plan's visits and dropped visits, and ratings; the default centre first.", Tag = "city", Access = "administrators")]
    [ApiResponse(200, "The city's day.", Type = typeof(CityDay))]
    [ApiResponse(400, "date missing or not a date.")]
    public async Task<IActionResult> Summary([HttpTrigger(AuthorizationLevel.Function, "get", Route = "city/summary")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!Outcomes.TryDate(request.Query["date"], "date", out var date, out var problem)) return problem!;
        var result = await city.DayAsync(date, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }
}
