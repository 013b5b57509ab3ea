using Scheduler.Core.Booking;

namespace Scheduler.Core.Results;

/// <summary>What kind of refusal a use case gives. Adapters choose how to say it (HTTP status, SMS text, page).</summary>
public enum ProblemKind
{
    /// <summary>The request itself is wrong: a missing or malformed field, a rule the input breaks.</summary>
    Invalid,

    /// <summary>What the request names does not exist.</summary>
    NotFound,

    /// <summary>The request is valid but the state does not allow it now (full, duplicate, already decided, busy).</summary>
    Conflict,

    /// <summary>The caller may not do this.</summary>
    Forbidden,

    /// <summary>The request is well formed but contradicts an earlier one it claims to repeat.</summary>
    Unprocessable,

    /// <summary>Too many requests from this address or for this mobile; try again after <see cref="Problem.RetryAfter"/>.</summary>
    TooManyRequests,
}

/// <summary>A rule the request broke: its kind, the field, a stable code from <see cref="ErrorCodes"/> and words for the person.</summary>
public sealed record Problem(ProblemKind Kind, string Field, string Code, string Message)
{
    /// <summary>The nearest free slots, when a wanted slot was full.</summary>
    public IReadOnlyList<SlotOffer>? Alternatives { get; init; }

    /// <summary>When a refusal for too many requests ends.</summary>
    public NodaTime.Duration? RetryAfter { get; init; }

    public static Problem Invalid(string field, string code, string message) => new(ProblemKind.Invalid, field, code, message);
    public static Problem NotFound(string field, string code, string message) => new(ProblemKind.NotFound, field, code, message);
    public static Problem Conflict(string field, string code, string message) => new(ProblemKind.Conflict, field, code, message);
    public static Problem Forbidden(string field, string code, string message) => new(ProblemKind.Forbidden, field, code, message);
    public static Problem Unprocessable(string field, string code, string message) => new(ProblemKind.Unprocessable, field, code, message);
    public static Problem TooMany(string field, string message, NodaTime.Duration retryAfter) =>
        new(ProblemKind.TooManyRequests, field, ErrorCodes.RateLimited, message) { RetryAfter = retryAfter };

    public static Problem UnknownCentre(string centreId) => NotFound("centre", ErrorCodes.UnknownCentre, $"Centre '{centreId}' is not known.");

    public static Problem UnknownAppointment() => NotFound("appointment", ErrorCodes.UnknownAppointment, "No such appointment.");

    /// <summary>An appointment past the retention window, read from the archive: kept, but no longer changeable.</summary>
    public static Problem ArchivedAppointment() =>
        Conflict("appointment", ErrorCodes.Archived, "This appointment is long past and kept in the archive; it can no longer be changed.");
}

/// <summary>A value or the rule the request broke.</summary>
public readonly record struct Outcome<T>(T? Value, Problem? Error)
{
    public static implicit operator Outcome<T>(Problem error) => new(default, error);
    public static Outcome<T> Ok(T value) => new(value, null);
}
