using NodaTime;

namespace Scheduler.Core.Notifications;

/// <summary>Where one message of the outbox is: by recipient and key (both are needed to find it).</summary>
public sealed record SmsRef(string To, string Key);

/// <summary>The life of a message in the outbox.</summary>
public static class SmsStatuses
{
    /// <summary>Waiting to be sent (perhaps until the quiet hours end).</summary>
    public const string Pending = "pending";

    /// <summary>An attempt is under way (or died without recording its end: then the provider is asked).</summary>
    public const string InFlight = "in-flight";

    /// <summary>The last attempt failed in a way that is safe to retry; the next waits on the queue.</summary>
    public const string Retrying = "retrying";

    /// <summary>The provider took it; delivery callbacks may follow.</summary>
    public const string Sent = "sent";

    public const string Failed = "failed";
    public const string OptedOut = "opted-out";

    /// <summary>It may or may not have been sent and the provider could not be asked: not sent again, for a person to check.</summary>
    public const string Uncertain = "uncertain";

    public static bool IsFinal(string status) => status is Sent or Failed or OptedOut or Uncertain;
}

/// <summary>A message in the outbox with where its sending stands.</summary>
public sealed record StoredSms(OutboundSms Message, string Status, int Attempts, Instant? AttemptAt, string? ProviderId, string? ProviderStatus, string? Error, string ETag);

public interface ISmsStore
{
    Task<StoredSms?> GetAsync(SmsRef message, CancellationToken cancellationToken);

    /// <summary>Replaces the message's state if unchanged since read; the new ETag, or null when someone changed it first.</summary>
    Task<string?> ReplaceAsync(SmsRef message, StoredSms next, CancellationToken cancellationToken);

    /// <summary>
    /// Where a status callback finds the message again: named in the callback's address given to the provider with the
    /// message, so no index row is written per message. It names the message's row, never the number.
    /// </summary>
    string CallbackRef(SmsRef message);

    /// <summary>The message a callback reference names, or null (an unknown or malformed reference).</summary>
    Task<(SmsRef Ref, StoredSms Sms)?> FindByCallbackRefAsync(string callbackRef, CancellationToken cancellationToken);

    /// <summary>The message the provider knows by this id, from the index rows written before callbacks named their message; or null.</summary>
    Task<(SmsRef Ref, StoredSms Sms)?> FindByProviderIdAsync(string providerId, CancellationToken cancellationToken);
}

/// <summary>The queue the sender reads: a message on it is an attempt to come, after <c>delay</c>.</summary>
public interface ISmsSendQueue
{
    Task EnqueueAsync(SmsRef message, Duration delay, CancellationToken cancellationToken);
}

public enum ProviderOutcome
{
    /// <summary>Taken by the provider (HTTP 201).</summary>
    Accepted,

    /// <summary>Not taken, and safe to try again: 429, 5xx, or no connection before the request went out.</summary>
    Retryable,

    /// <summary>The recipient unsubscribed (Twilio error 21610).</summary>
    OptedOut,

    /// <summary>Refused for good (another 4xx); the code says why.</summary>
    Rejected,

    /// <summary>The request went out but no answer came (a timeout after sending): it may have been taken.</summary>
    Ambiguous,
}

public sealed record ProviderResult(ProviderOutcome Outcome, string? ProviderId, string? Status, string? Error);

/// <summary>What asking the provider for a message found: failed to ask, or the message (null when it has none).</summary>
public sealed record ProviderLookup(bool Succeeded, string? ProviderId, string? Status);

/// <summary>An SMS provider: Twilio in Azure, the outbox itself locally.</summary>
public interface ISmsProvider
{
    /// <param name="callbackRef">Names the message in the status callbacks the provider sends (<see cref="ISmsStore.CallbackRef"/>).</param>
    Task<ProviderResult> SendAsync(OutboundSms message, string callbackRef, CancellationToken cancellationToken);

    /// <summary>Looks for this message (same recipient and text, created since <paramref name="since"/>).</summary>
    Task<ProviderLookup> FindAsync(OutboundSms message, Instant since, CancellationToken cancellationToken);
}

/// <summary>How long to wait before each retry (the count is the most attempts), and how long an attempt may be in flight before another delivery treats it as lost.</summary>
public sealed record SmsRetryPolicy(IReadOnlyList<Duration> Backoff, Duration InFlightGrace)
{
    public static SmsRetryPolicy Default { get; } = new(
        [Duration.FromSeconds(10), Duration.FromSeconds(30), Duration.FromMinutes(1), Duration.FromMinutes(2), Duration.FromMinutes(5), Duration.FromMinutes(10)],
        Duration.FromMinutes(2));
}

/// <summary>
/// What the outbox keeps of a message once its sending has ended. A verification code is worth nothing once sent and
/// is a secret until it expires, so with <see cref="RedactCodesOnceSent"/> its text is replaced by
/// <see cref="RedactedCode"/> when it is sent or given up (the row stays, with its status, for delivery callbacks and
/// counts). Only a local run that reads the outbox as the phone keeps it (<c>GET /api/local/sms</c>).
/// </summary>
public sealed record SmsTextRetention(bool RedactCodesOnceSent)
{
    public const string RedactedCode = "(verification code removed once sent)";

    public static SmsTextRetention RedactCodes { get; } = new(true);
    public static SmsTextRetention KeepAll { get; } = new(false);
}

/// <summary>What one delivery step did; <see cref="Ended"/> is the message when this step gave it its final status.</summary>
public sealed record DeliveryStep(string Status, string Detail, OutboundSms? Ended = null);

/// <summary>
/// Sends one message of the outbox, never twice: an attempt first marks the message in flight (guarded by its ETag,
/// so two deliveries of the queue message cannot both send); 429, 5xx and connection failures before sending are
/// tried again later through the queue's visibility delay (10 s, 30 s, 1, 2, 5, 10 minutes), then given up as failed;
/// 21610 is recorded as opted out; other refusals as failed with their code. When the request went out and no
/// answer came, or a message is found in flight from an attempt that never finished, the provider is asked first:
/// found means sent, not found means safe to send again, and a failed look-up leaves it uncertain, not sent again.
/// A verification code's text is removed once its sending ends (<see cref="SmsTextRetention"/>).
/// </summary>
public sealed class DeliverSms(ISmsStore store, ISmsSendQueue queue, ISmsProvider provider, ISmsContacts contacts, IClock clock, SmsRetryPolicy policy,
    SmsTextRetention retention)
{
    private IReadOnlyList<Duration> Backoff => policy.Backoff;
    private Duration InFlightGrace => policy.InFlightGrace;

    public async Task<DeliveryStep> RunAsync(SmsRef r, CancellationToken cancellationToken)
    {
        var s = await store.GetAsync(r, cancellationToken) ?? throw new InvalidDataException($"No message '{r.Key}' in the outbox for this recipient.");
        if (SmsStatuses.IsFinal(s.Status)) return new(s.Status, "already done");
        var now = clock.GetCurrentInstant();
        if (s.Message.NotBefore > now)
        {
            await queue.EnqueueAsync(r, s.Message.NotBefore - now, cancellationToken);
            return new(s.Status, $"waits until {s.Message.NotBefore}");
        }
        if (s.Status == SmsStatuses.InFlight)
        {
            if (s.AttemptAt is { } at && now - at < InFlightGrace)
            {
                await queue.EnqueueAsync(r, InFlightGrace - (now - at), cancellationToken);
                return new(s.Status, "an attempt is in flight");
            }
            return await AfterAmbiguityAsync(r, s, "an earlier attempt did not finish", cancellationToken);
        }
        var etag = await store.ReplaceAsync(r, s with { Status = SmsStatuses.InFlight, Attempts = s.Attempts + 1, AttemptAt = now }, cancellationToken);
        if (etag is null) return new(s.Status, "another delivery took it");
        var inFlight = s with { Status = SmsStatuses.InFlight, Attempts = s.Attempts + 1, AttemptAt = now, ETag = etag };
        var result = await provider.SendAsync(s.Message, store.CallbackRef(r), cancellationToken);
        switch (result.Outcome)
        {
            case ProviderOutcome.Accepted:
                return await SentAsync(r, inFlight, result.ProviderId, result.Status, cancellationToken);
            case ProviderOutcome.OptedOut:
                await contacts.SetOptedOutAsync(s.Message.To, true, now, cancellationToken);
                return await EndAsync(r, inFlight with { Status = SmsStatuses.OptedOut, Error = result.Error }, cancellationToken);
            case ProviderOutcome.Rejected:
                return await EndAsync(r, inFlight with { Status = SmsStatuses.Failed, Error = result.Error }, cancellationToken);
            case ProviderOutcome.Retryable:
                return await RetryAsync(r, inFlight, result.Error, cancellationToken);
            default:
                return await AfterAmbiguityAsync(r, inFlight, result.Error ?? "no answer after sending", cancellationToken);
        }
    }

    private async Task<DeliveryStep> AfterAmbiguityAsync(SmsRef r, StoredSms s, string why, CancellationToken cancellationToken)
    {
        var found = await provider.FindAsync(s.Message, s.Message.At - Duration.FromMinutes(1), cancellationToken);
        if (!found.Succeeded) return await EndAsync(r, s with { Status = SmsStatuses.Uncertain, Error = $"{why}; the provider could not be asked" }, cancellationToken);
        if (found.ProviderId is not null) return await SentAsync(r, s, found.ProviderId, found.Status, cancellationToken);
        return await RetryAsync(r, s, $"{why}; the provider has no such message", cancellationToken);
    }

    private async Task<DeliveryStep> RetryAsync(SmsRef r, StoredSms s, string? error, CancellationToken cancellationToken)
    {
        if (s.Attempts >= Backoff.Count)
            return await EndAsync(r, s with { Status = SmsStatuses.Failed, Error = $"gave up after {s.Attempts} attempts: {error}" }, cancellationToken);
        var next = s with { Status = SmsStatuses.Retrying, Error = error };
        if (await store.ReplaceAsync(r, next, cancellationToken) is null) return new(s.Status, "changed meanwhile");
        await queue.EnqueueAsync(r, Backoff[Math.Max(0, s.Attempts - 1)], cancellationToken);
        return new(SmsStatuses.Retrying, error ?? "");
    }

    private Task<DeliveryStep> SentAsync(SmsRef r, StoredSms s, string? providerId, string? providerStatus, CancellationToken cancellationToken) =>
        EndAsync(r, s with { Status = SmsStatuses.Sent, ProviderId = providerId, ProviderStatus = providerStatus, Error = null }, cancellationToken);

    /// <summary>Records the final status; a verification code's text goes with it (<see cref="SmsTextRetention"/>).</summary>
    private async Task<DeliveryStep> EndAsync(SmsRef r, StoredSms s, CancellationToken cancellationToken)
    {
        var kept = retention.RedactCodesOnceSent && s.Message.Kind == SmsKinds.VerificationCode
            ? s with { Message = s.Message with { Text = SmsTextRetention.RedactedCode } }
            : s;
        await store.ReplaceAsync(r, kept, cancellationToken);
        return new(s.Status, s.Error ?? s.ProviderStatus ?? "", s.Message);
    }
}

/// <summary>
/// A delivery status callback: moves the message's provider status forward only (queued, sending, sent, then
/// delivered, undelivered or failed), so a late or repeated callback changes nothing.
/// </summary>
public sealed class RecordSmsStatus(ISmsStore store)
{
    public static int Rank(string? status) => status switch
    {
        "accepted" or "scheduled" or "queued" => 1,
        "sending" => 2,
        "sent" => 3,
        "delivered" or "undelivered" or "failed" or "canceled" => 4,
        "read" => 5,
        _ => 0,
    };

    /// <summary>True when the status moved forward; false when unknown, behind or the same.</summary>
    /// <param name="callbackRef">The message the callback's address names (<see cref="ISmsStore.CallbackRef"/>); empty for a
    /// message sent before callbacks named theirs, found then by the provider's id.</param>
    public async Task<bool> RecordAsync(string providerId, string status, string? errorCode, string? callbackRef, CancellationToken cancellationToken)
    {
        var s = status.Trim().ToLowerInvariant();
        if (Rank(s) == 0) return false;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var found = string.IsNullOrEmpty(callbackRef)
                ? await store.FindByProviderIdAsync(providerId, cancellationToken)
                : await store.FindByCallbackRefAsync(callbackRef, cancellationToken);
            if (found is not { } f) return false;
            // The callback names its message and the provider's id: a message the provider knows by another id is not this one.
            if (f.Sms.ProviderId is { } known && known != providerId) return false;
            if (Rank(s) <= Rank(f.Sms.ProviderStatus)) return false;
            var next = f.Sms with { ProviderStatus = s, Error = string.IsNullOrEmpty(errorCode) ? f.Sms.Error : $"{errorCode}: reported by the provider" };
            if (await store.ReplaceAsync(f.Ref, next, cancellationToken) is not null) return true;
        }
        return false;
    }
}
