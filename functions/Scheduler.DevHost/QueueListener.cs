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
/// <c>maxPollingInterval</c>.
/// </summary>
public sealed class QueueListener(QueueFunctionEntry function, QueueServiceClient rawQueues, FunctionInvoker invoker,
    HostSettings settings, ILogger<QueueListener> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MinPoll = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = rawQueues.GetQueueClient(function.QueueName);
        var poison = rawQueues.GetQueueClient(function.QueueName + "-poison");
        try
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        }
        catch (RequestFailedException)
        {
            // Storage refuses or is unreachable (a new deployment's role assignments still spreading): like the
            // Functions host, keep the app up and keep polling; the receive below reports the failure.
        }
        var delay = MinPoll;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
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
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand the message back at once for the next host to take.
            await ReleaseAsync(queue, message);
        }
        catch (Exception e)
        {
            var reason = e is DevHostSetupException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                logger.LogError("Function {Function} failed on message {MessageId} after {Count} tries and moves to queue {Poison}. Reason: {Reason}",
                    function.Name, message.MessageId, message.DequeueCount, poison.Name, reason);
                await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
                await poison.SendMessageAsync(message.MessageText, CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            }
            else
            {
                logger.LogWarning("Function {Function} failed on message {MessageId} (try {Count} of {Max}); it is retried after {Delay}. Reason: {Reason}",
                    function.Name, message.MessageId, message.DequeueCount, settings.MaxDequeueCount, settings.VisibilityTimeout, reason);
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.VisibilityTimeout,
                    cancellationToken: CancellationToken.None);
            }
        }
    }

    private async Task ReleaseAsync(QueueClient queue, QueueMessage message)
    {
        try
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException e)
        {
            logger.LogWarning("Queue {Queue}: message {MessageId} could not be released ({Status}); it returns when its lease ends", function.QueueName, message.MessageId, e.Status);
        }
    }
}
