using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Scheduler.DevHost;

/// <summary>
/// Polls one queue for one queue-triggered function, as the Functions host does: messages are base64; a failed
/// message becomes visible again after <c>visibilityTimeout</c>; after <c>maxDequeueCount</c> failures it moves to
/// <c>&lt;queue&gt;-poison</c> with the reason logged; an empty queue is polled less often, up to
/// <c>maxPollingInterval</c>. A message stays leased while its function runs, however long (the lease is renewed at
/// half its length, as the Functions host renews a running message's visibility), so a slow function (a plan
/// waiting for a free core) is never handed to a second caller at the same time.
/// </summary>
public sealed class QueueListener(QueueFunctionEntry function, QueueServiceClient rawQueues, FunctionInvoker invoker,
    HostSettings settings, ILogger<QueueListener> logger) : BackgroundService
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(2);

    /// <summary>How long a received message stays hidden before it is renewed.</summary>
    public TimeSpan Lease { get; init; } = DefaultLease;
    private static readonly TimeSpan MinPoll = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = rawQueues.GetQueueClient(function.QueueName);
        var poison = rawQueues.GetQueueClient(function.QueueName + "-poison");
        var created = false;
        var delay = MinPoll;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                // Storage that refuses the app (a role assignment not applied yet) is retried, as a read is: a
                // listener that gave up would stop the whole host.
                if (!created)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                    created = true;
                }
                // Not cancelled midway: a receive the server completed would leave messages leased and unseen.
                messages = (await queue.ReceiveMessagesAsync(settings.BatchSize, Lease, CancellationToken.None)).Value;
                if (stoppingToken.IsCancellationRequested)
                {
                    await Task.WhenAll(messages.Select(m => ReleaseAsync(queue, m)));
                    return;
                }
            }
            catch (RequestFailedException e)
            {
                logger.LogWarning("Queue {Queue} could not be read ({Status}); retrying", function.QueueName, e.Status);
                messages = [];
            }
            if (messages.Length == 0)
            {
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollingInterval.Ticks));
                continue;
            }
            delay = MinPoll;
            try
            {
                await Task.WhenAll(messages.Select(m => ProcessAsync(queue, poison, m, stoppingToken)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Settling a message failed (storage unreachable, lease lost): it becomes visible again by itself.
                logger.LogWarning("Queue {Queue}: a message could not be settled ({Error}); it will be delivered again", function.QueueName, e.Message);
            }
        }
    }

    /// <summary>Processes one message; public so tests can drive a single delivery.</summary>
    public async Task ProcessAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        var lease = new MessageLease(message.PopReceipt);
        using var stopRenewing = new CancellationTokenSource();
        var renewing = RenewAsync(queue, message.MessageId, lease, stopRenewing.Token);
        try
        {
            string text;
            try
            {
                text = Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText));
            }
            catch (FormatException)
            {
                throw new InvalidDataException("The message is not valid base64.");
            }
            await invoker.InvokeAsync(function, new TriggerInput(QueueMessage: text), cancellationToken);
            await StopAsync(stopRenewing, renewing);
            await queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand the message back at once for the next host to take.
            await StopAsync(stopRenewing, renewing);
            await ReleaseAsync(queue, message.MessageId, lease.PopReceipt);
        }
        catch (Exception e)
        {
            await StopAsync(stopRenewing, renewing);
            var reason = e is DevHostSetupException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                logger.LogError("Function {Function} failed on message {MessageId} after {Count} tries and moves to queue {Poison}. Reason: {Reason}",
                    function.Name, message.MessageId, message.DequeueCount, poison.Name, reason);
                await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
                await poison.SendMessageAsync(message.MessageText, CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, CancellationToken.None);
            }
            else
            {
                logger.LogWarning("Function {Function} failed on message {MessageId} (try {Count} of {Max}); it is retried after {Delay}. Reason: {Reason}",
                    function.Name, message.MessageId, message.DequeueCount, settings.MaxDequeueCount, settings.VisibilityTimeout, reason);
                await queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, visibilityTimeout: settings.VisibilityTimeout,
                    cancellationToken: CancellationToken.None);
            }
        }
    }

    /// <summary>The message's current pop receipt: each renewal gives a new one, and only the newest settles the message.</summary>
    private sealed class MessageLease(string popReceipt)
    {
        public string PopReceipt { get; set; } = popReceipt;
    }

    private async Task RenewAsync(QueueClient queue, string messageId, MessageLease lease, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 2, stop);
                // Not cancelled midway: a renewal the server made would leave a pop receipt this side never saw.
                var renewed = await queue.UpdateMessageAsync(messageId, lease.PopReceipt, visibilityTimeout: Lease, cancellationToken: CancellationToken.None);
                lease.PopReceipt = renewed.Value.PopReceipt;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (RequestFailedException e)
        {
            // The lease is lost (storage unreachable, or the message taken back): the message will be delivered again.
            logger.LogWarning("Queue {Queue}: the lease of message {MessageId} could not be renewed ({Status})", function.QueueName, messageId, e.Status);
        }
    }

    private static async Task StopAsync(CancellationTokenSource stopRenewing, Task renewing)
    {
        if (stopRenewing.IsCancellationRequested) return;
        await stopRenewing.CancelAsync();
        await renewing;
    }

    private Task ReleaseAsync(QueueClient queue, QueueMessage message) => ReleaseAsync(queue, message.MessageId, message.PopReceipt);

    private async Task ReleaseAsync(QueueClient queue, string messageId, string popReceipt)
    {
        try
        {
            await queue.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException e)
        {
            logger.LogWarning("Queue {Queue}: message {MessageId} could not be released ({Status}); it returns when its lease ends", function.QueueName, messageId, e.Status);
        }
    }
}
