using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Results;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Pages;
using Scheduler.Pages.Resident;

namespace Scheduler.Functions.Pages;

/// <summary>
/// The resident's pages, served by the function app itself, in four steps: choose a service, a time, give name and
/// mobile, booked; and from the SMS link, see, move or cancel the appointment (cancelling asks once more). Plain HTML
/// forms rendered from Razor components (Scheduler.Pages); the pages work without script. A mobile this phone has not
/// verified gets a code by SMS and its own screen between the details and booked (ADR 0014). A resident's booking
/// link (<c>?token=</c>, purpose <c>book</c>) is carried through every step in the query and books for its own mobile
/// without the code; the pages that carry it are neither cached nor referred.
/// </summary>
public sealed class ResidentPages(AvailabilityQuery availability, BookAppointment book, RescheduleAppointment reschedule, ChangeAppointmentStatus status,
    AppointmentQueries queries, Ratings ratings, VisitRatings visitRatings, ICentreDirectory centres, CallerResolver callers, PhoneVerification verification, ServiceDemand demandOf, IClock clock)
{
    [RateLimited(Scheduler.Core.Abuse.RateScopes.Reads)]
    [Function("PageChooseService")]
    [ApiOperation("Resident page: choose a service (the most booked first; q= searches names and pinyin initials).", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    public async Task<IActionResult> ChooseService([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/book")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Lang.For(request.Query["lang"]);
        var centre = await CentreAsync(request, cancellationToken);
        var (link, badLink) = BookingLink(request);
        if (badLink) return await MessageAsync(request, lang, centre, lang[Words.BadLink], 401);
        var query = request.Query["q"].ToString().Trim();
        if (query.Length > 50) query = query[..50];
        var demand = await demandOf.CountsAsync(RoleGate.Centre(request), centre, cancellationToken);
        var profile = centre.Profile;
        ServiceChoice Choose(string key, Core.Catalogue.LocalizedText name, string hint) =>
            new(CentreLinks.With($"/api/pages/book/slots?service={Q(key)}&lang={lang.Code}{WithLink(link)}", centre.Profile.Centre.Id), lang.Of(name), hint, ServiceSearch.Keys(name.Zh, name.En));
        var all = profile.Bundles.Select(b => (Key: "bundle." + b.Id, Category: Bookable.Find(profile, null, b.Id)!.CategoryId, Choice: Choose("bundle." + b.Id, b.Name, lang[Words.OneVisit])))
            .Concat(profile.Items.Select(i => (Key: "item." + i.Id, Category: i.CategoryId, Choice: Choose("item." + i.Id, i.Name, lang.Promised(i.Immediate ? null : i.PromisedWorkingDays)))))
            .Select((s, order) => (s.Key, s.Category, s.Choice, Count: demand.GetValueOrDefault(s.Key), Care: ServiceDemand.Care(profile, s.Key), Order: order))
            .Where(s => ServiceSearch.Matches(s.Choice.Keys, query))
            .ToList();
        var popular = query.Length > 0 ? [] : all.Where(s => s.Count > 0).OrderByDescending(s => s.Count).ThenBy(s => s.Order).Take(5).Select(s => s.Choice).ToList();
        // Most booked first; where the centre's data says nothing yet (no bookings, or a tie), the services older and
        // less mobile residents come for (those the catalogue also offers at home) before the rest.
        var groups = profile.Categories
            .Select(c => (Category: c, Services: all.Where(s => s.Category == c.Id).OrderByDescending(s => s.Count).ThenByDescending(s => s.Care).ThenBy(s => s.Order).ToList()))
            .OrderByDescending(g => g.Services.Sum(s => s.Count)).ThenByDescending(g => g.Services.Count(s => s.Care))
            .Select(g => new ServiceGroup(lang.Of(g.Category.Name), g.Services.Select(s => s.Choice).ToList()))
            .ToList();
        return await PageResponse.RenderAsync<ChooseService>(request, new Dictionary<string, object?>
        {
            ["Frame"] = Frame(lang, centre, lang[Words.BookTitle], request, step: 1, scripts: ["services.js"]),
            ["Query"] = query, ["Popular"] = popular, ["Groups"] = groups, ["Link"] = link,
        }, carriesToken: link is not null);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Reads)]
    [Function("PageChooseSlot")]
    [ApiOperation("Resident page: choose a day, then a time on it (also used to move an appointment).", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(404, "Unknown service.", ContentType = "text/html")]
    public async Task<IActionResult> ChooseSlot([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/book/slots")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Lang.For(request.Query["lang"]);
        var centre = await CentreAsync(request, cancellationToken);
        var token = request.Query[CallerResolver.TokenQuery].ToString();
        // A booking link goes on to the details with the link; any other token is an appointment's link choosing its new time.
        var booking = token.Length == 0 || BookingLink(request).Link is not null;
        var (itemId, bundleId) = ParseService(request.Query["service"]);
        var bookable = Bookable.Find(centre.Profile, itemId, bundleId);
        if (bookable is null) return await MessageAsync(request, lang, centre, lang[Words.NoSuchService], 404);
        var today = centre.Calendar.Today(clock.GetCurrentInstant());
        var hasDate = Outcomes.TryDate(request.Query["date"], "date", out var chosen, out _) && chosen is not null;
        var days = (await availability.GetAsync(RoleGate.Centre(request), null, itemId, bundleId, today, null, false, cancellationToken)).Value ?? [];
        var keep = $"service={Q(request.Query["service"])}&lang={lang.Code}" + (token.Length > 0 ? $"&token={Q(token)}" : "");
        var day = hasDate ? days.FirstOrDefault(d => d.Date == chosen) : null;
        IReadOnlyList<TimeGroup>? groups = null;
        if (hasDate)
        {
            groups = (day?.Slots ?? []).Where(s => s.Free > 0)
                .GroupBy(s => s.Start.Hour < 12 ? Words.Morning : s.Start.Hour < 18 ? Words.Afternoon : Words.Evening)
                .Select(g => new TimeGroup(lang[g.Key], g.Select(s => new Choice(!booking
                        ? $"/api/pages/manage/move?{keep}&date={s.Date:yyyy-MM-dd}&start={s.Start:HH:mm}"
                        : CentreLinks.With($"/api/pages/book/details?{keep}&date={s.Date:yyyy-MM-dd}&start={s.Start:HH:mm}", centre.Profile.Centre.Id),
                    lang.Time(s.Start), lang.SeatsLeft(s.Free))).ToList()))
                .ToList();
        }
        return await PageResponse.RenderAsync<ChooseTime>(request, new Dictionary<string, object?>
        {
            ["Frame"] = Frame(lang, centre, lang[hasDate ? Words.ChooseTime : Words.ChooseDay], request, step: booking ? 2 : null),
            ["ServiceName"] = lang.Of(bookable.Name), ["Minutes"] = bookable.Minutes,
            ["Days"] = days.Select(d => new Choice(CentreLinks.With($"/api/pages/book/slots?{keep}&date={d.Date:yyyy-MM-dd}", centre.Profile.Centre.Id), lang.Date(d.Date), lang.TimesFree(d.Slots.Count(s => s.Free > 0)))).ToList(),
            ["DayTitle"] = chosen is { } c ? lang.Date(c) : null,
            ["Groups"] = groups,
            ["OtherDaysHref"] = CentreLinks.With($"/api/pages/book/slots?{keep}", centre.Profile.Centre.Id),
        }, carriesToken: token.Length > 0);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Reads)]
    [Function("PageDetails")]
    [ApiOperation("Resident page: name and mobile for the chosen time.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(404, "Unknown service.", ContentType = "text/html")]
    public async Task<IActionResult> Details([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/book/details")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Lang.For(request.Query["lang"]);
        var centre = await CentreAsync(request, cancellationToken);
        var form = new Dictionary<string, string>
        {
            ["service"] = request.Query["service"].ToString(), ["date"] = request.Query["date"].ToString(), ["start"] = request.Query["start"].ToString(),
        };
        if (BookingLink(request).Bad) return await MessageAsync(request, lang, centre, lang[Words.BadLink], 401);
        return await DetailsPageAsync(request, lang, centre, form, null);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Booking)]
    [Function("PageBook")]
    [ApiOperation("Resident page: book (form post from the details page).", Tag = "pages")]
    [ApiResponse(200, "Confirmation page.", ContentType = "text/html")]
    [ApiResponse(400, "The details page again, saying which field to correct; or a form that could not be read.", ContentType = "text/html")]
    [ApiResponse(413, "The form is too large.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.", ContentType = "text/html")]
    public async Task<IActionResult> Book([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/book")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (form, lang, centre, bad) = await ReadPostAsync(request, ct => CentreAsync(request, ct), cancellationToken);
        if (bad is not null) return bad;
        var (itemId, bundleId) = ParseService(form.GetValueOrDefault("service"));
        Outcomes.TryDate(form.GetValueOrDefault("date"), "date", out var date, out _);
        Outcomes.TryTime(form.GetValueOrDefault("start"), "start", out var start, out _);
        PriorityReason? priority = Enum.TryParse<PriorityReason>(form.GetValueOrDefault("priority"), out var p) ? p : null;
        ProxyInput? proxy = form.GetValueOrDefault("for") == "other"
            ? new ProxyInput(form.GetValueOrDefault("proxyName"), form.GetValueOrDefault("proxyRelationship"), form.GetValueOrDefault("consent") == "on")
            : null;
        var code = form.GetValueOrDefault("verificationCode");
        // Who books: a resident's booking link in the query books for its own mobile with no code; a signed-in member of
        // staff is one more member of the public here, as on the API.
        var (caller, badLink) = callers.Resolve(request);
        if (badLink is not null) return await MessageAsync(request, lang, centre, lang[Words.BadLink], 401);
        var result = await book.BookAsync(RoleGate.Centre(request), new BookCommand(itemId, bundleId, date, start, form.GetValueOrDefault("name"), form.GetValueOrDefault("mobile"),
            priority, proxy, lang.Code, RequestId(form), string.IsNullOrWhiteSpace(code) ? null : code.Trim(), MobileProofTransport.Read(request)),
            AppointmentFunctions.Public(caller!), cancellationToken);
        if (result.Error is { Code: ErrorCodes.VerificationRequired }) return await SendCodeAndAskAsync(request, lang, centre, form, cancellationToken);
        if (result.Error is { Code: ErrorCodes.WrongCode or ErrorCodes.CodeExpired or ErrorCodes.CodeAttemptsExhausted or ErrorCodes.InvalidCode } codeError)
            return await VerifyPageAsync(request, lang, centre, form, Explain(lang, centre, codeError, null), null, Outcomes.StatusOf(codeError));
        if (result.Error is { } error) return await DetailsPageAsync(request, lang, centre, form, error);
        MobileProofTransport.Write(request.HttpContext.Response, result.Value!.NewProof, clock.GetCurrentInstant());

        var a = result.Value!.Appointment;
        var link = $"/api/pages/manage?token={Q(result.Value.ManageToken)}&lang={lang.Code}";
        return await PageResponse.RenderAsync<BookedPage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.BookedTitle], link.Replace($"lang={lang.Code}", $"lang={lang.Other.Code}"), Step: Scheduler.Pages.Frame.BookingSteps),
            ["Summary"] = Summary(lang, centre, a), ["ManageHref"] = link,
        }, carriesToken: true);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageManage")]
    [ApiOperation("Resident page: the appointment from the SMS link, with move and cancel.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(401, "The link is not valid or has expired.", ContentType = "text/html")]
    [ApiResponse(410, "The appointment is long past and archived: a page saying so.", ContentType = "text/html")]
    public async Task<IActionResult> Manage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/manage")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Lang.For(request.Query["lang"]);
        var centre = await CentreAsync(request, cancellationToken);
        var (appointment, refused) = await AppointmentFromLinkAsync(request, lang, centre, cancellationToken);
        if (refused is not null) return refused;
        return await ManagePageAsync(request, lang, centre, appointment!, null, null);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageMove")]
    [ApiOperation("Resident page: confirm moving the appointment to the chosen time.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(401, "The link is not valid or has expired.", ContentType = "text/html")]
    public async Task<IActionResult> Move([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/manage/move")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Lang.For(request.Query["lang"]);
        var centre = await CentreAsync(request, cancellationToken);
        var (appointment, refused) = await AppointmentFromLinkAsync(request, lang, centre, cancellationToken);
        if (refused is not null) return refused;
        Outcomes.TryDate(request.Query["date"], "date", out var date, out _);
        Outcomes.TryTime(request.Query["start"], "start", out var start, out _);
        if (date is null || start is null) return await ManagePageAsync(request, lang, centre, appointment!, new PageError(lang[Words.ChooseNewTime]), null);
        var token = request.Query[CallerResolver.TokenQuery].ToString();
        return await PageResponse.RenderAsync<ConfirmPage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = Frame(lang, centre, lang[Words.MoveTitle], request),
            ["From"] = lang.When(appointment!.Date, appointment.Start), ["To"] = lang.When(date.Value, start.Value),
            ["Form"] = new PostForm($"/api/pages/manage/reschedule?token={Q(token)}",
                new Dictionary<string, string> { ["lang"] = lang.Code, ["date"] = $"{date:yyyy-MM-dd}", ["start"] = $"{start:HH:mm}" }, lang[Words.MoveButton]),
            ["BackHref"] = ManageHref(token, lang), ["Back"] = lang[Words.KeepAsIs],
        }, carriesToken: true);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageCancel")]
    [ApiOperation("Resident page: asks once more before cancelling.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(401, "The link is not valid or has expired.", ContentType = "text/html")]
    public async Task<IActionResult> Cancel([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/manage/cancel")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Lang.For(request.Query["lang"]);
        var centre = await CentreAsync(request, cancellationToken);
        var (appointment, refused) = await AppointmentFromLinkAsync(request, lang, centre, cancellationToken);
        if (refused is not null) return refused;
        var token = request.Query[CallerResolver.TokenQuery].ToString();
        return await PageResponse.RenderAsync<ConfirmPage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = Frame(lang, centre, lang[Words.ConfirmCancelTitle], request),
            ["Summary"] = Summary(lang, centre, appointment!), ["Explanation"] = lang[Words.ConfirmCancelText],
            ["Form"] = new PostForm($"/api/pages/manage/cancel?token={Q(token)}", new Dictionary<string, string> { ["lang"] = lang.Code }, lang[Words.ConfirmCancelButton], "danger"),
            ["BackHref"] = ManageHref(token, lang), ["Back"] = lang[Words.KeepIt],
        }, carriesToken: true);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageManageAction")]
    [ApiOperation("Resident page: move, cancel or confirm (form post from the manage page).", Tag = "pages")]
    [ApiResponse(200, "The manage page with the outcome.", ContentType = "text/html")]
    [ApiResponse(400, "A form that could not be read.", ContentType = "text/html")]
    [ApiResponse(401, "The link is not valid or has expired.", ContentType = "text/html")]
    [ApiResponse(404, "Unknown action.", ContentType = "text/html")]
    [ApiResponse(409, "The manage page, saying why it could not be done.", ContentType = "text/html")]
    [ApiResponse(413, "The form is too large.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.", ContentType = "text/html")]
    public async Task<IActionResult> ManageAction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/manage/{action}")] HttpRequest request, string action, CancellationToken cancellationToken)
    {
        var (form, lang, centre, bad) = await ReadPostAsync(request, ct => CentreAsync(request, ct), cancellationToken);
        if (bad is not null) return bad;
        var (appointment, refused) = await AppointmentFromLinkAsync(request, lang, centre, cancellationToken);
        if (refused is not null) return refused;
        var caller = callers.Resolve(request).Caller!;
        Outcome<Appointment> result;
        Words done;
        switch (action)
        {
            case "reschedule":
                Outcomes.TryDate(form.GetValueOrDefault("date"), "date", out var date, out _);
                Outcomes.TryTime(form.GetValueOrDefault("start"), "start", out var start, out _);
                result = await reschedule.RescheduleAsync(RoleGate.Centre(request), appointment!.Id, date, start, caller, cancellationToken);
                done = Words.Moved;
                break;
            case "cancel":
                result = await status.ApplyAsync(RoleGate.Centre(request), appointment!.Id, AppointmentAction.Cancel, caller, cancellationToken);
                done = Words.Cancelled;
                break;
            case "confirm":
                result = await status.ApplyAsync(RoleGate.Centre(request), appointment!.Id, AppointmentAction.Confirm, caller, cancellationToken);
                done = Words.Confirmed;
                break;
            default:
                return await MessageAsync(request, lang, centre, lang[Words.NoSuchAction], 404);
        }
        var service = (appointment.IsBundle ? "bundle." : "item.") + appointment.BookableId;
        return result.Error is { } error
            ? await ManagePageAsync(request, lang, centre, appointment, Explain(lang, centre, error, service), null, Outcomes.StatusOf(error))
            : await ManagePageAsync(request, lang, centre, result.Value!, null, lang[done]);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageRate")]
    [ApiOperation("Resident page: rate a served appointment or a home visit (1 to 5, with an optional reason) from the link in the SMS.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(401, "The link is not valid or has expired.", ContentType = "text/html")]
    [ApiResponse(404, "The home visit is gone.", ContentType = "text/html")]
    public async Task<IActionResult> Rate([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/rate")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Lang.For(request.Query["lang"]);
        var centre = await CentreAsync(request, cancellationToken);
        if (VisitRatings.IsVisitLink(callers.Resolve(request).Caller, RoleGate.Centre(request)))
        {
            var (visit, refusedVisit) = await VisitFromLinkAsync(request, lang, centre, cancellationToken);
            return refusedVisit ?? await VisitRatePageAsync(request, lang, centre, visit!, null, 200);
        }
        var (appointment, refused) = await AppointmentFromLinkAsync(request, lang, centre, cancellationToken);
        if (refused is not null) return refused;
        return await RatePageAsync(request, lang, centre, appointment!, null, 200);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageRateSend")]
    [ApiOperation("Resident page: send a rating (form post from the rating page); a 1 or 2 opens a follow-up for dispatchers.", Tag = "pages")]
    [ApiResponse(200, "Thanks.", ContentType = "text/html")]
    [ApiResponse(400, "No score chosen, or a form that could not be read.", ContentType = "text/html")]
    [ApiResponse(401, "The link is not valid or has expired.", ContentType = "text/html")]
    [ApiResponse(409, "Rated already, or not served yet.", ContentType = "text/html")]
    [ApiResponse(413, "The form is too large.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.", ContentType = "text/html")]
    public async Task<IActionResult> RateSend([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/rate")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (form, lang, centre, bad) = await ReadPostAsync(request, ct => CentreAsync(request, ct), cancellationToken);
        if (bad is not null) return bad;
        if (VisitRatings.IsVisitLink(callers.Resolve(request).Caller, RoleGate.Centre(request))) return await RateVisitAsync(request, form, lang, centre, cancellationToken);
        var (appointment, refused) = await AppointmentFromLinkAsync(request, lang, centre, cancellationToken);
        if (refused is not null) return refused;
        var a = appointment!;
        if (a.Status != AppointmentStatus.Served) return await RatePageAsync(request, lang, centre, a, new PageError(lang[Words.RateNotYet], "score"), 409);
        if (!int.TryParse(form.GetValueOrDefault("score"), out var score) || score is < 1 or > 5)
            return await RatePageAsync(request, lang, centre, a, new PageError(lang[Words.RateChoose], "score"), 400);
        var reason = form.GetValueOrDefault("reason")?.Trim();
        var result = await ratings.RecordAsync(new Rating(RoleGate.Centre(request), $"appointment/{a.Id}", a.CategoryId, a.BookableId, score,
            string.IsNullOrEmpty(reason) ? null : reason[..Math.Min(200, reason.Length)], "web", clock.GetCurrentInstant()), cancellationToken);
        var message = result.Error is { Code: ErrorCodes.Duplicate } ? Words.RateAlready : Words.RateThanks;
        if (result.Error is { Code: not ErrorCodes.Duplicate } error) return await RatePageAsync(request, lang, centre, a, Explain(lang, centre, error, null), Outcomes.StatusOf(error));
        return await PageResponse.RenderAsync<MessagePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.RateTitle], CentreLinks.With($"/api/pages/book?lang={lang.Other.Code}", centre.Profile.Centre.Id)),
            ["Message"] = lang[message], ["IsError"] = false,
            ["Links"] = new List<Choice> { new(CentreLinks.With($"/api/pages/book?lang={lang.Code}", centre.Profile.Centre.Id), lang[Words.BookLink]) },
        }, result.Error is null ? 200 : 409, carriesToken: true);
    }

    /// <summary>A home visit's rating from its link: the same page and answers as an appointment's, recorded as the visit's.</summary>
    private async Task<IActionResult> RateVisitAsync(HttpRequest request, IReadOnlyDictionary<string, string> form, Lang lang, CentreSnapshot centre, CancellationToken cancellationToken)
    {
        var (visit, refused) = await VisitFromLinkAsync(request, lang, centre, cancellationToken);
        if (refused is not null) return refused;
        var v = visit!;
        if (!VisitRatings.IsRateable(v))
            return await VisitRatePageAsync(request, lang, centre, v, new PageError(lang[Words.VisitNotRateable], "score"), 409);
        if (!int.TryParse(form.GetValueOrDefault("score"), out var score) || score is < 1 or > 5)
            return await VisitRatePageAsync(request, lang, centre, v, new PageError(lang[Words.RateChoose], "score"), 400);
        var result = await visitRatings.RateAsync(v, score, form.GetValueOrDefault("reason"), cancellationToken);
        if (result.Error is { Code: not ErrorCodes.Duplicate } error) return await VisitRatePageAsync(request, lang, centre, v, Explain(lang, centre, error, null), Outcomes.StatusOf(error));
        return await PageResponse.RenderAsync<MessagePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.VisitRateTitle], CentreLinks.With($"/api/pages/book?lang={lang.Other.Code}", centre.Profile.Centre.Id)),
            ["Message"] = lang[result.Error is null ? Words.RateThanks : Words.RateAlready], ["IsError"] = false,
            ["Links"] = new List<Choice> { new(CentreLinks.With($"/api/pages/book?lang={lang.Code}", centre.Profile.Centre.Id), lang[Words.BookLink]) },
        }, result.Error is null ? 200 : 409, carriesToken: true);
    }

    private async Task<(RatedVisit? Visit, IActionResult? Refused)> VisitFromLinkAsync(HttpRequest request, Lang lang, CentreSnapshot centre, CancellationToken cancellationToken)
    {
        var (caller, problem) = callers.RequireResident(request, VisitRatings.Purpose);
        if (problem is not null || !VisitRatings.IsVisitLink(caller, RoleGate.Centre(request))) return (null, await MessageAsync(request, lang, centre, lang[Words.BadLink], 401));
        var visit = await visitRatings.FindAsync(((ResidentCaller)caller!).Token, cancellationToken);
        return visit is null ? (null, await MessageAsync(request, lang, centre, lang[Words.NotFoundVisit], 404)) : (visit, null);
    }

    private async Task<IActionResult> VisitRatePageAsync(HttpRequest request, Lang lang, CentreSnapshot centre, RatedVisit v, PageError? error, int status)
    {
        var token = request.Query[CallerResolver.TokenQuery].ToString();
        var r = v.Request;
        var service = centre.Profile.Items.FirstOrDefault(i => i.Id == r.ItemId) is { } item ? lang.Of(item.Name) : r.ItemId;
        var summary = new AppointmentSummary(service, v.Start is { } start ? lang.When(v.Date, start) : lang.Date(v.Date), lang[Words.AtYourHome], r.ResidentName,
            lang[r.Status == Scheduler.Core.HomeVisits.Requests.HomeVisitStatus.Approved ? Words.VisitArranged : Words.VisitNotMade], []);
        return await PageResponse.RenderAsync<RatePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.VisitRateTitle], $"/api/pages/rate?token={Q(token)}&lang={lang.Other.Code}"),
            ["Summary"] = summary, ["Action"] = $"/api/pages/rate?token={Q(token)}", ["Error"] = error, ["Question"] = Words.VisitRateQuestion,
        }, status, carriesToken: true);
    }

    private async Task<IActionResult> RatePageAsync(HttpRequest request, Lang lang, CentreSnapshot centre, Appointment a, PageError? error, int status)
    {
        var token = request.Query[CallerResolver.TokenQuery].ToString();
        return await PageResponse.RenderAsync<RatePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.RateTitle], $"/api/pages/rate?token={Q(token)}&lang={lang.Other.Code}"),
            ["Summary"] = Summary(lang, centre, a), ["Action"] = $"/api/pages/rate?token={Q(token)}", ["Error"] = error,
        }, status, carriesToken: true);
    }

    private async Task<IActionResult> ManagePageAsync(HttpRequest request, Lang lang, CentreSnapshot centre, Appointment a, PageError? error, string? done, int status = 200)
    {
        var token = request.Query[CallerResolver.TokenQuery].ToString();
        var service = (a.IsBundle ? "bundle." : "item.") + a.BookableId;
        return await PageResponse.RenderAsync<ManagePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.MyAppointment], $"/api/pages/manage?token={Q(token)}&lang={lang.Other.Code}"),
            ["Summary"] = Summary(lang, centre, a), ["Done"] = done, ["Error"] = error,
            ["Confirm"] = a.Status == AppointmentStatus.AwaitingConfirmation
                ? new PostForm($"/api/pages/manage/confirm?token={Q(token)}", new Dictionary<string, string> { ["lang"] = lang.Code }, lang[Words.ConfirmButton]) : null,
            ["MoveHref"] = a.IsActive ? CentreLinks.With($"/api/pages/book/slots?service={Q(service)}&token={Q(token)}&lang={lang.Code}", centre.Profile.Centre.Id) : null,
            ["CancelHref"] = a.IsActive ? $"/api/pages/manage/cancel?token={Q(token)}&lang={lang.Code}" : null,
        }, status, carriesToken: true);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Codes)]
    [Function("PageSendCode")]
    [ApiOperation("Resident page: send the verification code again to the mobile of the booking under way, and show the code screen.", Tag = "pages")]
    [ApiResponse(200, "The code screen, saying where the code went.", ContentType = "text/html")]
    [ApiResponse(400, "The details page again, saying what to correct; or a form that could not be read.", ContentType = "text/html")]
    [ApiResponse(413, "The form is too large.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.", ContentType = "text/html")]
    public async Task<IActionResult> SendCode([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/book/code")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (form, lang, centre, bad) = await ReadPostAsync(request, ct => CentreAsync(request, ct), cancellationToken);
        if (bad is not null) return bad;
        return await SendCodeAndAskAsync(request, lang, centre, form, cancellationToken);
    }

    /// <summary>Sends a code to the form's mobile and shows the code screen; a number that cannot take one goes back to the details.</summary>
    private Task<IActionResult> SendCodeAndAskAsync(HttpRequest request, Lang lang, CentreSnapshot centre, IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken) =>
        CodeStep.SendAsync(verification, request, lang, form, (error, sentTo, status) => VerifyPageAsync(request, lang, centre, form, error, sentTo, status),
            error => DetailsPageAsync(request, lang, centre, form, error), cancellationToken);

    private Task<IActionResult> VerifyPageAsync(HttpRequest request, Lang lang, CentreSnapshot centre, IReadOnlyDictionary<string, string> form, PageError? error,
        string? sentTo, int status)
    {
        var link = BookingLink(request).Link;
        var carried = string.Join("&", VerifyMobile.Carried.Where(form.ContainsKey).Select(k => $"{k}={Q(form[k])}")) + WithLink(link);
        return PageResponse.RenderAsync<VerifyMobile>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.VerifyTitle], CentreLinks.With($"/api/pages/book/details?{carried}&lang={lang.Other.Code}", centre.Profile.Centre.Id), ["verify.js"], Step: 4),
            ["Form"] = form, ["Error"] = error, ["SentTo"] = sentTo, ["EditHref"] = CentreLinks.With($"/api/pages/book/details?{carried}&lang={lang.Code}", centre.Profile.Centre.Id),
            ["ResendSeconds"] = sentTo is null ? 0 : CodeStep.ResendAfterSeconds, ["Link"] = link,
        }, status, carriesToken: link is not null);
    }

    private async Task<IActionResult> DetailsPageAsync(HttpRequest request, Lang lang, CentreSnapshot centre, IReadOnlyDictionary<string, string> form, Problem? error)
    {
        var service = form.GetValueOrDefault("service");
        var (itemId, bundleId) = ParseService(service);
        var bookable = Bookable.Find(centre.Profile, itemId, bundleId);
        if (bookable is null) return await MessageAsync(request, lang, centre, lang[Words.NoSuchService], 404);
        Outcomes.TryDate(form.GetValueOrDefault("date"), "date", out var date, out _);
        Outcomes.TryTime(form.GetValueOrDefault("start"), "start", out var start, out _);
        var link = BookingLink(request).Link;
        var switchUrl = CentreLinks.With($"/api/pages/book/details?service={Q(service)}&date={Q(form.GetValueOrDefault("date"))}&start={Q(form.GetValueOrDefault("start"))}&lang={lang.Other.Code}{WithLink(link)}", centre.Profile.Centre.Id);
        return await PageResponse.RenderAsync<Details>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.DetailsTitle], switchUrl, Step: 3),
            ["ServiceName"] = lang.Of(bookable.Name), ["WhenText"] = date is { } d && start is { } s ? lang.When(d, s) : "",
            ["Form"] = form, ["Error"] = error is null ? null : Explain(lang, centre, error, service, link),
            ["Nonce"] = form.GetValueOrDefault("nonce") is { Length: > 0 and <= 64 } n ? n : Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            ["BackHref"] = CentreLinks.With($"/api/pages/book/slots?service={Q(service)}&date={Q(form.GetValueOrDefault("date"))}&lang={lang.Code}{WithLink(link)}", centre.Profile.Centre.Id),
            ["Link"] = link,
        }, error is null ? 200 : Outcomes.StatusOf(error), carriesToken: link is not null);
    }

    /// <summary>
    /// The booking's idempotency key: the form's nonce and a hash of everything the resident typed or chose. A double
    /// tap or a resend of the same form books once; going back and changing the name (or anything else) is another
    /// booking, never a replay of the first.
    /// </summary>
    public static string RequestId(IReadOnlyDictionary<string, string> form)
    {
        var fields = string.Join("\u001f", new[] { "service", "date", "start", "name", "mobile", "priority", "for", "proxyName", "proxyRelationship", "consent" }
            .Select(k => (form.GetValueOrDefault(k) ?? "").Trim()));
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(fields)))[..24];
        var nonce = form.GetValueOrDefault("nonce") is { Length: > 0 and <= 64 } n ? n : Guid.NewGuid().ToString("N");
        return $"{nonce}-{hash}".ToLowerInvariant();
    }

    private AppointmentSummary Summary(Lang lang, CentreSnapshot centre, Appointment a)
    {
        var view = AppointmentView.Of(a, centre.Profile);
        return new AppointmentSummary(lang.Of(view.ServiceName), $"{lang.When(a.Date, a.Start)} – {lang.Time(a.End)}",
            $"{lang.Of(centre.Profile.Centre.Name)}, {centre.Profile.Centre.Address}", a.ResidentName, lang.Status(a.Status),
            view.Documents.Select(lang.Of).ToList());
    }

    /// <summary>What went wrong in the reader's language, naming the field; a Chinese page never shows the API's English.</summary>
    private static PageError Explain(Lang lang, CentreSnapshot centre, Problem error, string? service, string? link = null)
    {
        var alternatives = error.Alternatives?.Select(alt => new Choice(
            CentreLinks.With($"/api/pages/book/details?service={Q(service)}&date={alt.Date:yyyy-MM-dd}&start={alt.Start:HH:mm}&lang={lang.Code}{WithLink(link)}", centre.Profile.Centre.Id), lang.When(alt.Date, alt.Start))).ToList();
        var proxy = error.Field?.StartsWith("proxy.", StringComparison.Ordinal) == true;
        var message = error.Code switch
        {
            ErrorCodes.SlotFull => lang[Words.ProblemSlotFull],
            ErrorCodes.InvalidMobile => lang[Words.ProblemMobile],
            ErrorCodes.NameEmpty when proxy => lang[Words.ProblemProxyNameEmpty],
            ErrorCodes.NameTooLong when proxy => lang[Words.ProblemProxyNameTooLong],
            ErrorCodes.NameControlCharacters when proxy => lang[Words.ProblemProxyNameCharacters],
            ErrorCodes.NameEmpty => lang[Words.ProblemNameEmpty],
            ErrorCodes.NameTooLong => lang[Words.ProblemNameTooLong],
            ErrorCodes.NameControlCharacters => lang[Words.ProblemNameCharacters],
            ErrorCodes.InvalidRelationship => lang[Words.ProblemRelationship],
            ErrorCodes.ConsentMissing => lang[Words.ProblemConsent],
            ErrorCodes.TooManyActive => lang[Words.ProblemTooManyActive],
            ErrorCodes.Duplicate => lang[Words.ProblemDuplicate],
            ErrorCodes.GreenClaimPending => lang[Words.ProblemGreenPending],
            ErrorCodes.GreenClaimsRefused => lang[Words.ProblemGreenRefused],
            ErrorCodes.AfterCutoff => lang[Words.ProblemAfterCutoff],
            ErrorCodes.InThePast => lang[Words.ProblemInThePast],
            ErrorCodes.AlreadyStarted => lang[Words.ProblemStarted],
            ErrorCodes.Archived => lang[Words.ProblemArchived],
            ErrorCodes.OutsideOpeningHours or ErrorCodes.NotOnGrid or ErrorCodes.TooLateInSession =>
                lang[Words.ProblemOutsideHours],
            ErrorCodes.Closed or ErrorCodes.Holiday => lang[Words.ProblemClosed],
            ErrorCodes.BeyondHorizon => lang[Words.ProblemBeyondHorizon],
            ErrorCodes.NotActive => lang[Words.ProblemNotActive],
            ErrorCodes.VerificationRequired => lang[Words.ProblemVerify],
            ErrorCodes.WrongCode => lang[Words.ProblemWrongCode],
            ErrorCodes.CodeExpired => lang[Words.ProblemCodeExpired],
            ErrorCodes.CodeAttemptsExhausted => lang[Words.ProblemCodeAttempts],
            ErrorCodes.InvalidCode => lang[Words.ProblemInvalidCode],
            ErrorCodes.RateLimited => lang[Words.ProblemRateLimited],
            ErrorCodes.ConfirmationTooLate => lang[Words.ProblemTooLateToConfirm],
            _ => lang[Words.ProblemOther],
        };
        return new PageError(message, error.Field, alternatives);
    }

    private async Task<(Appointment? Appointment, IActionResult? Refused)> AppointmentFromLinkAsync(HttpRequest request, Lang lang, CentreSnapshot centre, CancellationToken cancellationToken)
    {
        var (caller, problem) = callers.RequireResident(request, ManageLinks.Purpose);
        if (problem is not null || caller is not ResidentCaller r || !r.Token.Subject.StartsWith("appointment/", StringComparison.Ordinal) || r.Token.CentreId != RoleGate.Centre(request))
            return (null, await MessageAsync(request, lang, centre, lang[Words.BadLink], 401));
        var found = await queries.GetAsync(RoleGate.Centre(request), r.Token.Subject["appointment/".Length..], cancellationToken);
        if (found.Error is not null) return (null, await MessageAsync(request, lang, centre, lang[Words.NotFoundAppointment], 404));
        // Long past and archived (ADR 0027): kept, but nothing more can be done with it; the page says so.
        if (found.Value!.Archived)
            return (null, await MessageAsync(request, lang, centre, string.Format(null, lang[Words.ArchivedAppointment], lang.When(found.Value.Appointment.Date, found.Value.Appointment.Start)), 410));
        return (found.Value.Appointment, null);
    }

    internal static Task<IActionResult> MessageAsync(HttpRequest request, Lang lang, CentreSnapshot centre, string message, int status) =>
        PageResponse.RenderAsync<MessagePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.CannotOpen], CentreLinks.With($"/api/pages/book?lang={lang.Other.Code}", centre.Profile.Centre.Id)),
            ["Message"] = message, ["Links"] = new List<Choice> { new(CentreLinks.With($"/api/pages/book?lang={lang.Code}", centre.Profile.Centre.Id), lang[Words.BookAgain]) },
        }, status, carriesToken: request.Query.ContainsKey(CallerResolver.TokenQuery));

    /// <summary>
    /// A page's form post read within <see cref="PageForm"/>'s limits, with the reader's language (the form's, else the
    /// query's) and the centre; <c>Bad</c> is the readable 400, 413 or 415 page when the form could not be read.
    /// </summary>
    internal static async Task<(IReadOnlyDictionary<string, string> Form, Lang Lang, CentreSnapshot Centre, IActionResult? Bad)> ReadPostAsync(HttpRequest request,
        Func<CancellationToken, Task<CentreSnapshot>> centreOf, CancellationToken cancellationToken)
    {
        var (form, fault) = await PageForm.ReadAsync(request, cancellationToken);
        var lang = Lang.For(form?.GetValueOrDefault("lang") ?? request.Query["lang"]);
        var centre = await centreOf(cancellationToken);
        return form is null ? (new Dictionary<string, string>(), lang, centre, await BadFormAsync(request, lang, centre, fault)) : (form, lang, centre, null);
    }

    /// <summary>A form post that could not be read: 415, 413 or 400, as a page a person can read.</summary>
    internal static Task<IActionResult> BadFormAsync(HttpRequest request, Lang lang, CentreSnapshot centre, FormFault fault) =>
        PageResponse.RenderAsync<MessagePage>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Frame(lang, centre.Profile, lang[Words.BadFormTitle], CentreLinks.With($"/api/pages/book?lang={lang.Other.Code}", centre.Profile.Centre.Id)),
            ["Message"] = lang[fault switch { FormFault.TooLarge => Words.TooLargeForm, FormFault.NotAForm => Words.NotAForm, _ => Words.BadForm }],
            ["Links"] = new List<Choice> { new(CentreLinks.With($"/api/pages/book?lang={lang.Code}", centre.Profile.Centre.Id), lang[Words.BookAgain]) },
        }, fault switch { FormFault.TooLarge => 413, FormFault.NotAForm => 415, _ => 400 }, carriesToken: request.Query.ContainsKey(CallerResolver.TokenQuery));

    /// <summary>
    /// The resident's booking link the request carries (<c>?token=</c> with purpose <c>book</c>), to carry on to the next
    /// step; <c>Bad</c> when a token is offered that is forged or expired. Any other token, or a signed-in member of
    /// staff, books as the public does: no link to carry.
    /// </summary>
    private (string? Link, bool Bad) BookingLink(HttpRequest request)
    {
        var token = request.Query[CallerResolver.TokenQuery].ToString();
        if (token.Length == 0) return (null, false);
        var (caller, problem) = callers.Resolve(request);
        if (problem is not null) return (null, true);
        return caller is ResidentCaller { Token.Purpose: PhoneVerification.BookLinkPurpose } ? (token, false) : (null, false);
    }

    private static string WithLink(string? link) => link is null ? "" : $"&{CallerResolver.TokenQuery}={Q(link)}";

    private static string ManageHref(string token, Lang lang) => $"/api/pages/manage?token={Q(token)}&lang={lang.Code}";

    private static Frame Frame(Lang lang, CentreSnapshot centre, string title, HttpRequest request, int? step = null, IReadOnlyList<string>? scripts = null) =>
        new(lang, centre.Profile, title, SwitchUrl(request, lang), scripts, Step: step);

    /// <summary>The same page in the other language.</summary>
    internal static string SwitchUrl(HttpRequest request, Lang lang)
    {
        var query = request.Query.Where(q => q.Key != "lang").Select(q => $"{Q(q.Key)}={Q(q.Value)}").Append($"lang={lang.Other.Code}");
        return $"{request.Path}?{string.Join("&", query)}";
    }

    private static (string? ItemId, string? BundleId) ParseService(string? service) => service switch
    {
        { } s when s.StartsWith("item.", StringComparison.Ordinal) => (s[5..], null),
        { } s when s.StartsWith("bundle.", StringComparison.Ordinal) => (null, s[7..]),
        _ => (null, null),
    };

    internal static string Q(string? value) => Uri.EscapeDataString(value ?? "");

    private async Task<CentreSnapshot> CentreAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await centres.GetAsync(RoleGate.Centre(request), cancellationToken) ?? throw new InvalidOperationException($"Centre '{RoleGate.Centre(request)}' has no profile.");
}
