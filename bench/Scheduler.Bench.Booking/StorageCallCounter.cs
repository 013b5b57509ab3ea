using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Scheduler.Bench.Booking;

/// <summary>Counts the app's storage calls by method and table or queue (the dev host's own queue polling is not counted).</summary>
public sealed class StorageCallCounter : HttpPipelineSynchronousPolicy
{
    public static readonly StorageCallCounter Instance = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();

    public override void OnSendingRequest(HttpMessage message)
    {
        var path = message.Request.Uri.Path.Trim('/').Split('/');
        // Azurite paths: /devstoreaccount1/<table or queue>[...]; a batch is POST /devstoreaccount1/$batch.
        var target = path.Length > 1 ? path[1] : "?";
        var paren = target.IndexOf('(');
        if (paren > 0) target = target[..paren];
        _calls.AddOrUpdate($"{message.Request.Method} {target}", 1, (_, n) => n + 1);
    }

    public void Reset() => _calls.Clear();

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_calls);
}
