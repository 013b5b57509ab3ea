using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Scheduler.Core.Calendar;
using Scheduler.Core.Catalogue;

namespace Scheduler.Functions.Catalogue;

/// <summary>What anyone may know of the centre: no staff, no residents.</summary>
public sealed record PublicCentre(
    Centre Centre,
    IReadOnlyList<WindowCategory> Categories,
    IReadOnlyList<ServiceItem> Items,
    IReadOnlyList<Bundle> Bundles,
    IReadOnlyList<WeeklyOpening> Opening,
    LunchPeriod Lunch,
    IReadOnlyList<ExtendedSession> ExtendedSessions,
    IReadOnlyList<CalendarDay> CalendarDays);

/// <summary><c>GET /api/centre</c>: the centre's public catalogue and calendar.</summary>
public sealed class CentreFunction(CatalogueStore catalogue)
{
    [RateLimited(Scheduler.Core.Abuse.RateScopes.Reads)]
    [Function("Centre")]
    [ApiOperation("The centre's window categories, service items, bundles and opening calendar.", Tag = "catalogue")]
    [ApiResponse(200, "The centre.", Type = typeof(PublicCentre))]
    [ApiResponse(404, "The centre has no profile yet.")]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "centre")] HttpRequest request, CancellationToken cancellationToken)
    {
        var p = await catalogue.LoadAsync(RoleGate.Centre(request), cancellationToken);
        if (p is null) return Problems.NotFound($"Centre '{RoleGate.Centre(request)}' has no profile yet.");
        return new OkObjectResult(new PublicCentre(p.Centre, p.Categories, p.Items, p.Bundles, p.Opening, p.Lunch, p.ExtendedSessions, p.CalendarDays));
    }
}
