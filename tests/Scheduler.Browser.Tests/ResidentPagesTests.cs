using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Scheduler.Core.Notifications;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>
/// A resident books, moves and cancels through the pages in a real browser against the dev host, on a 320 px wide
/// phone; every page passes axe-core's WCAG 2.2 A and AA rules at 320, 640 and 1,280 px in both languages without
/// sideways scrolling. The clock stands at Friday 2026-11-27 09:00 in Xiamen.
/// </summary>
public sealed class ResidentPagesTests(DemoHostFixture demo, BrowserFixture browser)
    : DemoCentrePageTest(demo, browser, 320, 640, "zh-CN"), IClassFixture<DemoHostFixture>
{
    private static Regex Starts(string text) => new("^" + Regex.Escape(text));

    [Fact]
    public async Task A_resident_finds_the_service_by_pinyin_books_moves_and_cancels_on_a_small_phone()
    {
        await Page.GotoAsync("/api/pages/book");
        await AssertGoodAsync("choose a service");
        await Page.GetByLabel("查找事项", new() { Exact = false }).FillAsync("ylj");
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("养老金资格认证") }).First).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("企业设立登记") })).ToBeHiddenAsync();
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("养老金资格认证") }).First.ClickAsync();

        await AssertGoodAsync("choose a day");
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("11月30日 星期一") }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "上午" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("上午9:00") })).ToContainTextAsync("名额");
        await AssertGoodAsync("choose a time");
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("上午9:00") }).ClickAsync();

        await AssertGoodAsync("details");
        await Page.GetByLabel("办事人姓名").FillAsync("<script>alert(1)</script>张秀英");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync("13912340001");
        await Page.GetByLabel("60岁以上老人").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();
        await AssertGoodAsync("the code screen");
        await EnterCodeAsync("13912340001");

        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("预约成功");
        await Assertions.Expect(Page.Locator("dl.summary")).ToContainTextAsync("11月30日 星期一 上午9:00");
        await Assertions.Expect(Page.Locator("dl.summary")).ToContainTextAsync("<script>alert(1)</script>张秀英");
        await Assertions.Expect(Page.Locator("footer")).ToContainTextAsync("湖里大道");
        await AssertGoodAsync("booked");

        await Page.GetByRole(AriaRole.Link, new() { Name = "查看、改期或取消" }).ClickAsync();
        await AssertGoodAsync("manage");
        await Page.GetByRole(AriaRole.Link, new() { Name = "改到其他时间" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("12月1日 星期二") }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("下午2:30") }).ClickAsync();
        await AssertGoodAsync("confirm the move");
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认改期" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("已改期");
        await Assertions.Expect(Page.Locator("dl.summary")).ToContainTextAsync("12月1日 星期二 下午2:30");

        // Cancelling asks once more; "no" keeps the appointment.
        await Page.GetByRole(AriaRole.Link, new() { Name = "取消预约" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "确定要取消吗？" })).ToBeVisibleAsync();
        await AssertGoodAsync("confirm the cancellation");
        await Page.GetByRole(AriaRole.Link, new() { Name = "不取消，返回" }).ClickAsync();
        await Assertions.Expect(Page.Locator("dl.summary")).ToContainTextAsync("已预约");
        await Page.GetByRole(AriaRole.Link, new() { Name = "取消预约" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "是的，取消预约" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("已取消");
        await Assertions.Expect(Page.Locator("dl.summary")).ToContainTextAsync("已取消");
        await AssertGoodAsync("cancelled");
        Assert.Equal(0, await Page.GetByRole(AriaRole.Link, new() { Name = "取消预约" }).CountAsync());
    }

    [Fact]
    public async Task Nine_taps_with_the_code_book_an_appointment_at_320_px_and_the_next_action_is_never_more_than_a_screen_away()
    {
        var taps = 0;
        var height = Page.ViewportSize!.Height;
        async Task TapAsync(ILocator target, string what)
        {
            var box = await target.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.Y + box.Height <= 2 * height, $"{what} is {box.Y:F0} px down, more than one screen ({height} px) away");
            await target.ClickAsync();
            taps++;
        }

        await Page.GotoAsync("/api/pages/book");
        await TapAsync(Page.GetByLabel("查找事项", new() { Exact = false }), "the search box");
        await Page.Keyboard.TypeAsync("gljt");
        await TapAsync(Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("高龄津贴申领") }).First, "the service");
        await TapAsync(Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("11月30日 星期一") }), "the day");
        await TapAsync(Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("上午10:00") }), "the time");
        await TapAsync(Page.GetByLabel("办事人姓名"), "the name");
        await Page.Keyboard.TypeAsync("陈桂兰");
        await TapAsync(Page.GetByLabel("手机号码（接收短信）"), "the mobile");
        await Page.Keyboard.TypeAsync("13912340077");
        await TapAsync(Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }), "the book button");
        await EnterCodeAsync("13912340077", TapAsync);
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("预约成功");
        Assert.Equal(9, taps);
    }

    [Fact]
    public async Task Going_back_and_changing_only_the_name_books_for_the_new_name()
    {
        await Page.GotoAsync("/api/pages/book/details?service=item.medical-reimbursement&date=2026-12-08&start=14:00");
        await Page.GetByLabel("办事人姓名").FillAsync("王建国");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync("13912340101");
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();
        await EnterCodeAsync("13912340101");
        await Assertions.Expect(Page.Locator("dl.summary")).ToContainTextAsync("王建国");

        // Back past the code screen to the details page as it was (same form, same nonce); this phone has verified
        // the number, so the second booking needs no code.
        for (var back = 0; back < 3 && !await Page.GetByLabel("办事人姓名").IsVisibleAsync(); back++) await Page.GoBackAsync();
        await Page.GetByLabel("办事人姓名").FillAsync("王建华");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync("13912340101");
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();
        await Assertions.Expect(Page.Locator("dl.summary")).ToContainTextAsync("王建华");
        await Assertions.Expect(Page.Locator("dl.summary")).Not.ToContainTextAsync("王建国");
    }

    [Fact]
    public async Task Booking_for_someone_else_is_one_choice_and_an_error_names_the_helpers_field()
    {
        await Page.GotoAsync("/api/pages/book/details?service=item.elderly-allowance&date=2026-11-30&start=15:00");
        await Assertions.Expect(Page.GetByLabel("您（代办人）的姓名")).ToBeHiddenAsync();
        await Page.GetByLabel("替家人或社区居民预约").CheckAsync();
        await Assertions.Expect(Page.GetByLabel("您（代办人）的姓名")).ToBeVisibleAsync();
        await Page.GetByLabel("办事人姓名").FillAsync("林秀珍");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync("13912340102");
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("代办人");
        await Assertions.Expect(Page.GetByLabel("您（代办人）的姓名")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(Page.GetByLabel("办事人姓名")).ToHaveValueAsync("林秀珍");
        Assert.DoesNotMatch("[A-Za-z]{4,}", await Page.Locator("main").InnerTextAsync());
        await AssertGoodAsync("details with the helper's error");
    }

    /// <summary>The newest verification code in the local inbox of an 11-digit mobile, and how many codes it holds.</summary>
    private async Task<(string? Newest, int Count)> CodesAsync(string mobile)
    {
        var inbox = await Host.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/local/sms?to=%2B86{mobile}", TestContext.Current.CancellationToken);
        var codes = inbox.EnumerateArray().Where(m => m.GetProperty("kind").GetString() == "verification-code")
            .Select(m => Regex.Match(m.GetProperty("text").GetString()!, "(?<![0-9])[0-9]{6}(?![0-9])").Value).ToList();
        return (codes.FirstOrDefault(), codes.Count);
    }

    [Fact]
    public async Task The_code_screen_has_one_large_field_and_offers_a_new_code_after_a_minute_which_arrives_and_books()
    {
        const string mobile = "13912340202";
        await Page.GotoAsync("/api/pages/book/details?service=item.medical-reimbursement&date=2026-12-09&start=10:30");
        await Page.GetByLabel("办事人姓名").FillAsync("郑美玲");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync(mobile);
        // From here the page's clock stands still and moves only by the test's jumps: on a loaded machine the checks
        // between them take seconds of real time. It is set well ahead of where it stands, so pausing never has to go
        // back (it runs again for the accessibility check, whose script needs timers).
        var start = new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);
        await Page.Clock.InstallAsync(new() { TimeDate = start.UtcDateTime });
        await Page.Clock.PauseAtAsync(start.AddMinutes(10).UtcDateTime);
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "输入短信验证码" })).ToBeVisibleAsync();

        // One large field for the digits: the number pad, the code offered from the SMS, digits at least 1.5 times the text.
        var field = Page.GetByLabel("短信验证码（6位数字）");
        await Assertions.Expect(field).ToHaveAttributeAsync("inputmode", "numeric");
        await Assertions.Expect(field).ToHaveAttributeAsync("autocomplete", "one-time-code");
        var digits = await field.EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");
        var text = await Page.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.querySelector('main p.hint')).fontSize)");
        Assert.True(digits >= 1.5 * text, $"the code's digits are {digits} px against {text} px of text");

        // The resend waits a minute, saying so in words; then it sends a new code, which books.
        var resend = Page.GetByRole(AriaRole.Button, new() { Name = "没收到？重新发送验证码" });
        var wait = Page.Locator("#resend-wait");
        await Assertions.Expect(resend).ToBeDisabledAsync();
        await Assertions.Expect(wait).ToHaveTextAsync("如果没收到短信，60秒后可以重新发送验证码。");
        var (firstCode, sent) = await CodesAsync(mobile);
        Assert.Equal(1, sent);
        await Page.Clock.FastForwardAsync("00:35");
        await Assertions.Expect(wait).ToHaveTextAsync("如果没收到短信，30秒后可以重新发送验证码。");
        await Assertions.Expect(resend).ToBeDisabledAsync();
        await Page.Clock.FastForwardAsync("00:30");
        await Assertions.Expect(resend).ToBeEnabledAsync();
        await Assertions.Expect(wait).ToHaveTextAsync("现在可以重新发送验证码了。");
        await resend.ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status).First).ToContainTextAsync("验证码已发送到");
        await Assertions.Expect(Page.GetByRole(AriaRole.Button, new() { Name = "没收到？重新发送验证码" })).ToBeDisabledAsync();
        await Page.Clock.ResumeAsync();
        await AssertGoodAsync("the code screen while the resend waits");
        // The new code is the one that books (the clock stands still, so the inbox cannot order the two by time).
        var inbox = await Host.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/local/sms?to=%2B86{mobile}", TestContext.Current.CancellationToken);
        var codes = inbox.EnumerateArray().Where(m => m.GetProperty("kind").GetString() == "verification-code")
            .Select(m => Regex.Match(m.GetProperty("text").GetString()!, "(?<![0-9])[0-9]{6}(?![0-9])").Value).ToList();
        Assert.Equal(2, codes.Count);
        var second = codes.Single(c => c != firstCode);
        await Page.GetByLabel("短信验证码（6位数字）").FillAsync(second);
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("预约成功");
    }

    /// <summary>No English word (four letters or more) in the page's main part or its footer.</summary>
    private static async Task AssertNoEnglishAsync(IPage page, string what)
    {
        var text = string.Join("\n", await page.Locator("main, footer").AllInnerTextsAsync());
        var english = Regex.Matches(text, "[A-Za-z]{4,}").Select(m => m.Value).Distinct().ToList();
        Assert.True(english.Count == 0, $"{what}: the Chinese page shows English: {string.Join(", ", english)}");
    }

    [Fact]
    public async Task A_time_outside_the_hours_is_explained_in_chinese_on_a_chinese_page()
    {
        const string mobile = "13912340303";
        await Page.GotoAsync("/api/pages/book/details?service=item.medical-reimbursement&date=2026-12-09&start=07:00");
        await Page.GetByLabel("办事人姓名").FillAsync("郑美玲");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync(mobile);
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();
        // The time is refused before any code is sent: no SMS for a booking that cannot be made.
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("不在办理时间内");
        Assert.Equal(0, (await CodesAsync(mobile)).Count);
        await AssertNoEnglishAsync(Page, "a time outside the hours");
        await AssertGoodAsync("a time outside the hours");
    }

    [Fact]
    public async Task A_browser_without_has_selectors_still_shows_the_helpers_fields_and_books_for_someone_else()
    {
        await Page.GotoAsync("/api/pages/book/details?service=item.elderly-allowance&date=2026-12-09&start=15:00");
        // As a browser without :has() reads the stylesheet: it drops every rule whose selector uses :has() and every
        // @supports block that asks for it.
        var dropped = await Page.EvaluateAsync<int>(@"() => {
            let n = 0;
            const strip = (list, owner) => { for (let i = list.length - 1; i >= 0; i--) { const r = list[i];
                if ((r.selectorText && r.selectorText.includes(':has(')) || (r.conditionText && r.conditionText.includes(':has('))) { owner.deleteRule(i); n++; }
                else if (r.cssRules) strip(r.cssRules, r); } };
            for (const sheet of document.styleSheets) strip(sheet.cssRules, sheet);
            return n; }");
        Assert.True(dropped > 0, "the stylesheet had :has() rules to drop");
        await Assertions.Expect(Page.GetByLabel("您（代办人）的姓名")).ToBeVisibleAsync();
        await Page.GetByLabel("替家人或社区居民预约").CheckAsync();
        await Page.GetByLabel("办事人姓名").FillAsync("吴玉兰");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync("13912340203");
        await Page.GetByLabel("您（代办人）的姓名").FillAsync("吴小红");
        await Page.GetByLabel("您与办事人的关系", new() { Exact = false }).FillAsync("女儿");
        await Page.GetByLabel("办事人已同意由我代为预约").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();
        await EnterCodeAsync("13912340203");
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("预约成功");
        await Assertions.Expect(Page.Locator("dl.summary")).ToContainTextAsync("吴玉兰");
    }

    [Fact]
    public async Task The_pages_switch_to_english_and_explain_a_bad_number_in_words()
    {
        await Page.GotoAsync("/api/pages/book/details?service=item.elderly-allowance&date=2026-11-30&start=10:00");
        await Page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        await Page.GetByLabel("Name of the person the appointment is for").FillAsync("Li Fang");
        await Page.GetByLabel("Mobile number (for the SMS)").FillAsync("12345");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Book" }).ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The mobile number is not right");
        await Assertions.Expect(Page.GetByLabel("Mobile number (for the SMS)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(Page.GetByLabel("Name of the person the appointment is for")).ToHaveValueAsync("Li Fang");
        await AssertGoodAsync("details with an error");
    }

    [Fact]
    public async Task The_accessibility_check_finds_what_it_should()
    {
        await Page.SetContentAsync("<html><body><img src='x.png'><a href='#'></a><p style='color:#777;background:#888'>low contrast</p></body></html>");
        var violations = await PageChecks.ViolationsAsync(Page, Browser.AxeScript);
        Assert.Contains(violations, v => v.StartsWith("image-alt"));
        Assert.Contains(violations, v => v.StartsWith("html-has-lang"));
        Assert.Contains(violations, v => v.StartsWith("color-contrast"));
    }

    [Fact]
    public async Task A_booking_link_from_the_centre_books_its_own_mobile_through_the_pages_without_a_code()
    {
        const string mobile = "13912340231";
        using var staff = await Host.SignedInClientAsync("窗口陈", "staff");
        using var issued = await staff.PostAsync("/api/resident-links",
            new StringContent($$"""{"purpose":"book","mobile":"{{mobile}}","validForHours":24}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var url = new Uri((await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken)).GetProperty("url").GetString()!);
        var codes = await CodesSentAsync(mobile);

        // The link opens the booking pages; each step carries it and none is cached or referred.
        var opened = await Page.GotoAsync(url.PathAndQuery);
        Assert.Equal("no-store", opened!.Headers["cache-control"]);
        Assert.Equal("no-referrer", opened.Headers["referrer-policy"]);
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("养老金资格认证") }).First.ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("12月4日 星期五") }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = Starts("上午11:15") }).ClickAsync();
        Assert.Contains("token=", Page.Url);
        await Assertions.Expect(Page.GetByText("您打开的是服务中心发给您的预约链接")).ToBeVisibleAsync();
        await AssertGoodAsync("details from a booking link");
        await Page.GetByLabel("办事人姓名").FillAsync("郑美华");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync(mobile);
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("预约成功");
        await Assertions.Expect(Page.Locator("dl.summary")).ToContainTextAsync("12月4日 星期五 上午11:15");
        Assert.Equal(codes, await CodesSentAsync(mobile));

        // The same link with another number is one more booking by the public: the code step, the link still carried.
        await Page.GotoAsync($"/api/pages/book/details?service=item.pension-certification&date=2026-12-04&start=11:30&{url.Query.TrimStart('?')}");
        await Page.GetByLabel("办事人姓名").FillAsync("郑美华");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync("13912340232");
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "输入短信验证码" })).ToBeVisibleAsync();
        Assert.Contains("token=", await Page.Locator("form").First.GetAttributeAsync("action") ?? "");
        await EnterCodeAsync("13912340232");
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("预约成功");
    }

    private async Task<int> CodesSentAsync(string mobile)
    {
        var inbox = await Host.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/local/sms?to=%2B86{mobile}", TestContext.Current.CancellationToken);
        return inbox.EnumerateArray().Count(m => m.GetProperty("kind").GetString() == "verification-code");
    }

    [Fact]
    public async Task A_forged_link_shows_a_plain_explanation()
    {
        var response = await Page.GotoAsync("/api/pages/manage?token=not-a-real-token");
        Assert.Equal(401, response!.Status);
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("链接无效或已过期");
        await AssertGoodAsync("bad link");
    }

    public static TheoryData<int, string> Widths => new() { { 320, "zh" }, { 320, "en" }, { 640, "zh" }, { 640, "en" }, { 1280, "zh" }, { 1280, "en" } };

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Every_resident_page_passes_axe_without_sideways_scrolling_also_with_the_text_at_200_percent(int width, string lang)
    {
        await using var context = await PageChecks.ContextAsync(Browser.Browser, Host.BaseAddress, width);
        var page = await context.NewPageAsync();
        async Task Check(string what)
        {
            await PageChecks.AssertGoodWithLargeTextAsync(page, Browser.AxeScript, $"{what} at {width} px in {lang}");
            // Every page ends with the centre's address, hours and phone number.
            await Assertions.Expect(page.Locator("footer dt")).ToHaveTextAsync(lang == "zh" ? ["地址", "办公时间", "咨询电话"] : ["Address", "Opening hours", "Phone"]);
            // A Chinese page says everything in Chinese (the header's link to the English page aside).
            if (lang == "zh") await AssertNoEnglishAsync(page, what);
        }
        foreach (var path in new[]
                 {
                     "/api/pages/book", "/api/pages/book?q=zz", "/api/pages/book/slots?service=bundle.open-restaurant",
                     "/api/pages/book/slots?service=item.pension-certification&date=2026-11-30",
                     "/api/pages/book/details?service=item.pension-certification&date=2026-11-30&start=09:30", "/api/pages/home-visit",
                     "/api/pages/manage?token=forged",
                 })
        {
            await page.GotoAsync($"{path}{(path.Contains('?') ? '&' : '?')}lang={lang}");
            await Check(path);
        }
        // The details page with an error.
        await page.GotoAsync($"/api/pages/book/details?service=item.pension-certification&date=2026-11-30&start=09:30&lang={lang}");
        await page.Locator("#mobile").FillAsync("123");
        await page.Locator("#for-other").CheckAsync();
        await page.Locator("form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Check("details with an error");

        // The code screen and the booked page: the details again, right this time, from a number this browser has
        // not verified (each width and language its own, on Wednesday 9 December).
        var slot = Array.IndexOf([320, 640, 1280], width) * 2 + (lang == "en" ? 1 : 0);
        await page.GotoAsync($"/api/pages/book/details?service=item.pension-certification&date=2026-12-09&start={new NodaTime.LocalTime(9, 0).PlusMinutes(15 * slot):HH:mm}&lang={lang}");
        await page.Locator("#name").FillAsync("黄丽华");
        await page.Locator("#mobile").FillAsync($"1391234820{slot}");
        await page.Locator("form button[type=submit]").First.ClickAsync();
        await Assertions.Expect(page.Locator("#verificationCode")).ToBeVisibleAsync();
        await Check("the code screen");
        var (code, _) = await CodesAsync($"1391234820{slot}");
        await page.Locator("#verificationCode").FillAsync(code!);
        await page.Locator("form button.primary").ClickAsync();
        await Assertions.Expect(page.Locator("dl.summary")).ToBeVisibleAsync();
        await Check("booked");

        // The home-visit request refused (nothing filled in) and received.
        await page.GotoAsync($"/api/pages/home-visit?lang={lang}");
        await page.Locator("form button[type=submit]").Last.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Check("home-visit request with an error");
        // A name of its own per width and language: the dispatcher page test, running alongside, approves requests by name.
        await page.Locator("#name").FillAsync("蔡阿公" + "甲乙丙丁戊己"[slot]);
        await page.Locator("#mobile").FillAsync($"1391234830{slot}");
        await page.Locator("input[name=reason]").First.CheckAsync();
        await page.Locator("#address").FillAsync("湖里区金湖路88号3栋502");
        await page.Locator("input[name=window]").First.CheckAsync();
        await page.Locator("#consent").CheckAsync();
        await page.EvaluateAsync("() => { document.getElementById('latitude').value = '24.5031'; document.getElementById('longitude').value = '118.1402'; }");
        await page.Locator("form button[type=submit]").Last.ClickAsync();
        // The mobile's code screen, then the request received.
        await Assertions.Expect(page.Locator("#verificationCode")).ToBeVisibleAsync();
        await Check("home-visit code screen");
        var (visitCode, _) = await CodesAsync($"1391234830{slot}");
        await page.Locator("#verificationCode").FillAsync(visitCode!);
        await page.Locator("form button.primary").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#verificationCode")).ToHaveCountAsync(0);
        await Check("home-visit received");

        // The pages of one's own appointment, from its link: manage, the move's days, times and confirmation, the
        // cancellation's question and the rating page. Each width and language books its own seat on Thursday.
        var index = Array.IndexOf([320, 640, 1280], width) * 2 + (lang == "en" ? 1 : 0);
        var booked = await BookAsync($"1391234810{index}", new NodaTime.LocalDate(2026, 12, 3), new NodaTime.LocalTime(9, 0).PlusMinutes(15 * index));
        var token = Uri.EscapeDataString(booked.ManageToken);
        await page.GotoAsync($"/api/pages/manage?token={token}&lang={lang}");
        await Check("manage");
        await page.Locator("main a[href*='book/slots']").First.ClickAsync();
        await Check("the move's days");
        await page.Locator("main a[href*='date=2026-12-04']").First.ClickAsync();
        await Check("the move's times");
        await page.Locator("main a[href*='start=']").First.ClickAsync();
        await Check("the move's confirmation");
        await page.GotoAsync($"/api/pages/manage/cancel?token={token}&lang={lang}");
        await Check("the cancellation's question");
        await page.GotoAsync($"/api/pages/rate?token={token}&lang={lang}");
        await Check("rating");

        // The staff member's day that the morning SMS links to.
        var feed = await Host.Services.GetRequiredService<IStaffFeeds>().GetOrCreateAsync("huli", "s01", TestContext.Current.CancellationToken);
        await page.GotoAsync($"/api/pages/staff-day?t={Uri.EscapeDataString(feed.Token)}&date=2026-11-30&lang={lang}");
        await Check("the staff day");
        // The day's entries in the reader's language: the English page names no duty in Chinese.
        var entries = string.Join("\n", await page.Locator("main ol.choices li").AllInnerTextsAsync());
        Assert.NotEmpty(entries);
        if (lang == "en")
        {
            Assert.DoesNotMatch("窗口|上门|休息|后台", entries);
            Assert.Matches("Window|Home visit|Break|Back office", entries);
        }
        else Assert.Matches("窗口|上门|休息|后台", entries);
    }

    [Fact]
    public async Task Pages_send_a_content_security_policy_and_token_pages_are_neither_cached_nor_referred()
    {
        using var book = await Host.Client.GetAsync("/api/pages/book", TestContext.Current.CancellationToken);
        var csp = book.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("<script>", await book.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        using var manage = await Host.Client.GetAsync("/api/pages/manage?token=forged", TestContext.Current.CancellationToken);
        Assert.Equal("no-store", manage.Headers.CacheControl!.ToString());
        Assert.Equal("no-referrer", manage.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", manage.Headers.GetValues("Content-Security-Policy").Single());

        using var css = await Host.Client.GetAsync("/api/assets/site.css", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Contains("max-age=86400", css.Headers.CacheControl!.ToString());
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/assets/site.css");
        again.Headers.TryAddWithoutValidation("If-None-Match", css.Headers.ETag!.ToString());
        using var notModified = await Host.Client.SendAsync(again, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // The page links its files by version: that address is cached for good, and a change gives a new address.
        var page = await book.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var linked = Regex.Match(page, "href=\"(/api/assets/site\\.css\\?v=([0-9A-F]{16}))\"");
        Assert.True(linked.Success, "the stylesheet is linked with its version");
        Assert.Equal(css.Headers.ETag!.Tag.Trim('"'), linked.Groups[2].Value);
        using var versioned = await Host.Client.GetAsync(linked.Groups[1].Value, TestContext.Current.CancellationToken);
        Assert.Contains("max-age=31536000", versioned.Headers.CacheControl!.ToString());
        Assert.Contains("immutable", versioned.Headers.CacheControl!.ToString());
        using var stale = await Host.Client.GetAsync("/api/assets/site.css?v=0000000000000000", TestContext.Current.CancellationToken);
        Assert.Contains("max-age=86400", stale.Headers.CacheControl!.ToString());
    }

    public static TheoryData<string, string, int> BadForms => new()
    {
        { "/api/pages/book", string.Join("&", Enumerable.Range(0, 51).Select(i => $"f{i}=1")), 400 },
        { "/api/pages/book", new string('k', 2049) + "=1", 400 },
        { "/api/pages/book", "name=" + new string('a', 17 * 1024), 413 },
        { "/api/pages/manage/cancel?token=forged", string.Join("&", Enumerable.Range(0, 51).Select(i => $"f{i}=1")), 400 },
        { "/api/pages/manage/cancel?token=forged", new string('k', 2049) + "=1", 400 },
        { "/api/pages/manage/reschedule?token=forged", "date=" + new string('a', 17 * 1024), 413 },
        { "/api/pages/home-visit", string.Join("&", Enumerable.Range(0, 51).Select(i => $"f{i}=1")), 400 },
    };

    [Theory]
    [MemberData(nameof(BadForms))]
    public async Task A_form_that_cannot_be_read_gets_a_readable_page_not_a_server_error(string path, string body, int status)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await Host.Client.PostAsync(path, content, TestContext.Current.CancellationToken);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType!.ToString());
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains(status == 413 ? "提交的内容太长" : "提交的内容格式不对", html);
    }

    [Fact]
    public async Task The_pages_that_answer_a_bad_form_pass_axe_on_a_small_phone_with_the_text_at_200_percent()
    {
        foreach (var (body, status) in new[] { ("name=" + new string('a', 17 * 1024), 413), (new string('k', 2049) + "=1", 400) })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await Host.Client.PostAsync("/api/pages/book", content, TestContext.Current.CancellationToken);
            Assert.Equal(status, (int)response.StatusCode);
            // The answer as the browser shows it, on the centre's own address so its stylesheet loads.
            await Page.GotoAsync("/api/pages/book");
            await Page.SetContentAsync(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            await Assertions.Expect(Page.Locator("footer")).ToContainTextAsync("电话");
            await PageChecks.AssertGoodWithLargeTextAsync(Page, Browser.AxeScript, $"the {status} page");
            await AssertNoEnglishAsync(Page, $"the {status} page");
        }
    }

    [Theory]
    [InlineData("/api/pages/book")]
    [InlineData("/api/pages/book/code")]
    [InlineData("/api/pages/manage/cancel?token=forged")]
    [InlineData("/api/pages/rate?token=forged")]
    [InlineData("/api/pages/home-visit")]
    public async Task A_chunked_form_over_the_limit_gets_413_on_every_page_that_takes_a_form(string path)
    {
        using var content = new PushStreamContent(new string('a', 20 * 1024)).Init();
        using var response = await Host.Client.PostAsync(path, content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("提交的内容太长", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A body without a declared length, sent chunked.</summary>
    private sealed class PushStreamContent(string text) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await stream.WriteAsync(Encoding.UTF8.GetBytes("name=" + text));
        protected override bool TryComputeLength(out long length) { length = -1; return false; }
        protected override void Dispose(bool disposing) { }
        public PushStreamContent Init() { Headers.ContentType = new("application/x-www-form-urlencoded"); return this; }
    }
}
