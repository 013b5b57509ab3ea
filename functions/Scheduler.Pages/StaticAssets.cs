using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Scheduler.Pages;

/// <summary>
/// The pages' static files, embedded in this assembly so the app works with no outside network: the one stylesheet,
/// the page scripts (no page has inline script) and Leaflet 1.9.4 (BSD-2-Clause, its licence beside it) for the maps.
/// Each has an ETag from its content; pages link a file with that version in its address (<see cref="Url"/>), so a
/// browser holding yesterday's copy for its day of caching still loads the new one the moment a deployment changes it.
/// </summary>
public static class StaticAssets
{
    /// <summary>One file: its bytes, its content type and its ETag (quoted, from a hash of the bytes).</summary>
    public sealed record Asset(byte[] Bytes, string Type, string ETag)
    {
        /// <summary>The ETag without quotes: the version pages put in the file's address.</summary>
        public string Version => ETag.Trim('"');
    }

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

    private static readonly FrozenDictionary<string, Asset> All = Types
        .Select(t => (t.Key, Stream: typeof(StaticAssets).Assembly.GetManifestResourceStream($"Scheduler.Pages.Assets.{t.Key}")))
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

    /// <summary>The file named <paramref name="name"/>, or false when there is none.</summary>
    public static bool TryGet(string name, out Asset asset) => All.TryGetValue(name, out asset!);

    /// <summary>The address a page links the file by, with its version; an unknown name is a mistake in a page.</summary>
    public static string Url(string name) => All.TryGetValue(name, out var asset)
        ? $"/api/assets/{name}?v={asset.Version}"
        : throw new ArgumentException($"No asset named '{name}'.", nameof(name));
}
