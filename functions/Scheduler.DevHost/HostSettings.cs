using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scheduler.DevHost;

/// <summary>The parts of <c>host.json</c> the dev host honours, with the Functions host's defaults.</summary>
public sealed record HostSettings(
    string RoutePrefix,
    int MaxDequeueCount,
    TimeSpan VisibilityTimeout,
    TimeSpan MaxPollingInterval,
    int BatchSize)
{
    public static HostSettings Load(string path)
    {
        var root = File.Exists(path)
            ? JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
            : null;
        var queues = root?["extensions"]?["queues"];
        var http = root?["extensions"]?["http"];
        return new HostSettings(
            http?["routePrefix"]?.GetValue<string>() ?? "api",
            queues?["maxDequeueCount"]?.GetValue<int>() ?? 5,
            Span(queues?["visibilityTimeout"], TimeSpan.Zero),
            Span(queues?["maxPollingInterval"], TimeSpan.FromMinutes(1)),
            queues?["batchSize"]?.GetValue<int>() ?? 16);
    }

    private static TimeSpan Span(JsonNode? node, TimeSpan fallback) =>
        node is null ? fallback : TimeSpan.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The function key and the master (admin) key. Locally they live in <c>.data/devhost-keys.json</c>, made once.</summary>
public sealed record FunctionKeys(string FunctionKey, string MasterKey)
{
    public static FunctionKeys LoadOrCreate(string path)
    {
        if (File.Exists(path) && JsonSerializer.Deserialize<FunctionKeys>(File.ReadAllText(path)) is { FunctionKey.Length: > 0, MasterKey.Length: > 0 } keys)
            return keys;
        var created = new FunctionKeys(NewKey(), NewKey());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(created, new JsonSerializerOptions { WriteIndented = true }));
        return created;
    }

    public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
