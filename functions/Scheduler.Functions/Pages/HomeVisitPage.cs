using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Residents;
using Scheduler.Core.Results;
using Scheduler.Pages;
using Scheduler.Pages.Resident;

namespace Scheduler.Functions.Pages;

/// <summary>
/// The home-visit request page for residents, family members and community workers. The form post goes through the
/// same use case (<see cref="HomeVisitService.SubmitAsync"/>) and the same validation as <c>POST /api/home-visits</c>;
/// the page only turns its choices (half days, radio buttons) into that command and the use case's problems into words.
/// </summary>
public sealed class HomeVisitPage(HomeVisitService service, ICentreDirectory centres, CallerResolver callers, IClock clock, IOptions<SchedulerOptions> options,
    IOptions<PlanningOptions> planning)
{
    private const int Days = 5;
    private static readonly LocalTime Noon = new(12, 0), Afternoon = new(14, 0);

    [Function("PageHomeVisit")]
    [ApiOperation("Resident page: ask for a home visit.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    public async Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/home-visit")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Lang.For(request.Query["lang"]);
        return await FormPageAsync(request, lang, await CentreAsync(cancellationToken), new Dictionary<string, string>(), null, 200);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.HomeVisit)]
    [Function("PageHomeVisitSend")]
    [ApiOperation("Resident page: send a home-visit request (form post; the same validation as POST /api/home-visits).", Tag = "pages")]
    [ApiResponse(200, "What happens next.", ContentType = "text/html")]
    [ApiResponse(400, "The form again, saying which field to correct; or a form that could not be read.", ContentType = "text/html")]
    [ApiResponse(409, "The same resident already asked for this service that day.", ContentType = "text/html")]
    [ApiResponse(413, "The form is too large.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.", ContentType = "text/html")]
    public async Task<IActionResult> Send([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/home-visit")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (form, lang, centre, bad) = await ResidentPages.ReadPostAsync(request, CentreAsync, cancellationToken);
        if (bad is not null) return bad;
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
            Blank(form.GetValueOrDefault("notes")));
        var result = await service.SubmitAsync(options.Value.CentreId, command, caller!, "web", cancellationToken);
        if (result.Error is { } error) return await FormPageAsync(request, lang, centre, form, Explain(lang, error), Outcomes.StatusOf(error));
        return await PageResponse.RenderAsync<MessagePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.RequestReceived], $"/api/pages/home-visit?lang={lang.Other.Code}"),
            ["Message"] = lang[Words.RequestReceivedText] + " " + lang[Words.WhatNextText], ["IsError"] = false,
            ["Links"] = new List<Choice> { new($"/api/pages/book?lang={lang.Code}", lang[Words.BookLink]) },
        });
    }

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
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.HomeVisitTitle], $"/api/pages/home-visit?lang={lang.Other.Code}",
                tiles is null ? ["home-visit.js"] : ["leaflet.js", "home-visit.js"]),
            ["Form"] = form, ["Error"] = error,
            ["Chosen"] = (form.GetValueOrDefault("window") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(),
            ["Items"] = centre.Profile.Items.Where(i => i.HomeVisit is not null).ToDictionary(i => i.Id, i => lang.Of(i.Name)),
            ["Windows"] = windows, ["MapTiles"] = tiles,
            ["CentreLat"] = centre.Profile.Centre.Location.Latitude, ["CentreLng"] = centre.Profile.Centre.Location.Longitude,
        }, status, imageSource: DispatcherPage.TileOrigin(tiles));
    }

    /// <summary>The use case's problems in the reader's words, naming the field.</summary>
    private static PageError Explain(Lang lang, Problem error)
    {
        var field = error.Field?.StartsWith("windows", StringComparison.Ordinal) == true ? "windows" : error.Field;
        var message = (error.Code, field) switch
        {
            (ErrorCodes.InvalidName, _) => lang[new("请填写居民姓名（最多50个字）。", "Please enter the resident's name (50 characters at most).")],
            (ErrorCodes.InvalidMobile, _) => lang[new("联系手机不正确，请检查（11位数字）。", "The mobile number is not right; please check it (11 digits).")],
            (ErrorCodes.InvalidIdNumber, _) => lang[new("身份证号不正确，请检查，或不填。", "The ID number is not right; check it, or leave it empty.")],
            (ErrorCodes.MissingReason, _) => lang[new("请选择为什么不能到中心来。", "Please choose why the resident cannot come to the centre.")],
            (ErrorCodes.InvalidLocation, _) => lang[new("还不知道住处在哪里：请在居民家中点“用我现在的位置”，或在地图上点出住处。", "We do not know where the home is yet: tap “Use where I am now” at the home, or tap it on the map.")],
            (ErrorCodes.OutsideServiceArea, _) => lang[new("这个住处不在中心的上门服务范围内，请拨打咨询电话。", "This home is outside the centre's service area; please call us.")],
            (ErrorCodes.InvalidAddress, _) => lang[new("请填写详细地址（最多200个字）。", "Please enter the full address (200 characters at most).")],
            (ErrorCodes.NotesTooLong, _) => lang[new("补充说明太长（最多500个字）。", "The note is too long (500 characters at most).")],
            (_, "itemId") => lang[new("这个事项暂时不能上门办理，请换一个或拨打咨询电话。", "This service cannot be done at home for now; choose another or call us.")],
            (ErrorCodes.NoWindows, _) => lang[new("请至少选一个方便的时间。", "Please choose at least one time that suits.")],
            (_, "windows") => lang[new("选的时间有一个已经不能安排，请重新选择。", "One of the times chosen can no longer be planned; please choose again.")],
            (ErrorCodes.Duplicate, _) => lang[new("这位居民这一天已经申请过这个事项，不用重复申请。", "This resident already asked for this service that day; no need to ask again.")],
            _ => lang[new("无法提交，请检查后重试，或拨打咨询电话。", "This could not be sent; please check and try again, or call us.")],
        };
        return new PageError(message, field);
    }

    private static double? Number(string? value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private async Task<CentreSnapshot> CentreAsync(CancellationToken cancellationToken) =>
        await centres.GetAsync(options.Value.CentreId, cancellationToken) ?? throw new InvalidOperationException("The centre has no profile.");
}
