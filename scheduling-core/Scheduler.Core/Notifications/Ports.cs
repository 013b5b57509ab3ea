using NodaTime;

namespace Scheduler.Core.Notifications;

/// <summary>
/// One message for the outbox. <see cref="Key"/> is its idempotency key: the outbox takes a key once, so a message
/// decided twice (a redelivered event, a retried timer) is sent once. <see cref="NotBefore"/> holds it back through
/// the quiet hours.
/// </summary>
public sealed record OutboundSms(string Key, string CentreId, string To, string Text, string Kind, string Language, Instant At, Instant NotBefore);

/// <summary>What the outbox did with a message.</summary>
public enum OutboxResult
{
    /// <summary>Taken: it will be sent (at once, or after the quiet hours).</summary>
    Queued,

    /// <summary>A message with this key was taken before; nothing more is done.</summary>
    AlreadyTaken,

    /// <summary>The recipient opted out; recorded, not sent.</summary>
    OptedOut,
}

/// <summary>Where messages wait to be sent: claims the key, then hands the message to the sender.</summary>
public interface ISmsOutbox
{
    Task<OutboxResult> EnqueueAsync(OutboundSms message, bool optedOut, CancellationToken cancellationToken);
}

/// <summary>Numbered times offered in a reply, for the resident to answer with the number.</summary>
public sealed record SlotChoice(int Number, LocalDate Date, LocalTime Start);

/// <summary>What a reply with a number does with the <see cref="Conversation.Choices"/> offered.</summary>
public enum ChoiceMode
{
    None,

    /// <summary>Move the appointment to the chosen time.</summary>
    Move,

    /// <summary>Book the service of the last appointment at the chosen time.</summary>
    Book,
}

/// <summary>
/// What a number was last messaged about, so a reply can act on it: the subject (an appointment or a home-visit
/// request), numbered choices while they last, and whether a rating was asked for.
/// </summary>
/// <param name="Subject"><c>appointment/{id}</c> or <c>home-visit/{id}</c>.</param>
/// <param name="RatingOf">The subject a rating was asked for, until <see cref="RatingUntil"/>.</param>
public sealed record Conversation(
    string CentreId,
    string Subject,
    string Language,
    ChoiceMode Mode,
    IReadOnlyList<SlotChoice> Choices,
    Instant ChoicesUntil,
    string? RatingOf,
    Instant? RatingUntil,
    Instant At);

/// <summary>What the centre knows of a number for SMS: the conversation and whether it opted out.</summary>
public interface ISmsContacts
{
    Task<Conversation?> GetConversationAsync(string e164, CancellationToken cancellationToken);

    Task SaveConversationAsync(string e164, Conversation conversation, CancellationToken cancellationToken);

    Task<bool> IsOptedOutAsync(string e164, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps <paramref name="conversation"/> as what the number was last messaged about, unless the number opted out
    /// or already holds a newer one (events are handled in any order, and at the same time). Answers whether the
    /// number is opted out. Stores that can should do this as one read and one conditional write, retried on a race.
    /// </summary>
    async Task<bool> KeepConversationAsync(string e164, Conversation conversation, CancellationToken cancellationToken)
    {
        if (await IsOptedOutAsync(e164, cancellationToken)) return true;
        if (!((await GetConversationAsync(e164, cancellationToken))?.At > conversation.At)) await SaveConversationAsync(e164, conversation, cancellationToken);
        return false;
    }

    Task SetOptedOutAsync(string e164, bool optedOut, Instant at, CancellationToken cancellationToken);

    /// <summary>Takes an inbound message id once: false when this message was handled before (a webhook retried).</summary>
    Task<bool> ClaimInboundAsync(string messageSid, Instant at, CancellationToken cancellationToken);
}

/// <summary>Notification settings a centre runs with.</summary>
/// <param name="QuietFrom">Quiet hours start (local time at the centre).</param>
/// <param name="QuietUntil">Quiet hours end (local time at the centre).</param>
/// <param name="ChoicesFor">How long numbered choices in a reply stay valid (the conversation's expiry).</param>
/// <param name="RatingFor">How long a rating request can be answered by reply.</param>
public sealed record NotificationSettings(LocalTime QuietFrom, LocalTime QuietUntil, Duration ChoicesFor, Duration RatingFor)
{
    public static NotificationSettings Default { get; } = new(new LocalTime(21, 0), new LocalTime(8, 0), Duration.FromMinutes(30), Duration.FromDays(7));

    /// <summary>When the day-before reminders go (local time at the centre).</summary>
    public LocalTime RemindersAt { get; init; } = new(18, 0);

    /// <summary>When staff get their day, on working days (local time at the centre).</summary>
    public LocalTime StaffDayAt { get; init; } = new(7, 30);

    /// <summary>When the day's home visits that are done ask for a rating (local time at the centre).</summary>
    public LocalTime VisitRatingsAt { get; init; } = new(19, 0);

    /// <summary>When a message decided at <paramref name="now"/> may go: now, or the end of the quiet hours it falls in.</summary>
    public Instant SendAt(Instant now, DateTimeZone zone, bool urgent)
    {
        if (urgent) return now;
        var local = now.InZone(zone).LocalDateTime;
        var t = local.TimeOfDay;
        var quiet = QuietFrom > QuietUntil ? t >= QuietFrom || t < QuietUntil : t >= QuietFrom && t < QuietUntil;
        if (!quiet) return now;
        var day = t >= QuietUntil ? local.Date.PlusDays(1) : local.Date;
        return (day + QuietUntil).InZoneLeniently(zone).ToInstant();
    }
}

/// <summary>Which daily batches ran, per centre and local date, so a timer that fires often acts once a day.</summary>
public interface IDailyBatches
{
    Task<bool> IsDoneAsync(string centreId, string batch, LocalDate date, CancellationToken cancellationToken);

    Task MarkDoneAsync(string centreId, string batch, LocalDate date, int count, Instant at, CancellationToken cancellationToken);
}
