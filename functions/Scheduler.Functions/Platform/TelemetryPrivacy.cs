using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Scheduler.Core.Privacy;

namespace Scheduler.Functions.Platform;

/// <summary>
/// The last guard before telemetry leaves the app: phone numbers and resident ID numbers are masked with
/// <see cref="Redact"/> wherever they appear in span tags, span names, log messages and log attributes, query
/// strings (which carry residents' link tokens) are dropped from URLs, and the path segments that are credentials
/// (<see cref="SecretRoutes"/>: the calendar feed's token, a short link's MAC) are replaced by
/// <see cref="Redacted"/> in URLs and span names. Code should redact before it logs; this catches what slips through.
/// </summary>
public static partial class TelemetryPrivacy
{
    public const string Redacted = "[redacted]";

    /// <summary>Masks every phone number and resident ID number in <paramref name="value"/>; anything else is kept.</summary>
    public static string Scrub(string? value)
    {
        if (string.IsNullOrEmpty(value)) return value ?? "";
        if (!HasDigitRun(value, 7)) return value;
        return Sensitive().Replace(value, m => m.Groups["id"].Success ? Redact.IdNumber(m.Value) : Redact.Phone(m.Value));
    }

    /// <summary>A URL without its query string, which may hold a resident's token.</summary>
    public static string WithoutQuery(string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? url : url[..(q + 1)] + Redacted;
    }

    /// <summary>
    /// The routes (under the <c>api</c> prefix) whose parameters named in braces with a <c>!</c> are credentials: whoever
    /// holds the URL holds the access, so the segment never leaves the app. A test checks that every route parameter
    /// named <c>token</c>, <c>mac</c> or <c>code</c> is listed here.
    /// </summary>
    public static readonly IReadOnlyList<string> SecretRoutes = ["api/calendar/{!token}", "api/l/{kind}/{id}/{!mac}"];

    // Each route with and without the "api" prefix: a span may carry the route as the worker sees it.
    private static readonly (string[] Segments, bool[] Secret)[] Templates = SecretRoutes
        .SelectMany(r => new[] { r, r.StartsWith("api/", StringComparison.Ordinal) ? r[4..] : r }).Distinct()
        .Select(r => r.Split('/'))
        .Select(parts => (parts, parts.Select(p => p.StartsWith("{!", StringComparison.Ordinal)).ToArray()))
        .ToArray();

    /// <summary>
    /// <paramref name="url"/> (absolute, or a path with or without its leading slash, with or without a query) with
    /// the credential segments of a <see cref="SecretRoutes"/> route replaced by <see cref="Redacted"/>; any other
    /// URL is returned as it is.
    /// </summary>
    public static string WithoutPathSecrets(string url)
    {
        if (string.IsNullOrEmpty(url) || url.IndexOf('/') < 0) return url;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var pathStart = scheme < 0 ? 0 : url.IndexOf('/', scheme + 3);
        if (pathStart < 0) return url;
        var end = url.IndexOfAny(['?', '#'], pathStart);
        if (end < 0) end = url.Length;
        var path = url[pathStart..end];
        var leading = path.StartsWith('/') ? "/" : "";
        var segments = path[leading.Length..].Split('/');
        foreach (var (template, secret) in Templates)
        {
            if (segments.Length != template.Length) continue;
            var matches = true;
            for (var i = 0; i < template.Length && matches; i++)
                matches = template[i].StartsWith('{') || string.Equals(template[i], segments[i], StringComparison.OrdinalIgnoreCase);
            if (!matches) continue;
            var changed = false;
            for (var i = 0; i < template.Length; i++)
            {
                // A route template in a span name ("GET api/calendar/{token}") names the parameter only: it stays.
                if (!secret[i] || segments[i].StartsWith('{') || segments[i] == Redacted) continue;
                segments[i] = Redacted;
                changed = true;
            }
            return changed ? url[..pathStart] + leading + string.Join('/', segments) + url[end..] : url;
        }
        return url;
    }

    /// <summary>A span's name with every word that is a URL or a path cleared of credential segments (<see cref="WithoutPathSecrets"/>) and its query.</summary>
    public static string NameWithoutSecrets(string name)
    {
        if (string.IsNullOrEmpty(name) || name.IndexOf('/') < 0) return name;
        var words = name.Split(' ');
        for (var i = 0; i < words.Length; i++)
            if (words[i].Contains('/')) words[i] = WithoutPathSecrets(words[i].Contains('?') ? WithoutQuery(words[i]) : words[i]);
        return string.Join(' ', words);
    }

    private static bool HasDigitRun(string value, int length)
    {
        var run = 0;
        foreach (var c in value)
        {
            run = char.IsAsciiDigit(c) ? run + 1 : 0;
            if (run >= length) return true;
        }
        return false;
    }

    // An 18-character resident ID; a number with a + country code (spaces or dashes allowed after it); a mainland
    // mobile number, with or without 86 in front. Never inside a longer run of letters and digits (ids, hashes).
    [GeneratedRegex(@"(?<![0-9A-Za-z])(?:(?<id>[1-9]\d{16}[\dXx])|\+\d{1,3}[ -]?\d{4,14}|(?:86)?1[3-9]\d{9})(?![0-9A-Za-z])")]
    private static partial Regex Sensitive();
}

/// <summary>Scrubs span tags and names (see <see cref="TelemetryPrivacy"/>) before a span is exported.</summary>
public sealed class PrivacyActivityProcessor : BaseProcessor<Activity>
{
    private static readonly HashSet<string> UrlTags = new(StringComparer.Ordinal) { "url.full", "http.url", "http.target", "url.original", "url.path" };
    private static readonly HashSet<string> QueryTags = new(StringComparer.Ordinal) { "url.query" };

    public override void OnEnd(Activity data)
    {
        foreach (var tag in data.TagObjects.ToList())
        {
            if (tag.Value is not string text) continue;
            var scrubbed = QueryTags.Contains(tag.Key) ? (text.Length == 0 ? text : TelemetryPrivacy.Redacted)
                : UrlTags.Contains(tag.Key) ? TelemetryPrivacy.Scrub(TelemetryPrivacy.WithoutPathSecrets(TelemetryPrivacy.WithoutQuery(text)))
                : TelemetryPrivacy.Scrub(text);
            if (!string.Equals(scrubbed, text, StringComparison.Ordinal)) data.SetTag(tag.Key, scrubbed);
        }
        var name = TelemetryPrivacy.Scrub(TelemetryPrivacy.NameWithoutSecrets(data.DisplayName));
        if (!string.Equals(name, data.DisplayName, StringComparison.Ordinal)) data.DisplayName = name;
    }
}

/// <summary>Scrubs log messages and attributes (see <see cref="TelemetryPrivacy"/>) before a log record is exported.</summary>
public sealed class PrivacyLogProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (data.FormattedMessage is { } message) data.FormattedMessage = TelemetryPrivacy.Scrub(message);
        if (data.Body is { } body) data.Body = TelemetryPrivacy.Scrub(body);
        if (data.Attributes is { Count: > 0 } attributes)
            data.Attributes = attributes.Select(Scrub).ToList();
    }

    private static KeyValuePair<string, object?> Scrub(KeyValuePair<string, object?> attribute)
    {
        var text = attribute.Value switch
        {
            string s => s,
            long or ulong or decimal => Convert.ToString(attribute.Value, CultureInfo.InvariantCulture),
            _ => null,
        };
        if (text is null) return attribute;
        var scrubbed = TelemetryPrivacy.Scrub(text);
        return string.Equals(scrubbed, text, StringComparison.Ordinal) ? attribute : new(attribute.Key, scrubbed);
    }
}
