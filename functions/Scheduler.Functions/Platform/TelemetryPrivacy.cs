using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Scheduler.Core.Privacy;

namespace Scheduler.Functions.Platform;

/// <summary>
/// The last guard before telemetry leaves the app: phone numbers and resident ID numbers are masked with
/// <see cref="Redact"/> wherever they appear in span tags, span names, log messages and log attributes, and query
/// strings (which carry residents' link tokens) are dropped from URLs. Code should redact before it logs; this
/// catches what slips through.
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
    private static readonly HashSet<string> UrlTags = new(StringComparer.Ordinal) { "url.full", "http.url", "http.target", "url.original" };
    private static readonly HashSet<string> QueryTags = new(StringComparer.Ordinal) { "url.query" };

    public override void OnEnd(Activity data)
    {
        foreach (var tag in data.TagObjects.ToList())
        {
            if (tag.Value is not string text) continue;
            var scrubbed = QueryTags.Contains(tag.Key) ? (text.Length == 0 ? text : TelemetryPrivacy.Redacted)
                : UrlTags.Contains(tag.Key) ? TelemetryPrivacy.Scrub(TelemetryPrivacy.WithoutQuery(text))
                : TelemetryPrivacy.Scrub(text);
            if (!string.Equals(scrubbed, text, StringComparison.Ordinal)) data.SetTag(tag.Key, scrubbed);
        }
        var name = TelemetryPrivacy.Scrub(data.DisplayName);
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
