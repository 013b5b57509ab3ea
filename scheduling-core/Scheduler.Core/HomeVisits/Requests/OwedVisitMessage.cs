using NodaTime;

namespace Scheduler.Core.HomeVisits.Requests;

/// <summary>Which message a change to a request owes its resident.</summary>
public enum VisitMessageEvent
{
    /// <summary>The request was taken.</summary>
    Received,

    /// <summary>A dispatcher approved, rejected or asked for more information (the request's status says which).</summary>
    Decided,

    /// <summary>The request was cancelled.</summary>
    Cancelled,
}

/// <summary>
/// A message a stored change to a request owes its resident (ADR 0016, addendum: home-visit messages that cannot be
/// lost). It is written in the same storage transaction as the change, as the request was then, and removed once the
/// message is in the SMS outbox; one left behind (the process stopped, or the outbox failed, between the two) is
/// sent by the sweep. <see cref="Key"/> is the message's idempotency key in the outbox, so sending it again, from a
/// retry or the sweep, sends nothing twice.
/// </summary>
public sealed record OwedVisitMessage(VisitMessageEvent Event, HomeVisitRequest Request, Instant At)
{
    /// <summary>How old an owed message must be before the sweep sends it: older than any change still sending its own.</summary>
    public static readonly Duration SweepAge = Duration.FromMinutes(5);

    /// <summary>
    /// The outbox key: the request and the event (a decision also by its time, so a later decision is a new message).
    /// A method, not a property, so it is not stored with the message: it follows from what is.
    /// </summary>
    public string Key() => Event switch
    {
        VisitMessageEvent.Received => $"{Request.Id}|received",
        VisitMessageEvent.Decided => $"{Request.Id}|{Request.Status}|{Request.Decision!.At.ToUnixTimeTicks()}",
        VisitMessageEvent.Cancelled => $"{Request.Id}|Cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(Event), Event, "Not a request message."),
    };
}
