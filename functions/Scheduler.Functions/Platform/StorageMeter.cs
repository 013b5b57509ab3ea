using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Scheduler.Functions.Platform;

/// <summary>What one table partition or queue took from the app: requests, entities (or messages) read and written.</summary>
public sealed record StorageTally(string Service, string Resource, string Partition, string Operation, long Requests, long Read, long Written)
{
    public long Entities => Read + Written;
}

/// <summary>
/// Counts what the app asks of its storage account, per table partition (or queue) and per kind of call: the
/// requests sent (a retry is a request) and the entities read and written (messages for a queue). It sees every
/// call of the <see cref="StorageClients"/> through <see cref="StorageCountingPolicy"/>. The heat bench and the
/// history tests read it; <see cref="Recording"/> is off in the app, where it then costs one branch per call.
/// An entity counted as read is one the service returned: a query that filters on a column other than the keys
/// makes the service scan more than it returns, which no client sees; such queries are counted as "filtered query".
/// </summary>
public sealed class StorageMeter
{
    private readonly ConcurrentDictionary<(string Service, string Resource, string Partition, string Operation), Counts> _counts = new();

    /// <summary>Whether calls are counted. Off unless a bench or a test turns it on.</summary>
    public bool Recording { get; set; }

    public void Record(string service, string resource, string partition, string operation, int read, int written)
    {
        if (!Recording) return;
        var c = _counts.GetOrAdd((service, resource, partition, operation), _ => new Counts());
        Interlocked.Increment(ref c.Requests);
        Interlocked.Add(ref c.Read, read);
        Interlocked.Add(ref c.Written, written);
    }

    public IReadOnlyList<StorageTally> Snapshot() =>
        _counts.Select(kv => new StorageTally(kv.Key.Service, kv.Key.Resource, kv.Key.Partition, kv.Key.Operation,
            Interlocked.Read(ref kv.Value.Requests), Interlocked.Read(ref kv.Value.Read), Interlocked.Read(ref kv.Value.Written))).ToList();

    public void Reset() => _counts.Clear();

    private sealed class Counts
    {
        public long Requests;
        public long Read;
        public long Written;
    }
}

/// <summary>
/// An Azure SDK pipeline policy, added to the table and queue clients' options by <see cref="StorageClients"/>, that
/// tells <see cref="StorageMeter"/> what each request did: which table partition or queue it touched, what kind of
/// call it was, and how many entities or messages it read or wrote (a transaction's actions are counted one by one;
/// a query's entities from its answer, by their own partition). It runs per retry, so a retried call counts twice.
/// One instance watches the table client, another the queue client (<paramref name="queues"/>).
/// </summary>
public sealed partial class StorageCountingPolicy(StorageMeter meter, bool queues) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        if (meter.Recording) Count(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        if (meter.Recording) Count(message);
    }

    private void Count(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        var segments = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/').Split('/');
        // Azurite and the emulators put the account in the path; Azure puts it in the host name.
        if (uri.Host is "localhost" || char.IsDigit(uri.Host[0])) segments = segments.Skip(1).ToArray();
        if (segments.Length == 0 || segments[0].Length == 0) return;
        var method = message.Request.Method.Method;
        var status = message.HasResponse ? message.Response.Status : 0;
        var ok = status is >= 200 and < 300;
        if (queues)
            CountQueue(message, segments, method, ok);
        else
            CountTable(message, segments[0], method, ok);
    }

    private void CountQueue(HttpMessage message, string[] segments, string method, bool ok)
    {
        var queue = segments[0];
        var isMessages = segments.Length > 1 && segments[1] == "messages";
        if (!isMessages)
        {
            meter.Record("queue", queue, "", method == "PUT" ? "create" : "properties", 0, 0);
            return;
        }
        switch (method)
        {
            case "POST":
                meter.Record("queue", queue, "", "send", 0, ok ? 1 : 0);
                break;
            case "GET":
                var received = ok ? CountOccurrences(ResponseText(message), "<QueueMessage>") : 0;
                meter.Record("queue", queue, "", message.Request.Uri.Query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) ? "peek" : "receive", received, 0);
                break;
            case "DELETE":
                meter.Record("queue", queue, "", segments.Length > 2 ? "delete" : "clear", 0, ok ? 1 : 0);
                break;
            default:
                meter.Record("queue", queue, "", "update", 0, ok ? 1 : 0);
                break;
        }
    }

    private void CountTable(HttpMessage message, string resource, string method, bool ok)
    {
        if (resource == "$batch")
        {
            var body = RequestText(message);
            var actions = BatchAction().Matches(body).Count;
            var key = KeyInUrl().Match(body) is { Success: true } m ? m.Groups[1].Value : BodyPartition().Match(body) is { Success: true } b ? b.Groups[1].Value : "";
            var batchTable = BatchTable().Match(body) is { Success: true } t ? t.Groups[1].Value : "?";
            meter.Record("table", batchTable, Unescape(key), "transaction", 0, ok ? actions : 0);
            return;
        }
        if (resource == "Tables" || resource.StartsWith("Tables(", StringComparison.Ordinal))
        {
            meter.Record("table", resource, "", "table", 0, 0);
            return;
        }
        var paren = resource.IndexOf('(');
        var table = paren < 0 ? resource : resource[..paren];
        var keys = KeyInUrl().Match(resource);
        if (method == "GET")
        {
            if (keys.Success)
            {
                meter.Record("table", table, Unescape(keys.Groups[1].Value), "point read", ok ? 1 : 0, 0);
                return;
            }
            // A query: its entities are counted by their own partition (a query may span partitions).
            var query = Uri.UnescapeDataString(message.Request.Uri.Query);
            // A filter on another column than the keys makes storage read every row of the key range to answer:
            // such a query is counted apart ("filtered query"), since what it returned understates what it cost.
            var kind = FilteredColumn().Matches(query).Any(m => m.Groups[1].Value is not ("PartitionKey" or "RowKey")) ? "filtered query" : "query";
            var filter = FilterPartition().Match(query);
            var filtered = filter.Success ? Unescape(filter.Groups[1].Value) : "";
            var byPartition = new Dictionary<string, int>();
            if (ok)
            {
                try
                {
                    using var doc = JsonDocument.Parse(ResponseText(message));
                    if (doc.RootElement.TryGetProperty("value", out var values))
                        foreach (var e in values.EnumerateArray())
                        {
                            // An answer that selected columns may leave the keys out: then it is the filter's partition.
                            var pk = e.TryGetProperty("PartitionKey", out var p) ? p.GetString() ?? "" : filtered;
                            byPartition[pk] = byPartition.GetValueOrDefault(pk) + 1;
                        }
                }
                catch (JsonException)
                {
                }
            }
            if (byPartition.Count == 0) meter.Record("table", table, filtered, kind, 0, 0);
            var first = true;
            foreach (var (pk, n) in byPartition)
            {
                // One request, however many partitions its answer held.
                if (first) meter.Record("table", table, pk, kind, n, 0);
                else meter.Record("table", table, pk, kind + " (same request)", n, 0);
                first = false;
            }
            return;
        }
        var partition = keys.Success ? Unescape(keys.Groups[1].Value) : BodyPartition().Match(RequestText(message)) is { Success: true } bp ? bp.Groups[1].Value : "";
        var operation = method switch
        {
            "POST" => "insert",
            "DELETE" => "delete",
            "MERGE" or "PATCH" => "merge",
            _ => message.Request.Headers.TryGetValue("If-Match", out _) ? "replace" : "upsert",
        };
        meter.Record("table", table, partition, operation, 0, ok ? 1 : 0);
    }

    private static string Unescape(string key) => key.Replace("''", "'");

    private static int CountOccurrences(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static string ResponseText(HttpMessage message)
    {
        try
        {
            return message.Response.Content.ToString();
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    private static string RequestText(HttpMessage message)
    {
        if (message.Request.Content is null) return "";
        using var stream = new MemoryStream();
        message.Request.Content.WriteTo(stream, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [GeneratedRegex(@"PartitionKey='((?:[^']|'')*)'")]
    private static partial Regex KeyInUrl();

    [GeneratedRegex(@"""PartitionKey""\s*:\s*""((?:[^""\\]|\\.)*)""")]
    private static partial Regex BodyPartition();

    [GeneratedRegex(@"PartitionKey\s+eq\s+'((?:[^']|'')*)'")]
    private static partial Regex FilterPartition();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)\s+(?:eq|ne|gt|ge|lt|le)\s")]
    private static partial Regex FilteredColumn();

    [GeneratedRegex(@"^(?:POST|PUT|MERGE|PATCH|DELETE) \S+ HTTP/1\.1", RegexOptions.Multiline)]
    private static partial Regex BatchAction();

    [GeneratedRegex(@"^(?:POST|PUT|MERGE|PATCH|DELETE) \S+?/([A-Za-z][A-Za-z0-9]*)(?:\(|\?|\s)", RegexOptions.Multiline)]
    private static partial Regex BatchTable();
}
