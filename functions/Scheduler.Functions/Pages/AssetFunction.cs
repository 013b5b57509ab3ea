using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Scheduler.Functions.Pages;

/// <summary>
/// Static files the pages need, embedded in the app so it works with no outside network: Leaflet 1.9.4 (BSD-2-Clause,
/// its licence beside it) for the dispatcher's map.
/// </summary>
public sealed class AssetFunction
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["leaflet.js"] = "text/javascript; charset=utf-8",
        ["leaflet.css"] = "text/css; charset=utf-8",
        ["leaflet-LICENSE.txt"] = "text/plain; charset=utf-8",
    };

    [Function("Asset")]
    [ApiOperation("A static file the pages use (Leaflet).", Tag = "pages")]
    [ApiResponse(200, "The file.", ContentType = "text/javascript")]
    [ApiResponse(404, "No such file.")]
    public IActionResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{name}")] HttpRequest request, string name)
    {
        if (!Types.TryGetValue(name, out var type)) return Problems.NotFound($"No asset named '{name}'.");
        var stream = typeof(AssetFunction).Assembly.GetManifestResourceStream($"Scheduler.Functions.Pages.Assets.{name}");
        if (stream is null) return Problems.NotFound($"No asset named '{name}'.");
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=86400";
        return new FileStreamResult(stream, type);
    }
}
