using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Scheduler.Core.Identity;

/// <summary>What a resident's link grants: one purpose on one subject (an appointment, a request) until it expires.</summary>
/// <param name="CentreId">The centre that issued it.</param>
/// <param name="Subject">For example <c>appointment/8f3c...</c>.</param>
/// <param name="Purpose">For example <c>manage</c>.</param>
public sealed record ResidentToken(string CentreId, string Subject, string Purpose, Instant Expires);

public enum TokenProblem
{
    None,
    Malformed,
    BadSignature,
    Expired,
}

/// <summary>
/// Issues and checks HMAC-SHA256 signed, expiring tokens for residents' links. The token is
/// <c>base64url(payload).base64url(mac)</c>; the payload holds centre, subject, purpose and expiry in Unix seconds.
/// Nothing personal is in it: a leaked link reveals an opaque id, not a phone number.
/// </summary>
public sealed class ResidentTokenService
{
    private const char Separator = '\u001f';
    private readonly byte[] _key;
    private readonly IClock _clock;
    private readonly Duration _maxLifetime;

    /// <summary>The longest life a token may claim when read: manage links live until the booking horizon, about two months at most.</summary>
    public static readonly Duration DefaultMaxLifetime = Duration.FromDays(90);

    /// <param name="maxLifetime">
    /// A token whose expiry lies further ahead than this when read is refused as malformed: nothing this app issues
    /// lives longer, so such a token was minted with a leaked key or by mistake.
    /// </param>
    public ResidentTokenService(byte[] key, IClock clock, Duration? maxLifetime = null)
    {
        if (key.Length < 32) throw new ArgumentException("The token signing key must be at least 32 bytes.", nameof(key));
        _key = key;
        _clock = clock;
        _maxLifetime = maxLifetime ?? DefaultMaxLifetime;
    }

    public string Issue(string centreId, string subject, string purpose, Duration validFor)
    {
        foreach (var part in new[] { centreId, subject, purpose })
            if (string.IsNullOrEmpty(part) || part.Contains(Separator)) throw new ArgumentException("Token parts must be non-empty text.");
        var expires = _clock.GetCurrentInstant() + validFor;
        var payload = Encoding.UTF8.GetBytes(string.Join(Separator, centreId, subject, purpose, expires.ToUnixTimeSeconds()));
        return $"{Base64Url(payload)}.{Base64Url(HMACSHA256.HashData(_key, payload))}";
    }

    public TokenProblem TryRead(string? token, out ResidentToken? result)
    {
        result = null;
        if (string.IsNullOrEmpty(token) || token.Length > 1024) return TokenProblem.Malformed;
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot != token.LastIndexOf('.')) return TokenProblem.Malformed;
        byte[] payload, mac;
        try
        {
            payload = FromBase64Url(token[..dot]);
            mac = FromBase64Url(token[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return TokenProblem.Malformed;
        }
        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_key, payload))) return TokenProblem.BadSignature;
        var parts = Encoding.UTF8.GetString(payload).Split(Separator);
        if (parts.Length != 4 || !long.TryParse(parts[3], out var seconds)) return TokenProblem.Malformed;
        var expires = Instant.FromUnixTimeSeconds(seconds);
        var now = _clock.GetCurrentInstant();
        if (now >= expires) return TokenProblem.Expired;
        if (expires - now > _maxLifetime) return TokenProblem.Malformed;
        result = new ResidentToken(parts[0], parts[1], parts[2], expires);
        return TokenProblem.None;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
