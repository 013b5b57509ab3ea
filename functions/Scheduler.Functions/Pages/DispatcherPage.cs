using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Staffing;
using Scheduler.Pages;

namespace Scheduler.Functions.Pages;

/// <summary>
/// The dispatcher's page: requests to decide (paged, filtered by day, status and urgency), a plan run with its
/// progress and the plan controls always at hand, the plan on a map (numbered routes and stops; tiles only when a tile
/// server is configured) and as a timeline with an hour axis and staff names, dropped visits with reasons, publish,
/// the day's window roster as a grid of duties (staff by slot) with its summary and publish, and the follow-ups of low ratings. The page is a shell rendered from <see cref="Dispatch"/>; dispatch.js calls the
/// same API the OpenAPI document lists, with the function key the page was opened with.
/// </summary>
public sealed class DispatcherPage(ICentreDirectory centres, CallerResolver callers, IClock clock, IOptions<PlanningOptions> planning, IOptions<SchedulerOptions> options)
{
    [Function("PageDispatch")]
    [ApiOperation("Dispatcher page: approve requests, plan a day, see it on a map and a timeline, publish it, roster the windows, follow up low ratings.", Tag = "pages", Access = "dispatchers")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(401, "Not signed in, or no function key.", ContentType = "text/html")]
    [ApiResponse(403, "Not a dispatcher.", ContentType = "text/html")]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "pages/dispatch")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Lang.For(request.Query["lang"]);
        var centre = await centres.GetAsync(RoleGate.Centre(request), cancellationToken) ?? throw new InvalidOperationException("The centre has no profile.");
        var switchUrl = CentreLinks.With($"/api/pages/dispatch?lang={lang.Other.Code}&code={ResidentPages.Q(request.Query["code"])}", centre.Profile.Centre.Id);
        var frame = new Frame(lang, centre.Profile, lang[Words.DispatchTitle], switchUrl, ["leaflet.js", "dispatch.js"], Wide: true);
        var (caller, denied) = callers.RequireRole(request, Roles.Dispatcher);
        if (denied is not null)
        {
            var status = (denied as ObjectResult)?.StatusCode ?? 401;
            return await PageResponse.RenderAsync<MessagePage>(request, new Dictionary<string, object?>
            {
                ["Frame"] = frame with { Scripts = null }, ["Message"] = lang[Words.SignInFirst],
                ["Links"] = new List<Choice> { new($"/.auth/login/aad?post_login_redirect_uri={ResidentPages.Q(request.Path + request.QueryString)}", lang[Words.SignIn]) },
            }, status, carriesToken: true);
        }
        // The page calls the dispatch API for its centre; a dispatcher who does not serve it is told so here, not by each call.
        if (!CentreScope.Serves((StaffCaller)caller!, centre.Profile.Centre.Id, options.Value.CentreId))
            return await PageResponse.RenderAsync<MessagePage>(request, new Dictionary<string, object?>
            {
                ["Frame"] = frame with { Scripts = null }, ["Message"] = lang[Words.WrongCentre], ["IsError"] = true,
            }, StatusCodes.Status403Forbidden, carriesToken: true);
        var next = centre.Calendar.NextWorkingDay(centre.Calendar.Today(clock.GetCurrentInstant()));
        var texts = Words.DispatchScript.ToDictionary(t => t.Key, t => lang[t.Value]);
        var config = JsonSerializer.Serialize(new
        {
            lang = lang.Code,
            centreId = centre.Profile.Centre.Id,
            centre = new { lat = centre.Profile.Centre.Location.Latitude, lng = centre.Profile.Centre.Location.Longitude },
            tiles = planning.Value.TileUrl,
            items = centre.Profile.Items.ToDictionary(i => i.Id, i => lang.Of(i.Name)),
            bundles = centre.Profile.Bundles.ToDictionary(b => b.Id, b => lang.Of(b.Name)),
            staff = centre.Profile.Staff.ToDictionary(s => s.Id, s => s.Name),
            categories = centre.Profile.Categories.ToDictionary(c => c.Id, c => lang.Of(c.Name)),
            texts,
        });
        return await PageResponse.RenderAsync<Dispatch>(request, new Dictionary<string, object?>
        {
            ["Frame"] = frame, ["DispatcherName"] = (caller as StaffCaller)?.DisplayName, ["NextDay"] = next.ToString("yyyy-MM-dd", null), ["Config"] = config,
            ["Statuses"] = Enum.GetNames<HomeVisitStatus>().ToDictionary(s => s, s => texts[s]),
            ["Urgencies"] = Enum.GetNames<VisitUrgency>().ToDictionary(u => u, u => texts[u]),
        }, carriesToken: true, imageSource: TileOrigin(planning.Value.TileUrl));
    }

    /// <summary>The tile server's origin for the page's img-src, when tiles are configured.</summary>
    internal static string? TileOrigin(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        var host = url.Replace("{s}", "a", StringComparison.Ordinal);
        return Uri.TryCreate(host, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{(url.Contains("{s}.", StringComparison.Ordinal) ? "*." + uri.Host[2..] : uri.Host)}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}" : null;
    }
}
