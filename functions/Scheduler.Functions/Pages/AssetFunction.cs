using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Scheduler.Pages;

namespace Scheduler.Functions.Pages;

/// <summary>
/// Serves the pages' static files (<see cref="StaticAssets"/>): each with its ETag (a conditional request gets 304),
/// cached for a day. Pages link them with their version in the address (<c>?v=</c>), so a new deployment's files load
/// at once; an address naming the current version is cached for a year, since that version never changes.
/// </summary>
public sealed class AssetFunction
{
    [Function("Asset")]
    [ApiOperation("A static file the pages use (stylesheet, page scripts, Leaflet).", Tag = "pages")]
    [ApiResponse(200, "The file.", ContentType = "text/javascript")]
    [ApiResponse(304, "Not modified since the ETag given.")]
    [ApiResponse(404, "No such file.")]
    public IActionResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{name}")] HttpRequest request, string name)
    {
        if (!StaticAssets.TryGet(name, out var asset)) return Problems.NotFound($"No asset named '{name}'.");
        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = request.Query["v"] == asset.Version ? "public, max-age=31536000, immutable" : "public, max-age=86400";
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        if (request.Headers.IfNoneMatch.Any(v => v == asset.ETag)) return new StatusCodeResult(StatusCodes.Status304NotModified);
        return new FileContentResult(asset.Bytes, asset.Type);
    }
}
