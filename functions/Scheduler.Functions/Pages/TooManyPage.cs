using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scheduler.Core.Booking;
using Scheduler.Pages;

namespace Scheduler.Functions.Pages;

/// <summary>
/// The rate gate's answer to a page (a function whose route is under <c>pages/</c>): 429 as a page in the reader's
/// language (the query's <c>lang</c>, else the form's), saying in words when to try again, with <c>Retry-After</c> kept.
/// API routes keep their <c>application/problem+json</c> answer.
/// </summary>
public static class TooManyPage
{
    /// <summary>True when the function is a page: its HTTP route is under <c>pages/</c>.</summary>
    public static bool IsPage(MethodInfo function) =>
        function.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()?.Route).FirstOrDefault(r => r is not null) is { } route
        && route.StartsWith("pages/", StringComparison.Ordinal);

    public static async Task<IActionResult> RenderAsync(HttpContext http, TimeSpan retryAfter)
    {
        var request = http.Request;
        string? code = request.Query["lang"];
        if (string.IsNullOrEmpty(code) && HttpMethods.IsPost(request.Method))
        {
            // Read within the pages' form limits; a form that cannot be read leaves the page in Chinese.
            var (form, _) = await PageForm.ReadAsync(request, http.RequestAborted);
            code = form?.GetValueOrDefault("lang");
        }
        var lang = Lang.For(code);
        var services = http.RequestServices;
        // The rate gate answers before the centre is resolved: the centre named, when it is one, else the default.
        var centreId = services.GetRequiredService<IOptions<SchedulerOptions>>().Value.CentreId;
        var named = request.Query[RoleGate.CentreQuery].ToString();
        if (await services.GetRequiredService<CentreDirectory>().IsListedAsync(named, http.RequestAborted))
            centreId = named;
        var centre = await services.GetRequiredService<ICentreDirectory>().GetAsync(centreId, http.RequestAborted)
                     ?? throw new InvalidOperationException($"Centre '{centreId}' has no profile.");
        var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await PageResponse.RenderAsync<MessagePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.TooManyTitle],
                HttpMethods.IsGet(request.Method) ? ResidentPages.SwitchUrl(request, lang) : CentreLinks.With($"/api/pages/book?lang={lang.Other.Code}", centre.Profile.Centre.Id)),
            ["Message"] = lang.TryAgainIn(seconds),
            ["Links"] = new List<Choice> { new(CentreLinks.With($"/api/pages/book?lang={lang.Code}", centre.Profile.Centre.Id), lang[Words.BookAgain]) },
        }, StatusCodes.Status429TooManyRequests, carriesToken: request.Query.ContainsKey("token") || request.Query.ContainsKey("t"));
    }
}
