using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;
using Scheduler.Pages;

namespace Scheduler.Functions.Pages;

/// <summary>
/// The verification step the resident forms share (a booking's details, a home-visit request): a code is sent to the
/// form's mobile and the code screen shows where it went. Too many codes for the number: the code screen says in
/// words when to ask again, and <c>Retry-After</c> says it to machines. A number that cannot take a code at all goes
/// back to the form, which explains why.
/// </summary>
internal static class CodeStep
{
    /// <summary>How long the code screen holds its resend button back after a code was sent (the SMS usually comes within seconds).</summary>
    public const int ResendAfterSeconds = 60;

    /// <summary>Renders the code screen: an error to show, where the code went (null when none was sent), the status.</summary>
    public delegate Task<IActionResult> CodeScreen(PageError? error, string? sentTo, int status);

    public static async Task<IActionResult> SendAsync(PhoneVerification verification, HttpRequest request, Lang lang, IReadOnlyDictionary<string, string> form,
        CodeScreen codeScreen, Func<Problem, Task<IActionResult>> backToForm, CancellationToken cancellationToken)
    {
        var sent = await verification.SendCodeAsync(RoleGate.Centre(request), form.GetValueOrDefault("mobile"), lang.Code, cancellationToken);
        if (sent.Error is { Code: ErrorCodes.RateLimited } limited)
        {
            var seconds = (int)Math.Max(1, Math.Ceiling((limited.RetryAfter ?? Duration.FromMinutes(1)).TotalSeconds));
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await codeScreen(new PageError(lang.TryAgainIn(seconds)), null, Outcomes.StatusOf(limited));
        }
        if (sent.Error is { } error) return await backToForm(error);
        return await codeScreen(null, sent.Value!.MobileMasked, 200);
    }
}
