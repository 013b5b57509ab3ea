using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;

namespace Scheduler.Core.Operations;

/// <summary>
/// A queue message the app gave up on: which queue, when, why (the last failure recorded for it) and what it was
/// (its type, version and ids only: messages can hold residents' names, numbers and ID numbers, which stay out).
/// </summary>
public sealed record PoisonedMessage(string Queue, string Key, Instant At, string Reason, string Summary);

/// <summary>Where failures of queue messages and the messages given up on are kept.</summary>
public interface IPoisonLog
{
    /// <summary>Remembers the latest failure of a message (by its key), replacing an earlier one.</summary>
    Task NoteFailureAsync(string queue, string key, string reason, Instant at, CancellationToken cancellationToken);

    Task<string?> LastFailureAsync(string queue, string key, CancellationToken cancellationToken);

    Task RecordAsync(PoisonedMessage message, CancellationToken cancellationToken);

    /// <summary>Messages given up on since <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<PoisonedMessage>> SinceAsync(Instant since, CancellationToken cancellationToken);
}

/// <summary>
/// Watches the queues' poison: each failed attempt of a queue function is noted with its reason; when the host gives
/// up and moves the message to <c>&lt;queue&gt;-poison</c>, the message is recorded with the last reason, for the
/// dispatchers' list and for health.
/// </summary>
public sealed class PoisonWatch(IPoisonLog log, IClock clock)
{
    public static readonly Duration AlertWindow = Duration.FromDays(1);
    private static readonly string[] SummaryFields = ["type", "version", "eventId", "appointmentId", "planId", "centreId"];

    /// <summary>A message's key: a hash of its text, the same on every attempt and in the poison queue.</summary>
    public static string KeyOf(string message) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(message)))[..32].ToLowerInvariant();

    /// <summary>Runs a queue function's work, noting the reason of a failure before it is rethrown for the host to retry.</summary>
    public async Task GuardAsync(string queue, string message, Func<Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await work();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await log.NoteFailureAsync(queue, KeyOf(message), $"{e.GetType().Name}: {e.Message}", clock.GetCurrentInstant(), cancellationToken);
            throw;
        }
    }

    /// <summary>Records a message that reached <c>&lt;queue&gt;-poison</c>.</summary>
    public async Task<PoisonedMessage> PoisonedAsync(string queue, string message, CancellationToken cancellationToken)
    {
        var key = KeyOf(message);
        var reason = await log.LastFailureAsync(queue, key, cancellationToken)
                     ?? "No failure was recorded for it: the function may have run out of time, or the host stopped while it ran.";
        var poisoned = new PoisonedMessage(queue, key, clock.GetCurrentInstant(), reason, Summarize(message));
        await log.RecordAsync(poisoned, cancellationToken);
        return poisoned;
    }

    public Task<IReadOnlyList<PoisonedMessage>> RecentAsync(CancellationToken cancellationToken) =>
        log.SinceAsync(clock.GetCurrentInstant() - AlertWindow, cancellationToken);

    /// <summary>The message's type, version and ids, or what kind of text it is when it is not a JSON object.</summary>
    public static string Summarize(string message)
    {
        try
        {
            using var doc = JsonDocument.Parse(message);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return $"JSON {doc.RootElement.ValueKind}, {message.Length} characters";
            var parts = SummaryFields
                .Select(f => doc.RootElement.TryGetProperty(f, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number ? $"{f}={Short(v.ToString())}" : null)
                .OfType<string>().ToList();
            return parts.Count > 0 ? string.Join(", ", parts) : $"a JSON object without type or ids, {message.Length} characters";
        }
        catch (JsonException)
        {
            return $"not JSON, {message.Length} characters";
        }
    }

    private static string Short(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
