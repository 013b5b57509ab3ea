using NodaTime;
using Scheduler.Core.Results;

namespace Scheduler.Core.Abuse;

/// <summary>At most <see cref="Limit"/> requests per <see cref="Window"/> for one key (an address, a mobile, a resident).</summary>
public sealed record RateLimit(int Limit, Duration Window);

/// <summary>What a counter said: the requests counted in the current window (this one included if admitted) and when the window ends.</summary>
public sealed record RateCount(bool Admitted, int Count, Instant WindowEnds);

/// <summary>
/// Where request counts live, shared by every instance of the app: a fixed window per scope and key, counted only
/// while under the limit (a refused request does not extend the refusal).
/// </summary>
public interface IRateCounter
{
    Task<RateCount> HitAsync(string scope, string key, RateLimit limit, Instant now, CancellationToken cancellationToken);
}

/// <summary>The limits a deployment runs with, by scope (for example <c>booking-address</c>, <c>booking-mobile</c>); a scope without a limit is not limited.</summary>
public sealed record RateLimitSettings(IReadOnlyDictionary<string, RateLimit> Limits)
{
    public static RateLimitSettings None { get; } = new(new Dictionary<string, RateLimit>());
}

/// <summary>Scopes the app limits: per client address (the gate in front of the functions) and per mobile or resident (the use cases).</summary>
public static class RateScopes
{
    public const string Booking = "booking";
    public const string Codes = "codes";
    public const string HomeVisit = "home-visit";
    public const string ExtendedHours = "extended-hours";
    public const string TokenPages = "token-pages";

    /// <summary>Anonymous reads that carry no token: availability, the centre, who-am-i, the booking pages' GETs, the OpenAPI document.</summary>
    public const string Reads = "reads";

    public static string PerAddress(string policy) => policy + "-address";
    public static string PerMobile(string policy) => policy + "-mobile";
    public static string PerResident(string policy) => policy + "-resident";
}

/// <summary>
/// The one rate limiter: counts a request against its scope's limit and refuses it with when to try again. Keys are
/// pseudonyms (a keyed hash of the address or the number), never the address or number itself.
/// </summary>
public sealed class RateLimiter(IRateCounter counter, RateLimitSettings settings, IClock clock)
{
    /// <summary>Whether <paramref name="scope"/> has a limit at all (a scope without one is never counted).</summary>
    public bool Limits(string scope) => settings.Limits.TryGetValue(scope, out var limit) && limit.Limit > 0;

    public async Task<Problem?> CheckAsync(string scope, string key, string field, CancellationToken cancellationToken)
    {
        if (!settings.Limits.TryGetValue(scope, out var limit) || limit.Limit <= 0) return null;
        var now = clock.GetCurrentInstant();
        var count = await counter.HitAsync(scope, key, limit, now, cancellationToken);
        if (count.Admitted) return null;
        var wait = count.WindowEnds - now;
        return Problem.TooMany(field, $"Too many requests; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minutes.",
            wait < Duration.FromSeconds(1) ? Duration.FromSeconds(1) : wait);
    }
}
