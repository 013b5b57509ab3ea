using System.Security.Cryptography;
using System.Text;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Notifications;
using Scheduler.Core.Privacy;
using Scheduler.Core.Results;

namespace Scheduler.Core.Identity;

/// <summary>How verification codes and the proofs they earn behave.</summary>
/// <param name="CodeLifetime">How long a code sent by SMS can be used.</param>
/// <param name="MaxAttempts">Wrong codes accepted for one code before it is dead (a new one must be asked for).</param>
/// <param name="ProofLifetime">How long a device that verified a mobile stays verified for it.</param>
public sealed record PhoneVerificationSettings(Duration CodeLifetime, int MaxAttempts, Duration ProofLifetime)
{
    public static PhoneVerificationSettings Default { get; } = new(Duration.FromMinutes(5), 5, Duration.FromDays(7));
}

/// <summary>
/// The code last sent to a mobile: only its keyed hash is kept. <see cref="VerifiedAt"/> is set by the first right
/// answer; the same code then keeps proving the mobile until it expires (a booking refused because the slot filled
/// can be sent again), while wrong answers are counted and end it after the settings' attempts.
/// </summary>
public sealed record VerificationChallenge(string Id, string CodeHash, Instant SentAt, Instant Expires, int FailedAttempts, Instant? VerifiedAt);

/// <summary>A stored challenge with the ETag it was read under.</summary>
public sealed record StoredChallenge(VerificationChallenge Challenge, string ETag);

/// <summary>Where the code last sent to each mobile (by its pseudonym) waits to be answered.</summary>
public interface IPhoneVerificationStore
{
    Task<StoredChallenge?> GetAsync(string centreId, string mobileKey, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the challenge: replaces the stored one only if its ETag is still <paramref name="expectedETag"/>, or adds
    /// it when that is null and none exists. False when another writer came first (read again and decide again).
    /// </summary>
    Task<bool> TryWriteAsync(string centreId, string mobileKey, VerificationChallenge challenge, string? expectedETag, CancellationToken cancellationToken);
}

/// <summary>A code went out: to which number (masked) and until when it can be used.</summary>
public sealed record CodeSent(string MobileMasked, Instant Expires);

/// <summary>A device's proof that it verified a mobile: sent back with later bookings instead of a code.</summary>
public sealed record MobileProof(string Value, Instant Expires);

/// <summary>How a booking's mobile was shown to belong to the person booking (recorded on the appointment).</summary>
public static class VerifiedBy
{
    public const string Code = "sms-code";
    public const string Proof = "device-proof";
    public const string ResidentLink = "resident-link";
    public const string StaffAssisted = "staff-assisted";
    public const string SmsReply = "sms-reply";
    public const string System = "system";
}

/// <summary>The mobile is verified, how, and the new proof for the device when a code was just answered.</summary>
public sealed record MobileVerified(string How, MobileProof? NewProof);

/// <summary>
/// Verified mobiles: a 6-digit code sent by SMS through the notifications outbox (never held back by quiet hours),
/// valid a few minutes for a few attempts and stored only as a keyed hash; a right answer earns the device a signed,
/// expiring proof naming the mobile's pseudonym, so the same device does not need a code again for a while.
/// Wrong answers are counted under the challenge's ETag, so racing guesses cannot exceed the attempts.
/// </summary>
public sealed class PhoneVerification
{
    public const string ProofPurpose = "verified-mobile";
    public const string BookLinkPurpose = "book";
    private const int Attempts = 10;

    private readonly IPhoneVerificationStore _store;
    private readonly ICentreDirectory _centres;
    private readonly IPhoneNumbers _phones;
    private readonly SmsNotifier _sms;
    private readonly Pseudonyms _pseudonyms;
    private readonly IClock _clock;
    private readonly PhoneVerificationSettings _settings;
    private readonly byte[] _codeKey;
    private readonly ResidentTokenService _proofs;
    private readonly Abuse.RateLimiter? _limiter;

    /// <param name="key">This deployment's key for codes and proofs (32 bytes or more); never the key of residents' links.</param>
    public PhoneVerification(IPhoneVerificationStore store, ICentreDirectory centres, IPhoneNumbers phones, SmsNotifier sms, Pseudonyms pseudonyms,
        IClock clock, PhoneVerificationSettings settings, byte[] key, Abuse.RateLimiter? limiter = null)
    {
        _limiter = limiter;
        _store = store;
        _centres = centres;
        _phones = phones;
        _sms = sms;
        _pseudonyms = pseudonyms;
        _clock = clock;
        _settings = settings;
        _codeKey = HMACSHA256.HashData(key, "codes"u8);
        _proofs = new ResidentTokenService(HMACSHA256.HashData(key, "proofs"u8), clock);
    }

    public PhoneVerificationSettings Settings => _settings;

    /// <summary>Sends a new code to <paramref name="mobileInput"/>; the one sent before stops working.</summary>
    public async Task<Outcome<CodeSent>> SendCodeAsync(string centreId, string? mobileInput, string? language, CancellationToken cancellationToken)
    {
        var centre = await _centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        var mobile = _phones.NormalizeMobile(mobileInput, out var reason);
        if (mobile is null) return Problem.Invalid("mobile", ErrorCodes.InvalidMobile, reason);
        var lang = language ?? "zh";
        if (lang is not ("zh" or "en")) return Problem.Invalid("language", ErrorCodes.UnknownLanguage, "language must be 'zh' or 'en'.");

        var mobileKey = _pseudonyms.Mobile(mobile);
        if (_limiter is not null && await _limiter.CheckAsync(Abuse.RateScopes.PerMobile(Abuse.RateScopes.Codes), mobileKey, "mobile", cancellationToken) is { } tooMany)
            return tooMany;
        var now = _clock.GetCurrentInstant();
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var challenge = new VerificationChallenge(Ids.New(bytes: 10), "", now, now + _settings.CodeLifetime, 0, null);
        challenge = challenge with { CodeHash = Hash(mobileKey, challenge.Id, code) };
        var written = await ConflictRetry.RunAsync(async _ =>
        {
            var stored = await _store.GetAsync(centreId, mobileKey, cancellationToken);
            return await _store.TryWriteAsync(centreId, mobileKey, challenge, stored?.ETag, cancellationToken) ? Attempt<bool>.Done(true) : Attempt<bool>.Again;
        }, () => false, Attempts);
        if (!written) return BookingChecks.Busy();

        await _sms.SendAsync(centre, $"verify|{mobileKey}|{challenge.Id}", mobile, SmsKinds.VerificationCode, lang, new Dictionary<string, string?>
        {
            ["code"] = code,
            ["minutes"] = ((int)_settings.CodeLifetime.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, null, cancellationToken);
        return Outcome<CodeSent>.Ok(new CodeSent(Redact.Phone(mobile), challenge.Expires));
    }

    /// <summary>Checks a code typed for a mobile (in E.164); a right one earns a proof for the device.</summary>
    public async Task<Outcome<MobileProof>> CheckCodeAsync(string centreId, string e164, string? code, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Trim().Length != 6 || !code.Trim().All(char.IsAsciiDigit))
            return Problem.Invalid("verificationCode", ErrorCodes.InvalidCode, "The verification code is the 6 digits in the SMS.");
        var mobileKey = _pseudonyms.Mobile(e164);
        var typed = code.Trim();
        return await ConflictRetry.RunAsync<Outcome<MobileProof>>(async _ =>
        {
            var stored = await _store.GetAsync(centreId, mobileKey, cancellationToken);
            var now = _clock.GetCurrentInstant();
            if (stored is null || now >= stored.Challenge.Expires)
                return Attempt<Outcome<MobileProof>>.Done(Problem.Forbidden("verificationCode", ErrorCodes.CodeExpired,
                    "The verification code has expired or was never sent; ask for a new one."));
            var c = stored.Challenge;
            if (c.FailedAttempts >= _settings.MaxAttempts)
                return Attempt<Outcome<MobileProof>>.Done(Problem.Forbidden("verificationCode", ErrorCodes.CodeAttemptsExhausted,
                    "Too many wrong codes; ask for a new one."));
            var right = CryptographicOperations.FixedTimeEquals(Convert.FromHexString(c.CodeHash), Convert.FromHexString(Hash(mobileKey, c.Id, typed)));
            if (right)
            {
                if (c.VerifiedAt is null && !await _store.TryWriteAsync(centreId, mobileKey, c with { VerifiedAt = now }, stored.ETag, cancellationToken))
                    return Attempt<Outcome<MobileProof>>.Again;
                return Attempt<Outcome<MobileProof>>.Done(Outcome<MobileProof>.Ok(IssueProof(centreId, mobileKey)));
            }
            // A wrong answer is counted before it is answered, under the ETag: racing guesses each cost one attempt.
            if (!await _store.TryWriteAsync(centreId, mobileKey, c with { FailedAttempts = c.FailedAttempts + 1 }, stored.ETag, cancellationToken))
                return Attempt<Outcome<MobileProof>>.Again;
            var left = _settings.MaxAttempts - c.FailedAttempts - 1;
            return Attempt<Outcome<MobileProof>>.Done(Problem.Forbidden("verificationCode", left > 0 ? ErrorCodes.WrongCode : ErrorCodes.CodeAttemptsExhausted,
                left > 0 ? $"The verification code is not right ({left} attempts left)." : "Too many wrong codes; ask for a new one."));
        }, () => BookingChecks.Busy(), Attempts);
    }

    /// <summary>Checks a code for a mobile as typed (not yet normalised), for the endpoint that only checks.</summary>
    public async Task<Outcome<MobileProof>> CheckAsync(string centreId, string? mobileInput, string? code, CancellationToken cancellationToken)
    {
        var mobile = _phones.NormalizeMobile(mobileInput, out var reason);
        if (mobile is null) return Problem.Invalid("mobile", ErrorCodes.InvalidMobile, reason);
        return await CheckCodeAsync(centreId, mobile, code, cancellationToken);
    }

    /// <summary>
    /// Whether the person acting may use <paramref name="e164"/>: a proof from this device for it, a code just sent to it,
    /// a resident's signed booking link issued for this mobile, staff booking with the resident's consent, or the number itself replying by SMS.
    /// </summary>
    public async Task<Outcome<MobileVerified>> VerifyAsync(string centreId, string e164, string? code, string? proof, Caller caller, CancellationToken cancellationToken)
    {
        switch (caller)
        {
            case StaffCaller s when s.IsInRole(Staffing.Roles.Staff):
                return Outcome<MobileVerified>.Ok(new MobileVerified(VerifiedBy.StaffAssisted, null));
            // A booking link stands for the one mobile it was issued for; with another number (or a link naming none)
            // the booking needs that number's code or proof like anyone's.
            case ResidentCaller r when r.Token.Purpose == BookLinkPurpose && r.Token.CentreId == centreId && r.Token.Subject == BookLinkSubject(e164):
                return Outcome<MobileVerified>.Ok(new MobileVerified(VerifiedBy.ResidentLink, null));
            case SmsReplyCaller reply when reply.MobileKey == _pseudonyms.Mobile(e164):
                return Outcome<MobileVerified>.Ok(new MobileVerified(VerifiedBy.SmsReply, null));
            case SystemCaller:
                return Outcome<MobileVerified>.Ok(new MobileVerified(VerifiedBy.System, null));
        }
        if (ProofHolds(e164, proof)) return Outcome<MobileVerified>.Ok(new MobileVerified(VerifiedBy.Proof, null));
        if (string.IsNullOrWhiteSpace(code))
            return Problem.Forbidden("verificationCode", ErrorCodes.VerificationRequired,
                "Verify the mobile first: ask for a code (POST /api/phone-verifications) and send it as verificationCode.");
        var checkedCode = await CheckCodeAsync(centreId, e164, code, cancellationToken);
        return checkedCode.Error is { } error ? error : Outcome<MobileVerified>.Ok(new MobileVerified(VerifiedBy.Code, checkedCode.Value));
    }

    /// <summary>
    /// Whether <paramref name="proof"/> is this deployment's unexpired proof for <paramref name="e164"/>. It holds at every
    /// centre of the deployment, whichever one the code came from: a mobile verified is verified (ADR 0018), and a
    /// resident booking at two centres of one city types one code.
    /// </summary>
    public bool ProofHolds(string e164, string? proof) =>
        !string.IsNullOrEmpty(proof)
        && _proofs.TryRead(proof, out var read) == TokenProblem.None
        && read!.Purpose == ProofPurpose && read.Subject == Subject(_pseudonyms.Mobile(e164))
        && read.Expires - _clock.GetCurrentInstant() <= _settings.ProofLifetime;

    private MobileProof IssueProof(string centreId, string mobileKey) =>
        new(_proofs.Issue(centreId, Subject(mobileKey), ProofPurpose, _settings.ProofLifetime), _clock.GetCurrentInstant() + _settings.ProofLifetime);

    private static string Subject(string mobileKey) => $"mobile/{mobileKey}";

    /// <summary>The subject of a <c>book</c> link issued for <paramref name="e164"/>: the mobile's pseudonym, never the number.</summary>
    public string BookLinkSubject(string e164) => Subject(_pseudonyms.Mobile(e164));

    private string Hash(string mobileKey, string challengeId, string code) =>
        Convert.ToHexString(HMACSHA256.HashData(_codeKey, Encoding.UTF8.GetBytes($"{mobileKey}|{challengeId}|{code}")));
}
