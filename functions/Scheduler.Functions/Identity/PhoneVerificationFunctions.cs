using Scheduler.Functions.Platform;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Identity;

namespace Scheduler.Functions.Identity;

/// <summary>Settings under <c>Verification</c>: how long a code lives, how many wrong answers it takes, how long a device stays verified.</summary>
public sealed class VerificationOptions
{
    public const string Section = "Verification";

    [Range(1, 30)]
    public int CodeMinutes { get; set; } = 5;

    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 5;

    [Range(1, 90)]
    public int ProofDays { get; set; } = 7;

    public PhoneVerificationSettings ToSettings() => new(Duration.FromMinutes(CodeMinutes), MaxAttempts, Duration.FromDays(ProofDays));
}

[ApiBody("mobile")]
public sealed record PhoneVerificationRequest(string? Mobile, string? Language);

[ApiBody("mobile", "code")]
public sealed record PhoneVerificationCheck(string? Mobile, [property: ApiString(Pattern = "^[0-9]{6}$")] string? Code);

public sealed record CodeSentView(string MobileMasked, Instant Expires);

public sealed record MobileProofView(string Proof, Instant Expires);

/// <summary>
/// Where a device's proof of a verified mobile travels: the <c>X-Mobile-Proof</c> header (scripts, apps) or the
/// <c>mobile_proof</c> cookie (the pages), HttpOnly, SameSite=Lax, only under <c>/api</c>, Secure over https.
/// </summary>
public static class MobileProofTransport
{
    public const string Header = "X-Mobile-Proof";
    public const string Cookie = "mobile_proof";

    public static string? Read(HttpRequest request) =>
        request.Headers.TryGetValue(Header, out var h) && !string.IsNullOrEmpty(h) ? h.ToString()
        : request.Cookies.TryGetValue(Cookie, out var c) && !string.IsNullOrEmpty(c) ? c : null;

    public static void Write(HttpResponse response, MobileProof? proof, Instant now)
    {
        if (proof is null) return;
        response.Headers[Header] = proof.Value;
        response.Cookies.Append(Cookie, proof.Value, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = response.HttpContext.Request.IsHttps,
            Path = "/api",
            MaxAge = (proof.Expires - now).ToTimeSpan(),
        });
    }
}

/// <summary>Verification codes by SMS, so only the holder of a mobile can book with it.</summary>
public sealed class PhoneVerificationFunctions(PhoneVerification verification, IClock clock)
{
    [RateLimited(Scheduler.Core.Abuse.RateScopes.Codes)]
    [Function("SendVerificationCode")]
    [ApiOperation("Send a 6-digit verification code by SMS to a mainland China mobile (valid a few minutes, for a few attempts); a new code replaces the last.",
        Tag = "identity", RequestBody = typeof(PhoneVerificationRequest), Access = "anyone (rate-limited per address and per mobile)")]
    [ApiResponse(202, "The code is on its way.", Type = typeof(CodeSentView))]
    [ApiResponse(400, "The mobile is not a mobile number, or not one the centre sends SMS to.")]
    [ApiResponse(429, "Too many codes asked for from this address or for this mobile.")]
    public async Task<IActionResult> Send(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "phone-verifications")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, bad) = await RequestBody.ReadJsonAsync<PhoneVerificationRequest>(request, cancellationToken);
        if (bad is not null) return bad;
        var sent = await verification.SendCodeAsync(RoleGate.Centre(request), body!.Mobile, Empty(body.Language), cancellationToken);
        if (sent.Error is { } error) return Outcomes.Problem(error);
        return new ObjectResult(new CodeSentView(sent.Value!.MobileMasked, sent.Value.Expires)) { StatusCode = StatusCodes.Status202Accepted };
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Codes)]
    [Function("CheckVerificationCode")]
    [ApiOperation("Check a code without booking: a right one earns the device a proof (the X-Mobile-Proof header and the mobile_proof cookie) that later bookings for this mobile send instead of a code.",
        Tag = "identity", RequestBody = typeof(PhoneVerificationCheck), Access = "anyone (rate-limited per address and per mobile)")]
    [ApiResponse(200, "Verified; the proof is in the body, the X-Mobile-Proof header and the mobile_proof cookie.", Type = typeof(MobileProofView))]
    [ApiResponse(400, "The mobile or the code is not well formed.")]
    [ApiResponse(403, "The code is wrong, expired, or used up (code wrong-code, code-expired, code-attempts-exhausted).")]
    [ApiResponse(429, "Too many attempts from this address or for this mobile.")]
    public async Task<IActionResult> Check(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "phone-verifications/check")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, bad) = await RequestBody.ReadJsonAsync<PhoneVerificationCheck>(request, cancellationToken);
        if (bad is not null) return bad;
        var proof = await verification.CheckAsync(RoleGate.Centre(request), body!.Mobile, body.Code, cancellationToken);
        if (proof.Error is { } error) return Outcomes.Problem(error);
        MobileProofTransport.Write(request.HttpContext.Response, proof.Value, clock.GetCurrentInstant());
        return new OkObjectResult(new MobileProofView(proof.Value!.Value, proof.Value.Expires));
    }

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
