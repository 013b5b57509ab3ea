using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Residents;
using Scheduler.Core.Results;
using Scheduler.Pages;
using Scheduler.Pages.Resident;

namespace Scheduler.Functions.Pages;

/// <summary>
/// The home-visit request page for residents, family members and community workers. The form post goes through the
/// same use case (<see cref="HomeVisitService.SubmitAsync"/>) and the same validation as <c>POST /api/home-visits</c>;
/// the page only turns its choices (half days, radio buttons) into that command and the use case's problems into words.
/// A mobile the device has not verified gets the booking's code screen (<see cref="VerifyMobile"/>), carrying the form,
/// once the form is otherwise right; the code posts the form again with it.
/// </summary>
public sealed class HomeVisitPage(HomeVisitService service, ICentreDirectory centres, CallerResolver callers, IClock clock,
    IOptions<PlanningOptions> planning, PhoneVerification verification)
{
    /// <summary>The form's fields the code screen carries (never the code itself).</summary>
    private static readonly IReadOnlySet<string> Carried = new HashSet<string>
        { "name", "mobile", "idNumber", "reason", "itemId", "address", "latitude", "longitude", "window", "urgency", "notes", "consent" };

    private const int Days = 5;
    private static readonly LocalTime Noon = new(12, 0), Afternoon = new(14, 0);

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Reads)]
    [Function("PageHomeVisit")]
    [ApiOperation("Resident page: ask for a home visit.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/home-visit")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Lang.For(request.Query["lang"]);
        return await FormPageAsync(request, lang, await CentreAsync(request, cancellationToken), new Dictionary<string, string>(), null, 200);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.HomeVisit)]
    [Function("PageHomeVisitSend")]
    [ApiOperation("Resident page: send a home-visit request (form post; the same validation as POST /api/home-visits; the location is optional).", Tag = "pages")]
    [ApiResponse(200, "What happens next; or, for a mobile this device has not verified, the code screen (a code is sent by SMS).", ContentType = "text/html")]
    [ApiResponse(400, "The form again, saying which field to correct; or a form that could not be read.", ContentType = "text/html")]
    [ApiResponse(403, "The code screen again: the code is wrong, expired or used up.", ContentType = "text/html")]
    [ApiResponse(409, "The same resident already asked for this service that day.", ContentType = "text/html")]
    [ApiResponse(413, "The form is too large.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.", ContentType = "text/html")]
    public async Task<IActionResult> Send([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/home-visit")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (form, lang, centre, bad) = await ResidentPages.ReadPostAsync(request, ct => CentreAsync(request, ct), cancellationToken);
        if (bad is not null) return bad;
        // Back from the code screen: the form as it was typed, to change the number or anything else.
        if (form.GetValueOrDefault("edit") == "1") return await FormPageAsync(request, lang, centre, form, null, 200);
        if (form.GetValueOrDefault("consent") != "on")
            return await FormPageAsync(request, lang, centre, form, new PageError(lang[Words.ConsentNeeded], "consent"), 400);
        var (caller, denied) = callers.Resolve(request);
        if (denied is not null) return denied;
        var windows = (form.GetValueOrDefault("window") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(ParseWindow).ToList();
        var command = new SubmitHomeVisit(form.GetValueOrDefault("name"), form.GetValueOrDefault("mobile"), Blank(form.GetValueOrDefault("idNumber")),
            Enum.TryParse<EligibilityReason>(form.GetValueOrDefault("reason"), out var reason) && Enum.IsDefined(reason) ? reason : null,
            new LocationInput(Number(form.GetValueOrDefault("latitude")), Number(form.GetValueOrDefault("longitude"))), form.GetValueOrDefault("address"),
            form.GetValueOrDefault("itemId"), windows, Enum.TryParse<VisitUrgency>(form.GetValueOrDefault("urgency"), out var urgency) && Enum.IsDefined(urgency) ? urgency : null,
            Blank(form.GetValueOrDefault("notes")), lang.Code, Blank(form.GetValueOrDefault("verificationCode"))?.Trim(), MobileProofTransport.Read(request));
        var result = await service.SubmitVerifiedAsync(RoleGate.Centre(request), command, caller!, "web", cancellationToken);
        if (result.Error is { Code: ErrorCodes.VerificationRequired }) return await SendCodeAndAskAsync(request, lang, centre, form, cancellationToken);
        if (result.Error is { Code: ErrorCodes.WrongCode or ErrorCodes.CodeExpired or ErrorCodes.CodeAttemptsExhausted or ErrorCodes.InvalidCode } codeError)
            return await VerifyPageAsync(request, lang, centre, form, Explain(lang, codeError, MapShown), null, Outcomes.StatusOf(codeError));
        if (result.Error is { } error)
            return await FormPageAsync(request, lang, centre, form, Explain(lang, error, MapShown), Outcomes.StatusOf(error));
        MobileProofTransport.Write(request.HttpContext.Response, result.Value!.NewProof, clock.GetCurrentInstant());
        return await PageResponse.RenderAsync<MessagePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.RequestReceived], CentreLinks.With($"/api/pages/home-visit?lang={lang.Other.Code}", centre.Profile.Centre.Id)),
            ["Message"] = lang[Words.RequestReceivedText] + " " + (result.Value.Request.LocationPending() ? lang[Words.LocationWillBeSet] + " " : "") + lang[Words.WhatNextText],
            ["IsError"] = false,
            ["Links"] = new List<Choice> { new(CentreLinks.With($"/api/pages/book?lang={lang.Code}", centre.Profile.Centre.Id), lang[Words.BookLink]) },
        });
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Codes)]
    [Function("PageHomeVisitSendCode")]
    [ApiOperation("Resident page: send the verification code again to the mobile of the home-visit request under way, and show the code screen.", Tag = "pages")]
    [ApiResponse(200, "The code screen, saying where the code went.", ContentType = "text/html")]
    [ApiResponse(400, "The request form again, saying what to correct; or a form that could not be read.", ContentType = "text/html")]
    [ApiResponse(413, "The form is too large.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.", ContentType = "text/html")]
    public async Task<IActionResult> SendCode([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/home-visit/code")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (form, lang, centre, bad) = await ResidentPages.ReadPostAsync(request, ct => CentreAsync(request, ct), cancellationToken);
        if (bad is not null) return bad;
        return await SendCodeAndAskAsync(request, lang, centre, form, cancellationToken);
    }

    /// <summary>Sends a code to the form's mobile and shows the code screen; a number that cannot take one goes back to the form.</summary>
    private Task<IActionResult> SendCodeAndAskAsync(HttpRequest request, Lang lang, CentreSnapshot centre, IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken) =>
        CodeStep.SendAsync(verification, request, lang, form, (error, sentTo, status) => VerifyPageAsync(request, lang, centre, form, error, sentTo, status),
            error => FormPageAsync(request, lang, centre, form, Explain(lang, error, MapShown), Outcomes.StatusOf(error)), cancellationToken);

    /// <summary>The code screen, carrying the form (the resident ID among it: the page is never stored by a cache).</summary>
    private static Task<IActionResult> VerifyPageAsync(HttpRequest request, Lang lang, CentreSnapshot centre, IReadOnlyDictionary<string, string> form, PageError? error,
        string? sentTo, int status) =>
        PageResponse.RenderAsync<VerifyMobile>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.VerifyTitle], CentreLinks.With($"/api/pages/home-visit?lang={lang.Other.Code}", centre.Profile.Centre.Id), ["verify.js"]),
            ["Form"] = form, ["Error"] = error, ["SentTo"] = sentTo,
            ["Action"] = "/api/pages/home-visit", ["ResendAction"] = "/api/pages/home-visit/code", ["CarriedFields"] = Carried,
            ["Why"] = Words.VerifyWhyHomeVisit, ["SubmitLabel"] = Words.SendRequest, ["EditField"] = "edit",
            ["ResendSeconds"] = sentTo is null ? 0 : CodeStep.ResendAfterSeconds,
        }, status, carriesToken: true);

    private WindowInput ParseWindow(string key)
    {
        var parts = key.Split('.');
        var date = parts.Length == 2 && Outcomes.TryDate(parts[0], "window", out var d, out _) ? d : null;
        var shifts = service.Shifts;
        return parts.Length == 2 && parts[1] == "pm" ? new WindowInput(date, Afternoon, shifts.End) : new WindowInput(date, shifts.Start, Noon);
    }

    private async Task<IActionResult> FormPageAsync(HttpRequest request, Lang lang, CentreSnapshot centre, IReadOnlyDictionary<string, string> form, PageError? error, int status)
    {
        var shifts = service.Shifts;
        var day = centre.Calendar.Today(clock.GetCurrentInstant());
        var windows = new Dictionary<string, string>();
        for (var i = 0; i < shifts.HorizonDays && windows.Count < Days * 2; i++)
        {
            day = day.PlusDays(1);
            if (!centre.Calendar.IsWorkingDay(day)) continue;
            windows[$"{day:yyyy-MM-dd}.am"] = $"{lang.Date(day)} {lang[Words.Morning]} {Lang.Clock(shifts.Start)}–{Lang.Clock(Noon)}";
            windows[$"{day:yyyy-MM-dd}.pm"] = $"{lang.Date(day)} {lang[Words.Afternoon]} {Lang.Clock(Afternoon)}–{Lang.Clock(shifts.End)}";
        }
        var tiles = string.IsNullOrWhiteSpace(planning.Value.TileUrl) ? null : planning.Value.TileUrl;
        return await PageResponse.RenderAsync<HomeVisitRequestPage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.HomeVisitTitle], CentreLinks.With($"/api/pages/home-visit?lang={lang.Other.Code}", centre.Profile.Centre.Id),
                tiles is null ? ["home-visit.js"] : ["leaflet.js", "home-visit.js"]),
            ["Form"] = form, ["Error"] = error,
            ["Chosen"] = (form.GetValueOrDefault("window") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(),
            ["Items"] = centre.Profile.Items.Where(i => i.HomeVisit is not null).ToDictionary(i => i.Id, i => lang.Of(i.Name)),
            ["Windows"] = windows, ["MapTiles"] = tiles,
            ["CentreLat"] = centre.Profile.Centre.Location.Latitude, ["CentreLng"] = centre.Profile.Centre.Location.Longitude,
        }, status, imageSource: DispatcherPage.TileOrigin(tiles));
    }

    /// <summary>Whether the form shows a map to pin the home on (only with a tile server configured).</summary>
    private bool MapShown => !string.IsNullOrWhiteSpace(planning.Value.TileUrl);

    /// <summary>The use case's problems in the reader's words, naming the field; a map is mentioned only when the form shows one.</summary>
    private static PageError Explain(Lang lang, Problem error, bool mapShown)
    {
        var field = error.Field?.StartsWith("windows", StringComparison.Ordinal) == true ? "windows" : error.Field;
        var message = (error.Code, field) switch
        {
            (ErrorCodes.InvalidName, _) => lang[Words.HomeVisitProblemName],
            (ErrorCodes.InvalidMobile, _) => lang[Words.HomeVisitProblemMobile],
            (ErrorCodes.InvalidIdNumber, _) => lang[Words.HomeVisitProblemIdNumber],
            (ErrorCodes.MissingReason, _) => lang[Words.HomeVisitProblemReason],
            (ErrorCodes.InvalidLocation, _) => lang[mapShown ? Words.HomeVisitProblemLocationMap : Words.HomeVisitProblemLocation],
            (ErrorCodes.OutsideServiceArea, _) => lang[Words.HomeVisitProblemOutsideArea],
            (ErrorCodes.InvalidAddress, _) => lang[Words.HomeVisitProblemAddress],
            (ErrorCodes.NotesTooLong, _) => lang[Words.HomeVisitProblemNotes],
            (_, "itemId") => lang[Words.HomeVisitProblemItem],
            (ErrorCodes.NoWindows, _) => lang[Words.HomeVisitProblemNoWindows],
            (_, "windows") => lang[Words.HomeVisitProblemWindows],
            (ErrorCodes.Duplicate, _) => lang[Words.HomeVisitProblemDuplicate],
            (ErrorCodes.VerificationRequired, _) => lang[Words.ProblemVerify],
            (ErrorCodes.WrongCode, _) => lang[Words.ProblemWrongCode],
            (ErrorCodes.CodeExpired, _) => lang[Words.ProblemCodeExpired],
            (ErrorCodes.CodeAttemptsExhausted, _) => lang[Words.ProblemCodeAttempts],
            (ErrorCodes.InvalidCode, _) => lang[Words.ProblemInvalidCode],
            (ErrorCodes.RateLimited, _) => lang[Words.ProblemRateLimited],
            _ => lang[Words.HomeVisitProblemOther],
        };
        return new PageError(message, field);
    }

    private static double? Number(string? value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private async Task<CentreSnapshot> CentreAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await centres.GetAsync(RoleGate.Centre(request), cancellationToken) ?? throw new InvalidOperationException("The centre has no profile.");
}
