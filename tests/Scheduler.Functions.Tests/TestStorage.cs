using Azure.Data.Tables;
using Azure.Storage.Queues;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

/// <summary>The app's storage clients on a test's Azurite, for tests that build adapters by hand.</summary>
public static class TestStorage
{
    /// <param name="queuesReachable">False: the queue endpoint is port 1, which refuses connections, so every send fails at once (no retries).</param>
    /// <param name="meter">When given, the table client's calls are counted by it, as the app's are.</param>
    public static StorageClients Clients(string connection, bool queuesReachable = true, StorageMeter? meter = null)
    {
        var tableOptions = new TableClientOptions();
        if (meter is not null) tableOptions.AddPolicy(new StorageCountingPolicy(meter, queues: false), Azure.Core.HttpPipelinePosition.PerRetry);
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        queueOptions.Retry.MaxRetries = 0;
        queueOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(2);
        var queues = queuesReachable
            ? new QueueServiceClient(connection, queueOptions)
            : new QueueServiceClient(System.Text.RegularExpressions.Regex.Replace(connection, @"QueueEndpoint=http://127\.0\.0\.1:\d+", "QueueEndpoint=http://127.0.0.1:1"), queueOptions);
        return new StorageClients(new TableServiceClient(connection, tableOptions), queues, meter);
    }
}
