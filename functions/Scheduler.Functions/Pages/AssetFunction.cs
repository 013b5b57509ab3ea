using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Scheduler.Functions.Pages;

/// <summary>
/// Static files the pages use, embedded in the app so it works with no outside network: the one stylesheet, the
/// page scripts (no page has inline script), and Leaflet 1.9.4 (BSD-2-Clause, its licence beside it) for the
/// dispatcher's map. Each is sent with an ETag (a conditional request gets 304) and cached for a day.
/// </summary>
public sealed class AssetFunction
{
    private sealed record Asset(byte[] Bytes, string Type, string ETag);

    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["site.css"] = "text/css; charset=utf-8",
        ["services.js"] = "text/javascript; charset=utf-8",
        ["dispatch.js"] = "text/javascript; charset=utf-8",
        ["phone.js"] = "text/javascript; charset=utf-8",
        ["home-visit.js"] = "text/javascript; charset=utf-8",
        ["verify.js"] = "text/javascript; charset=utf-8",
        ["book.js"] = "text/javascript; charset=utf-8",
        ["leaflet.js"] = "text/javascript; charset=utf-8",
        ["leaflet.css"] = "text/css; charset=utf-8",
        ["leaflet-LICENSE.txt"] = "text/plain; charset=utf-8",
    };

    private static readonly FrozenDictionary<string, Asset> Assets = Types
        .Select(t => (t.Key, Stream: typeof(AssetFunction).Assembly.GetManifestResourceStream($"Scheduler.Functions.Pages.Assets.{t.Key}")))
        .Where(t => t.Stream is not null)
        .Select(t =>
        {
            using var memory = new MemoryStream();
            t.Stream!.CopyTo(memory);
            t.Stream.Dispose();
            var bytes = memory.ToArray();
            return (t.Key, Asset: new Asset(bytes, Types[t.Key], $"\"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}\""));
        })
        .ToFrozenDictionary(t => t.Key, t => t.Asset, StringComparer.Ordinal);

    [Function("Asset")]
    [ApiOperation("A static file the pages use (stylesheet, page scripts, Leaflet).", Tag = "pages")]
    [ApiResponse(200, "The file.", ContentType = "text/javascript")]
    [ApiResponse(304, "Not modified since the ETag given.")]
    [ApiResponse(404, "No such file.")]
    public IActionResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{name}")] HttpRequest request, string name)
    {
        if (!Assets.TryGetValue(name, out var asset)) return Problems.NotFound($"No asset named '{name}'.");
        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = "public, max-age=86400";
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        if (request.Headers.IfNoneMatch.Any(v => v == asset.ETag)) return new StatusCodeResult(StatusCodes.Status304NotModified);
        return new FileContentResult(asset.Bytes, asset.Type);
    }
}
