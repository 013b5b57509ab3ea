using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Results;
using Scheduler.Core.Identity;
using static Scheduler.Functions.Pages.PageLayout;

namespace Scheduler.Functions.Pages;

/// <summary>
/// The resident's pages, served by the function app itself: choose a service, a day and a slot, give name and
/// mobile, see the confirmation; and from the SMS link, see, move or cancel the appointment. Plain HTML forms with no
/// script, so they work on any phone browser; every step is a link or one form.
/// </summary>
public sealed class ResidentPages(AvailabilityQuery availability, BookAppointment book, RescheduleAppointment reschedule, ChangeAppointmentStatus status,
    AppointmentQueries queries, ICentreDirectory centres, CallerResolver callers, PhoneVerification verification, IClock clock, IOptions<SchedulerOptions> options)
{
    private string CentreId => options.Value.CentreId;

    [Function("PageChooseService")]
    [ApiOperation("Resident page: choose a service.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    public async Task<IActionResult> ChooseService([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/book")] HttpRequest request, CancellationToken cancellationToken)
    {
        var text = PageText.For(request.Query["lang"]);
        var centre = await CentreAsync(cancellationToken);
        var body = new StringBuilder($"<p>{text.T("请选择要办理的事项。每一步只需点一下。", "Choose what you need to do. Each step takes one tap.")}</p>");
        foreach (var category in centre.Profile.Categories)
        {
            body.Append($"<h2>{H(text.Of(category.Name))}</h2><ul class=\"choices\">");
            foreach (var bundle in centre.Profile.Bundles.Where(b => Bookable.Find(centre.Profile, null, b.Id)!.CategoryId == category.Id))
                body.Append(Choice($"/api/pages/book/slots?service=bundle.{Q(bundle.Id)}&lang={text.Language}", text.Of(bundle.Name),
                    text.T("一件事一次办", "Several services in one visit")));
            foreach (var item in centre.Profile.Items.Where(i => i.CategoryId == category.Id))
                body.Append(Choice($"/api/pages/book/slots?service=item.{Q(item.Id)}&lang={text.Language}", text.Of(item.Name),
                    item.Immediate ? text.T("当场办结", "Done while you wait") : text.T($"承诺{item.PromisedWorkingDays}个工作日办结", $"Done within {item.PromisedWorkingDays} working days")));
            body.Append("</ul>");
        }
        return Page(text, text.T("预约办事", "Book a visit"), body.ToString(), text.Of(centre.Profile.Centre.Name), Switch(request, text));
    }

    [Function("PageChooseSlot")]
    [ApiOperation("Resident page: choose a day and a time (also used to move an appointment).", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(404, "Unknown service.", ContentType = "text/html")]
    public async Task<IActionResult> ChooseSlot([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/book/slots")] HttpRequest request, CancellationToken cancellationToken)
    {
        var text = PageText.For(request.Query["lang"]);
        var centre = await CentreAsync(cancellationToken);
        var token = request.Query[CallerResolver.TokenQuery].ToString();
        var (itemId, bundleId) = ParseService(request.Query["service"]);
        var bookable = Bookable.Find(centre.Profile, itemId, bundleId);
        if (bookable is null) return ErrorPage(text, centre, request, text.T("没有这个事项。", "There is no such service."), 404);
        var today = centre.Calendar.Today(clock.GetCurrentInstant());
        Outcomes.TryDate(request.Query["date"], "date", out var chosen, out _);
        var green = Enum.TryParse<PriorityReason>(request.Query["priority"], out _);
        var days = await availability.GetAsync(CentreId, null, itemId, bundleId, today, null, green, cancellationToken);
        var list = days.Value ?? [];
        var day = list.FirstOrDefault(d => d.Date == chosen) ?? list.FirstOrDefault();
        var keep = $"service={Q(request.Query["service"])}&lang={text.Language}" + (token.Length > 0 ? $"&token={Q(token)}" : "");

        var body = new StringBuilder($"<p><strong>{H(text.Of(bookable.Name))}</strong> · {text.T($"约{bookable.Minutes}分钟", $"about {bookable.Minutes} minutes")}</p>");
        if (day is null)
        {
            body.Append($"<p class=\"error\" role=\"alert\">{text.T("近期已约满。可申请中午、晚上或周末办理，请拨打中心电话。", "Fully booked for now. You can ask the centre for a lunchtime, evening or weekend time.")}</p>");
            return Page(text, text.T("选择时间", "Choose a time"), body.ToString(), text.Of(centre.Profile.Centre.Name), Switch(request, text));
        }
        body.Append($"<h2 id=\"days\">{text.T("选择日期", "Choose a day")}</h2><ul class=\"choices days\" aria-labelledby=\"days\">");
        foreach (var d in list)
        {
            var current = d.Date == day.Date ? " aria-current=\"date\"" : "";
            body.Append($"<li><a class=\"button{(d.Date == day.Date ? " primary" : "")}\"{current} href=\"/api/pages/book/slots?{keep}&date={d.Date:yyyy-MM-dd}\">{H(text.Date(d.Date))}" +
                        $"<small>{text.T($"{d.Slots.Count}个时段可约", $"{d.Slots.Count} times free")}</small></a></li>");
        }
        body.Append($"</ul><h2 id=\"times\">{H(text.Date(day.Date))}</h2><ul class=\"slots\" aria-labelledby=\"times\">");
        foreach (var s in day.Slots)
        {
            var target = token.Length > 0
                ? $"/api/pages/manage/move?{keep}&date={s.Date:yyyy-MM-dd}&start={s.Start:HH:mm}"
                : $"/api/pages/book/details?{keep}&date={s.Date:yyyy-MM-dd}&start={s.Start:HH:mm}";
            body.Append($"<li><a class=\"button\" href=\"{H(target)}\">{H(text.Time(s.Start))}</a></li>");
        }
        body.Append("</ul>");
        return Page(text, text.T("选择时间", "Choose a time"), body.ToString(), text.Of(centre.Profile.Centre.Name), Switch(request, text));
    }

    [Function("PageDetails")]
    [ApiOperation("Resident page: name and mobile for the chosen slot.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    public async Task<IActionResult> Details([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/book/details")] HttpRequest request, CancellationToken cancellationToken)
    {
        var text = PageText.For(request.Query["lang"]);
        var centre = await CentreAsync(cancellationToken);
        var form = new Dictionary<string, string>
        {
            ["service"] = request.Query["service"].ToString(), ["date"] = request.Query["date"].ToString(), ["start"] = request.Query["start"].ToString(),
        };
        return DetailsPage(text, centre, request, form, null, null);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Booking)]
    [Function("PageBook")]
    [ApiOperation("Resident page: book (form post from the details page).", Tag = "pages")]
    [ApiResponse(200, "Confirmation page.", ContentType = "text/html")]
    [ApiResponse(400, "The details page again, saying what to correct.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.")]
    public async Task<IActionResult> Book([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/book")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (read, bad) = await ReadFormAsync(request, cancellationToken);
        if (bad is not null) return bad;
        var form = read!;
        var text = PageText.For(form.GetValueOrDefault("lang"));
        var centre = await CentreAsync(cancellationToken);
        var (itemId, bundleId) = ParseService(form.GetValueOrDefault("service"));
        Outcomes.TryDate(form.GetValueOrDefault("date"), "date", out var date, out _);
        Outcomes.TryTime(form.GetValueOrDefault("start"), "start", out var start, out _);
        PriorityReason? priority = Enum.TryParse<PriorityReason>(form.GetValueOrDefault("priority"), out var p) ? p : null;
        ProxyInput? proxy = form.GetValueOrDefault("proxy") == "on"
            ? new ProxyInput(form.GetValueOrDefault("proxyName"), form.GetValueOrDefault("proxyRelationship"), form.GetValueOrDefault("consent") == "on")
            : null;
        var result = await book.BookAsync(CentreId, new BookCommand(itemId, bundleId, date, start, form.GetValueOrDefault("name"), form.GetValueOrDefault("mobile"),
            priority, proxy, text.Language, form.GetValueOrDefault("requestId"), form.GetValueOrDefault("verificationCode"), MobileProofTransport.Read(request)),
            AnonymousCaller.Instance, cancellationToken);
        if (result.Error is { } error) return DetailsPage(text, centre, request, form, error, null);
        MobileProofTransport.Write(request.HttpContext.Response, result.Value!.NewProof, clock.GetCurrentInstant());

        var a = result.Value!.Appointment;
        var link = $"/api/pages/manage?token={Q(result.Value.ManageToken)}&lang={text.Language}";
        var body = new StringBuilder($"<p class=\"ok\" role=\"status\">{text.T("预约成功。我们会发短信提醒您。", "You are booked. We will remind you by SMS.")}</p>");
        body.Append(Summary(text, centre, a));
        body.Append($"<p><a class=\"button primary\" href=\"{H(link)}\">{text.T("查看、改期或取消", "See, move or cancel")}</a></p>");
        return Page(text, text.T("预约成功", "Booked"), body.ToString(), text.Of(centre.Profile.Centre.Name), Switch(request, text, link));
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Codes)]
    [Function("PageSendCode")]
    [ApiOperation("Resident page: send a verification code to the mobile typed on the details page, and show the page again.", Tag = "pages")]
    [ApiResponse(200, "The details page, saying the code is on its way.", ContentType = "text/html")]
    [ApiResponse(400, "The details page again, saying what to correct.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.")]
    public async Task<IActionResult> SendCode([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/book/code")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (read, bad) = await ReadFormAsync(request, cancellationToken);
        if (bad is not null) return bad;
        var form = read!;
        var text = PageText.For(form.GetValueOrDefault("lang"));
        var centre = await CentreAsync(cancellationToken);
        var sent = await verification.SendCodeAsync(CentreId, form.GetValueOrDefault("mobile"), text.Language, cancellationToken);
        return sent.Error is { } error
            ? DetailsPage(text, centre, request, form, error, null)
            : DetailsPage(text, centre, request, form, null, text.T($"验证码已发送到{sent.Value!.MobileMasked}，请填写后确认预约。", $"A code was sent to {sent.Value!.MobileMasked}; enter it and book."));
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageManage")]
    [ApiOperation("Resident page: the appointment from the SMS link, with move and cancel.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(401, "The link is not valid or has expired.", ContentType = "text/html")]
    public async Task<IActionResult> Manage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/manage")] HttpRequest request, CancellationToken cancellationToken)
    {
        var text = PageText.For(request.Query["lang"]);
        var centre = await CentreAsync(cancellationToken);
        var (appointment, refused) = await AppointmentFromLinkAsync(request, text, centre, cancellationToken);
        if (refused is not null) return refused;
        return ManagePage(text, centre, request, appointment!, null, null);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageMove")]
    [ApiOperation("Resident page: confirm moving the appointment to the chosen slot.", Tag = "pages")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(401, "The link is not valid or has expired.", ContentType = "text/html")]
    public async Task<IActionResult> Move([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/manage/move")] HttpRequest request, CancellationToken cancellationToken)
    {
        var text = PageText.For(request.Query["lang"]);
        var centre = await CentreAsync(cancellationToken);
        var (appointment, refused) = await AppointmentFromLinkAsync(request, text, centre, cancellationToken);
        if (refused is not null) return refused;
        Outcomes.TryDate(request.Query["date"], "date", out var date, out _);
        Outcomes.TryTime(request.Query["start"], "start", out var start, out _);
        if (date is null || start is null) return ManagePage(text, centre, request, appointment!, text.T("请选择新的时间。", "Choose the new time."), null);
        var token = request.Query[CallerResolver.TokenQuery].ToString();
        var body = $"""
            <p>{text.T("从", "From")} <strong>{H(text.When(appointment!.Date, appointment.Start))}</strong></p>
            <p>{text.T("改到", "to")} <strong>{H(text.When(date.Value, start.Value))}</strong></p>
            <form method="post" action="/api/pages/manage/reschedule?token={H(Q(token))}">
            <input type="hidden" name="lang" value="{text.Language}"><input type="hidden" name="date" value="{date:yyyy-MM-dd}"><input type="hidden" name="start" value="{start:HH:mm}">
            <button class="primary" type="submit">{text.T("确认改期", "Move my appointment")}</button></form>
            <p><a href="/api/pages/manage?token={H(Q(token))}&amp;lang={text.Language}">{text.T("不改了，返回", "Keep it as it is")}</a></p>
            """;
        return Page(text, text.T("确认改期", "Move the appointment"), body, text.Of(centre.Profile.Centre.Name), Switch(request, text));
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageManageAction")]
    [ApiOperation("Resident page: move, cancel or confirm (form post from the manage page).", Tag = "pages")]
    [ApiResponse(200, "The manage page with the outcome.", ContentType = "text/html")]
    [ApiResponse(401, "The link is not valid or has expired.", ContentType = "text/html")]
    [ApiResponse(404, "Unknown action.", ContentType = "text/html")]
    [ApiResponse(409, "The manage page, saying why it could not be done.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.")]
    public async Task<IActionResult> ManageAction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/manage/{action}")] HttpRequest request, string action, CancellationToken cancellationToken)
    {
        var (read, bad) = await ReadFormAsync(request, cancellationToken);
        if (bad is not null) return bad;
        var form = read!;
        var text = PageText.For(form.GetValueOrDefault("lang"));
        var centre = await CentreAsync(cancellationToken);
        var (appointment, refused) = await AppointmentFromLinkAsync(request, text, centre, cancellationToken);
        if (refused is not null) return refused;
        var caller = callers.Resolve(request).Caller!;
        Outcome<Appointment> result;
        string done;
        switch (action)
        {
            case "reschedule":
                Outcomes.TryDate(form.GetValueOrDefault("date"), "date", out var date, out _);
                Outcomes.TryTime(form.GetValueOrDefault("start"), "start", out var start, out _);
                result = await reschedule.RescheduleAsync(CentreId, appointment!.Id, date, start, caller, cancellationToken);
                done = text.T("已改期。", "Your appointment has been moved.");
                break;
            case "cancel":
                result = await status.ApplyAsync(CentreId, appointment!.Id, AppointmentAction.Cancel, caller, cancellationToken);
                done = text.T("已取消。欢迎再次预约。", "Cancelled. You are welcome to book again.");
                break;
            case "confirm":
                result = await status.ApplyAsync(CentreId, appointment!.Id, AppointmentAction.Confirm, caller, cancellationToken);
                done = text.T("已确认，请按时到场。", "Confirmed. Please come on time.");
                break;
            default:
                return ErrorPage(text, centre, request, text.T("没有这个操作。", "There is no such action."), 404);
        }
        return result.Error is { } error
            ? ManagePage(text, centre, request, appointment, Explain(text, error), error.Alternatives, Outcomes.StatusOf(error))
            : ManagePage(text, centre, request, result.Value!, null, null, 200, done);
    }

    private IActionResult ManagePage(PageText text, CentreSnapshot centre, HttpRequest request, Appointment a, string? problem,
        IReadOnlyList<SlotOffer>? alternatives, int status = 200, string? done = null)
    {
        var token = request.Query[CallerResolver.TokenQuery].ToString();
        var body = new StringBuilder();
        if (done is not null) body.Append($"<p class=\"ok\" role=\"status\">{H(done)}</p>");
        if (problem is not null) body.Append($"<div class=\"error\" role=\"alert\"><p>{H(problem)}</p></div>");
        body.Append(Summary(text, centre, a));
        var action = $"/api/pages/manage/{{0}}?token={H(Q(token))}";
        if (a.Status == AppointmentStatus.AwaitingConfirmation)
            body.Append($"<form method=\"post\" action=\"{string.Format(action, "confirm")}\"><input type=\"hidden\" name=\"lang\" value=\"{text.Language}\">" +
                        $"<p>{text.T("您之前有未到的预约，请确认会按时到场，否则预约将失效。", "You missed earlier appointments: please confirm you will come, or this one lapses.")}</p>" +
                        $"<button class=\"primary\" type=\"submit\">{text.T("我会按时到场", "I will come")}</button></form>");
        if (a.IsActive)
        {
            var service = (a.IsBundle ? "bundle." : "item.") + a.BookableId;
            body.Append($"<h2>{text.T("需要改变？", "Need a change?")}</h2>");
            body.Append($"<p><a class=\"button\" href=\"/api/pages/book/slots?service={H(Q(service))}&amp;token={H(Q(token))}&amp;lang={text.Language}\">{text.T("改到其他时间", "Move to another time")}</a></p>");
            body.Append($"<form method=\"post\" action=\"{string.Format(action, "cancel")}\"><input type=\"hidden\" name=\"lang\" value=\"{text.Language}\">" +
                        $"<button class=\"danger\" type=\"submit\">{text.T("取消预约", "Cancel the appointment")}</button></form>");
        }
        return Page(text, text.T("我的预约", "My appointment"), body.ToString(), text.Of(centre.Profile.Centre.Name), Switch(request, text), status);
    }

    private IActionResult DetailsPage(PageText text, CentreSnapshot centre, HttpRequest request, IReadOnlyDictionary<string, string> form, Problem? error, string? note)
    {
        var (itemId, bundleId) = ParseService(form.GetValueOrDefault("service"));
        var bookable = Bookable.Find(centre.Profile, itemId, bundleId);
        if (bookable is null) return ErrorPage(text, centre, request, text.T("没有这个事项。", "There is no such service."), 404);
        Outcomes.TryDate(form.GetValueOrDefault("date"), "date", out var date, out _);
        Outcomes.TryTime(form.GetValueOrDefault("start"), "start", out var start, out _);
        string V(string key) => H(form.GetValueOrDefault(key));
        string Invalid(string field) => error?.Field == field ? " aria-invalid=\"true\" aria-describedby=\"problem\"" : "";
        var body = new StringBuilder();
        if (error is not null)
        {
            body.Append($"<div class=\"error\" role=\"alert\" id=\"problem\"><p>{H(Explain(text, error))}</p>");
            if (error.Alternatives is { Count: > 0 } alternatives)
            {
                body.Append($"<p>{text.T("可选的相近时间：", "Nearest free times:")}</p><ul class=\"choices\">");
                foreach (var alt in alternatives)
                    body.Append($"<li><a class=\"button\" href=\"/api/pages/book/details?service={H(Q(form.GetValueOrDefault("service")))}&amp;date={alt.Date:yyyy-MM-dd}&amp;start={alt.Start:HH:mm}&amp;lang={text.Language}\">{H(text.When(alt.Date, alt.Start))}</a></li>");
                body.Append("</ul>");
            }
            body.Append("</div>");
        }
        if (note is not null) body.Append($"<p class=\"ok\" role=\"status\">{H(note)}</p>");
        body.Append($"<p><strong>{H(text.Of(bookable.Name))}</strong><br>{(date is { } d && start is { } s ? H(text.When(d, s)) : "")}</p>");
        var priorities = string.Join("", Enum.GetValues<PriorityReason>().Select(p =>
            $"<option value=\"{p}\"{(form.GetValueOrDefault("priority") == p.ToString() ? " selected" : "")}>{H(text.Priority(p))}</option>"));
        body.Append($"""
            <form method="post" action="/api/pages/book">
            <input type="hidden" name="service" value="{V("service")}"><input type="hidden" name="date" value="{V("date")}"><input type="hidden" name="start" value="{V("start")}">
            <input type="hidden" name="lang" value="{text.Language}"><input type="hidden" name="requestId" value="{H(form.GetValueOrDefault("requestId") ?? Guid.NewGuid().ToString("N"))}">
            <label for="name">{text.T("办事人姓名", "Name of the person the appointment is for")}</label>
            <input id="name" name="name" type="text" autocomplete="name" maxlength="50" required value="{V("name")}"{Invalid("name")}>
            <label for="mobile">{text.T("手机号码（接收短信）", "Mobile number (for the SMS)")}</label>
            <input id="mobile" name="mobile" type="tel" autocomplete="tel" inputmode="tel" required value="{V("mobile")}"{Invalid("mobile")}>
            <button type="submit" formaction="/api/pages/book/code">{text.T("获取验证码", "Send me a code")}</button>
            <label for="verificationCode">{text.T("短信验证码（本机已验证过的号码可不填）", "Code from the SMS (not needed for a number this phone verified before)")}</label>
            <input id="verificationCode" name="verificationCode" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" value=""{Invalid("verificationCode")}>
            <label for="priority">{text.T("绿色通道（可不选）", "Priority service (optional)")}</label>
            <select id="priority" name="priority"><option value="">{text.T("不需要", "Not needed")}</option>{priorities}</select>
            <fieldset><legend>{text.T("替他人预约", "Booking for someone else")}</legend>
            <p class="check"><input id="proxy" name="proxy" type="checkbox"{(form.GetValueOrDefault("proxy") == "on" ? " checked" : "")}> <label for="proxy">{text.T("我是家属或社区工作人员，代为预约", "I am a family member or community worker booking for them")}</label></p>
            <label for="proxyName">{text.T("代办人姓名", "Your name")}</label>
            <input id="proxyName" name="proxyName" type="text" maxlength="50" value="{V("proxyName")}"{Invalid("proxy.name")}>
            <label for="proxyRelationship">{text.T("与办事人的关系", "How you are related")}</label>
            <input id="proxyRelationship" name="proxyRelationship" type="text" maxlength="30" value="{V("proxyRelationship")}"{Invalid("proxy.relationship")}>
            <p class="check"><input id="consent" name="consent" type="checkbox"{(form.GetValueOrDefault("consent") == "on" ? " checked" : "")}> <label for="consent">{text.T("办事人已同意由我代为预约", "The person agrees that I book for them")}</label></p>
            </fieldset>
            <button class="primary" type="submit">{text.T("确认预约", "Book")}</button>
            </form>
            """);
        return Page(text, text.T("填写信息", "Your details"), body.ToString(), text.Of(centre.Profile.Centre.Name), Switch(request, text), error is null ? 200 : Outcomes.StatusOf(error));
    }

    private string Summary(PageText text, CentreSnapshot centre, Appointment a)
    {
        var view = AppointmentView.Of(a, centre.Profile);
        var documents = view.Documents.Count == 0 ? "" :
            $"<dt>{text.T("请带上", "Please bring")}</dt><dd><ul>{string.Join("", view.Documents.Select(d => $"<li>{H(text.Of(d))}</li>"))}</ul></dd>";
        return $"""
            <dl>
            <dt>{text.T("事项", "Service")}</dt><dd>{H(text.Of(view.ServiceName))}</dd>
            <dt>{text.T("时间", "When")}</dt><dd>{H(text.When(a.Date, a.Start))} – {H(text.Time(a.End))}</dd>
            <dt>{text.T("地点", "Where")}</dt><dd>{H(text.Of(centre.Profile.Centre.Name))}，{H(centre.Profile.Centre.Address)}</dd>
            <dt>{text.T("办事人", "For")}</dt><dd>{H(a.ResidentName)}</dd>
            <dt>{text.T("状态", "Status")}</dt><dd>{H(text.Status(a.Status))}</dd>
            {documents}
            </dl>
            """;
    }

    private static string Explain(PageText text, Problem error) => error.Code switch
    {
        ErrorCodes.SlotFull => text.T("这个时间已约满，请选择其他时间。", "That time is fully booked; please choose another."),
        ErrorCodes.InvalidMobile => text.T("手机号码不正确，请检查。", "The mobile number is not right; please check it."),
        ErrorCodes.NameEmpty => text.T("请填写姓名。", "Please enter the name."),
        ErrorCodes.NameTooLong => text.T("姓名太长（最多50个字）。", "The name is too long (50 characters at most)."),
        ErrorCodes.NameControlCharacters => text.T("姓名中有无法识别的字符。", "The name contains characters that cannot be used."),
        ErrorCodes.TooManyActive => text.T("这个手机号的预约已达上限，请先取消一个。", "This mobile number has as many appointments as allowed; cancel one first."),
        ErrorCodes.Duplicate => text.T("当天已预约过这个事项。", "There is already an appointment for this service that day."),
        ErrorCodes.AfterCutoff => text.T("这个时间已停止预约。", "Booking for that time has closed."),
        ErrorCodes.InThePast => text.T("这个时间已经过去。", "That time has passed."),
        ErrorCodes.AlreadyStarted => text.T("预约已开始，无法更改。", "The appointment has started and cannot be changed."),
        ErrorCodes.VerificationRequired => text.T("请先获取并填写短信验证码。", "Please ask for a code and enter it."),
        ErrorCodes.WrongCode => text.T("验证码不正确，请重新填写。", "The code is not right; please enter it again."),
        ErrorCodes.CodeExpired => text.T("验证码已过期，请重新获取。", "The code has expired; ask for a new one."),
        ErrorCodes.CodeAttemptsExhausted => text.T("验证码错误次数过多，请重新获取。", "Too many wrong codes; ask for a new one."),
        ErrorCodes.InvalidCode => text.T("验证码是短信中的6位数字。", "The code is the 6 digits in the SMS."),
        ErrorCodes.RateLimited => text.T("操作太频繁，请稍后再试。", "Too many attempts; please try again later."),
        ErrorCodes.ConsentMissing => text.T("代为预约须经办事人同意，请勾选。", "Booking for someone needs their agreement: please tick the box."),
        _ => text.English ? error.Message : text.T("无法完成，请检查后重试。", "") + " " + error.Message,
    };

    private async Task<(Appointment? Appointment, IActionResult? Refused)> AppointmentFromLinkAsync(HttpRequest request, PageText text, CentreSnapshot centre, CancellationToken cancellationToken)
    {
        var (caller, problem) = callers.RequireResident(request, ManageLinks.Purpose);
        if (problem is not null || caller is not ResidentCaller r || !r.Token.Subject.StartsWith("appointment/", StringComparison.Ordinal) || r.Token.CentreId != CentreId)
            return (null, ErrorPage(text, centre, request, text.T("链接无效或已过期。请使用短信中的最新链接，或致电中心。", "This link is not valid or has expired. Use the latest SMS, or call the centre."), 401));
        var found = await queries.GetAsync(CentreId, r.Token.Subject["appointment/".Length..], cancellationToken);
        return found.Error is null ? (found.Value!.Appointment, null) : (null, ErrorPage(text, centre, request, text.T("找不到这个预约。", "This appointment cannot be found."), 404));
    }

    private static IActionResult ErrorPage(PageText text, CentreSnapshot centre, HttpRequest request, string message, int status) =>
        Page(text, text.T("无法打开", "Cannot open this"), $"<p class=\"error\" role=\"alert\">{H(message)}</p><p><a href=\"/api/pages/book?lang={text.Language}\">{text.T("重新预约", "Book a visit")}</a></p>",
            text.Of(centre.Profile.Centre.Name), Switch(request, text), status);

    private static string Choice(string href, string title, string hint) =>
        $"<li><a class=\"button\" href=\"{H(href)}\">{H(title)}<small>{H(hint)}</small></a></li>";

    private static (string? ItemId, string? BundleId) ParseService(string? service) => service switch
    {
        { } s when s.StartsWith("item.", StringComparison.Ordinal) => (s[5..], null),
        { } s when s.StartsWith("bundle.", StringComparison.Ordinal) => (null, s[7..]),
        _ => (null, null),
    };

    private static string Switch(HttpRequest request, PageText text, string? path = null)
    {
        var other = text.English ? "zh" : "en";
        if (path is not null) return path.Replace($"lang={text.Language}", $"lang={other}");
        var query = request.Query.Where(q => q.Key != "lang").Select(q => $"{Q(q.Key)}={Q(q.Value)}").Append($"lang={other}");
        return request.Method == "GET" ? $"{request.Path}?{string.Join("&", query)}" : $"/api/pages/book?lang={other}";
    }

    private async Task<CentreSnapshot> CentreAsync(CancellationToken cancellationToken) =>
        await centres.GetAsync(CentreId, cancellationToken) ?? throw new InvalidOperationException($"Centre '{CentreId}' has no profile.");

    private static async Task<(Dictionary<string, string>? Form, IActionResult? Problem)> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
            return (null, Problems.Of(415, "Unsupported media type.", "Pages take application/x-www-form-urlencoded forms.", new Dictionary<string, object?> { ["field"] = "Content-Type" }));
        if (request.ContentLength > RequestBody.MaxBytes)
            return (null, Problems.Of(413, "The request body is too large.", $"The form must be at most {RequestBody.MaxBytes} bytes.", new Dictionary<string, object?> { ["field"] = "$" }));
        var form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = RequestBody.MaxBytes, ValueCountLimit = 50 }, cancellationToken);
        return (form.ToDictionary(f => f.Key, f => f.Value.ToString()), null);
    }
}
