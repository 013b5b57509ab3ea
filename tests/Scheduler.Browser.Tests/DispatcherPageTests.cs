using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Core.Residents;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>
/// A dispatcher on the local centre signs in, approves demo requests, plans the next working day, sees the plan on
/// the map (numbered routes) and the timeline (hour axis, staff names), publishes it, and closes a rating follow-up.
/// The page passes axe and reflows at 320, 640 and 1,280 px in both languages. The clock stands at Friday
/// 2026-11-27 09:00, so the demo requests are for Monday 2026-11-30.
/// </summary>
public sealed class DispatcherPageTests(DemoHostFixture demo, BrowserFixture browser)
    : DemoCentrePageTest(demo, browser, 1280, 900), IClassFixture<DemoHostFixture>
{
    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/.auth/login");
        await page.GetByLabel("Name").FillAsync("调度员吴");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private string DispatchPath(string lang = "zh") => $"/api/pages/dispatch?code={Uri.EscapeDataString(Host.Keys.FunctionKey)}&lang={lang}";

    [Fact]
    public async Task Without_a_sign_in_the_page_asks_for_one_and_the_link_signs_in_and_comes_back()
    {
        var response = await Page.GotoAsync($"/api/pages/dispatch?code={Uri.EscapeDataString(Host.Keys.FunctionKey)}");
        Assert.Equal(401, response!.Status);
        var signIn = Page.GetByRole(AriaRole.Link, new() { Name = "登录" });
        await Assertions.Expect(signIn).ToBeVisibleAsync();
        // Easy Auth's Entra ID sign-in in Azure; the dev host answers it with its local page.
        Assert.StartsWith("/.auth/login/aad?", await signIn.GetAttributeAsync("href"));

        await signIn.ClickAsync();
        await Page.GetByLabel("Name").FillAsync("调度员吴");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "调度台" })).ToBeVisibleAsync();
    }

    /// <summary>A resident whose name is far longer than a visit's block on the timeline.</summary>
    private const string LongName = "欧阳慕容·阿依古丽娜尔";

    [Fact]
    public async Task A_dispatcher_approves_plans_sees_and_publishes_the_day()
    {
        // An urgent request, approved, from a resident with a long name: the timeline shows the name in full.
        var requests = Host.Services.GetRequiredService<HomeVisitService>();
        var submitted = await requests.SubmitAsync("huli", new SubmitHomeVisit(LongName, "13912347801", null, EligibilityReason.Aged60Plus,
            new LocationInput(24.5031, 118.1402), "湖里区金湖路88号3栋502", "pension-certification",
            [new WindowInput(new LocalDate(2026, 11, 30), new LocalTime(9, 0), new LocalTime(17, 0))], VisitUrgency.Urgent, null),
            new StaffCaller("d01", "调度员吴", new HashSet<string> { "dispatcher" }), "dispatcher", TestContext.Current.CancellationToken); // on the resident's behalf
        Assert.Null(submitted.Error);
        var approved = await Host.Services.GetRequiredService<HomeVisitDecisions>().DecideAsync("huli", submitted.Value!.Id, DecisionKind.Approve, null,
            new StaffCaller("d01", "调度员吴", new HashSet<string> { "dispatcher" }), TestContext.Current.CancellationToken);
        Assert.Null(approved.Error);

        await SignInAsync(Page);
        await Page.GotoAsync(DispatchPath());
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "调度台" })).ToBeVisibleAsync();
        var approve = Page.GetByRole(AriaRole.Button, new() { Name = "批准", Exact = false });
        await Assertions.Expect(approve.First).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator("#requests")).Not.ToContainTextAsync("Aged60Plus");
        await Assertions.Expect(Page.Locator("#requests")).ToContainTextAsync("待审核");
        await AssertGoodAsync("dispatch with requests");

        await DispatcherSteps.ApproveSubmittedAsync(Page, 3);
        await DispatcherSteps.PlanMondayAsync(Page);
        Assert.True(await Page.Locator("#map path.leaflet-interactive").CountAsync() >= 1, "at least one route is drawn");
        Assert.True(await Page.Locator("#map .route-number").CountAsync() >= 3, "the stops on the map carry route numbers");
        Assert.True(await Page.Locator("#timeline .blk:not(.lunch)").CountAsync() >= 3, "the approved visits are on the timeline");
        await Assertions.Expect(Page.Locator("#timeline .axis")).ToContainTextAsync("9:00");
        await Assertions.Expect(Page.Locator("#timeline .who").Nth(1)).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ s\d+$"));
        await Assertions.Expect(Page.Locator("#route-list")).ToContainTextAsync("路线1");
        await Assertions.Expect(Page.Locator("#kpis")).ToContainTextAsync("已安排");
        // Every stop's name stands in full under its row on the timeline (not cut off by its block), the long one too.
        var longStop = Page.Locator("#timeline .stops li", new() { HasText = LongName });
        await Assertions.Expect(longStop).ToBeVisibleAsync();
        Assert.True(await Page.EvaluateAsync<bool>("() => [...document.querySelectorAll('#timeline .stops li')].every(li => li.scrollWidth <= li.clientWidth + 1 && li.scrollHeight <= li.clientHeight + 1)"),
            "no name on the timeline is cut off");
        var box = await longStop.BoundingBoxAsync();
        var region = await Page.Locator("#timeline").BoundingBoxAsync();
        Assert.True(box!.X >= region!.X && box.X + box.Width <= region.X + region.Width + 1, "the long name lies within the timeline's view");
        await AssertGoodAsync("dispatch with a plan");

        await Page.GetByRole(AriaRole.Button, new() { Name = "发布并通知" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#progress")).ToContainTextAsync("已发布");
    }

    /// <summary>
    /// The window roster of Thursday 2026-12-03 (a day no other page test plans): a closed day is refused in words,
    /// the grid shows staff by slot with each cell naming its duty, scrolls in its own region on a 320 px phone (which
    /// plans the day again), and after a reload the day's newest roster comes back from the server ("load the day's roster") and publishes.
    /// </summary>
    [Fact]
    public async Task A_dispatcher_plans_the_window_roster_sees_it_as_a_grid_and_publishes_it()
    {
        await SignInAsync(Page);
        await Page.GotoAsync(DispatchPath());
        var day = Page.GetByLabel("排班日期");
        var status = Page.Locator("#roster-status");
        await day.FillAsync("2026-11-29");
        await Page.GetByRole(AriaRole.Button, new() { Name = "生成排班" }).ClickAsync();
        await Assertions.Expect(status).ToHaveTextAsync("中心这一天不开放，无需排班。");

        await day.FillAsync("2026-12-03");
        await Page.GetByRole(AriaRole.Button, new() { Name = "载入这一天的排班" }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync("这一天还没有排班");

        await Page.GetByRole(AriaRole.Button, new() { Name = "生成排班" }).ClickAsync();
        var grid = Page.Locator("#roster-grid .table-region table.roster");
        await Assertions.Expect(grid).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(grid.Locator("caption")).ToContainTextAsync("2026-12-03");
        await Assertions.Expect(grid.Locator("thead th").Nth(1)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{1,2}:\d{2}$"));
        var staffRows = grid.Locator("tbody tr");
        Assert.True(await staffRows.CountAsync() >= 2, "one row per window staff member");
        await Assertions.Expect(grid.Locator("tbody th").First).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^s\d+$"));
        // Every cell names its duty in words, and each row covers every slot of the day.
        Assert.True(await Page.EvaluateAsync<bool>("() => [...document.querySelectorAll('#roster-grid td')].every(td => td.textContent.trim().length > 0)"),
            "every cell of the roster says what the duty is");
        Assert.True(await Page.EvaluateAsync<bool>("() => { const slots = document.querySelectorAll('#roster-grid thead th').length - 1;" +
            " return [...document.querySelectorAll('#roster-grid tbody tr')].every(tr => [...tr.querySelectorAll('td')].reduce((n, td) => n + td.colSpan, 0) === slots); }"),
            "each staff row spans every slot");
        await Assertions.Expect(grid.Locator("td.duty-window").First).ToContainTextAsync("窗口：");
        await Assertions.Expect(grid.Locator("td.duty-break").First).ToHaveTextAsync("休息");
        var summary = Page.Locator("#roster-summary");
        await Assertions.Expect(summary).ToContainTextAsync("状态：已生成，未发布");
        await Assertions.Expect(summary).ToContainTextAsync("扣分合计");
        await Assertions.Expect(summary).ToContainTextAsync("模拟等候");
        await AssertGoodAsync("dispatch with a roster");

        await using (var context = await PageChecks.ContextAsync(Browser.Browser, Host.BaseAddress, 320, 640))
        {
            var phone = await context.NewPageAsync();
            await SignInAsync(phone);
            await phone.GotoAsync(DispatchPath());
            await phone.GetByLabel("排班日期").FillAsync("2026-12-03");
            await phone.GetByRole(AriaRole.Button, new() { Name = "生成排班" }).ClickAsync();
            await Assertions.Expect(phone.Locator("#roster-grid table.roster")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await PageChecks.AssertGoodWithLargeTextAsync(phone, Browser.AxeScript, "dispatch with a roster at 320 px");
            Assert.True(await phone.EvaluateAsync<bool>("() => { const r = document.querySelector('#roster-grid .table-region'); return r.scrollWidth > r.clientWidth; }"),
                "the roster scrolls sideways inside its own region at 320 px");
        }

        await Page.ReloadAsync();
        await Page.GetByLabel("排班日期").FillAsync("2026-12-03");
        await Page.GetByRole(AriaRole.Button, new() { Name = "载入这一天的排班" }).ClickAsync();
        await Assertions.Expect(grid.Locator("caption")).ToContainTextAsync("2026-12-03");
        var publish = Page.GetByRole(AriaRole.Button, new() { Name = "发布排班" });
        await Assertions.Expect(publish).ToBeEnabledAsync();
        await publish.ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync("排班已发布");
        await Assertions.Expect(summary).ToContainTextAsync("状态：已发布");
        await Assertions.Expect(publish).ToBeDisabledAsync();
    }

    /// <summary>A request asked for by address alone, on Wednesday 2026-12-02 (a day no other page test lists or plans).</summary>
    [Fact]
    public async Task A_dispatcher_sees_a_home_whose_place_is_to_be_set_and_sets_it()
    {
        var requests = Host.Services.GetRequiredService<HomeVisitService>();
        var submitted = await requests.SubmitAsync("huli", new SubmitHomeVisit("邱阿伯", "13912347811", null, EligibilityReason.Aged60Plus,
            null, "湖里区殿前街道高殿社区5号", "pension-certification",
            [new WindowInput(new LocalDate(2026, 12, 2), new LocalTime(9, 0), new LocalTime(11, 0))], VisitUrgency.Routine, null),
            new StaffCaller("d01", "调度员吴", new HashSet<string> { "dispatcher" }), "dispatcher", TestContext.Current.CancellationToken);
        Assert.True(submitted.Value!.LocationPending());

        await SignInAsync(Page);
        await Page.GotoAsync(DispatchPath());
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Page.RunAndWaitForResponseAsync(() => Page.GetByLabel("上门日期").FillAsync("2026-12-02"),
            r => r.Request.Method == "GET" && r.Url.Contains("date=2026-12-02", StringComparison.Ordinal));
        var row = Page.Locator("#requests tr", new() { HasText = "邱阿伯" });
        await Assertions.Expect(row).ToContainTextAsync("位置待定");
        await Assertions.Expect(row).ToContainTextAsync("高殿社区5号");
        await AssertGoodAsync("dispatch with a place to set");

        // A place that is not one is refused in words, and the request stays pending.
        await Page.GetByLabel("纬度 邱阿伯").FillAsync("95");
        await Page.GetByLabel("经度 邱阿伯").FillAsync("118.14");
        await Page.GetByRole(AriaRole.Button, new() { Name = "设定位置 邱阿伯" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#progress")).ToContainTextAsync("位置不正确");
        await Assertions.Expect(row).ToContainTextAsync("位置待定");

        await Page.GetByLabel("纬度 邱阿伯").FillAsync("24.51");
        await Page.GetByRole(AriaRole.Button, new() { Name = "设定位置 邱阿伯" }).ClickAsync();
        await Assertions.Expect(row).Not.ToContainTextAsync("位置待定");
        await Assertions.Expect(Page.GetByLabel("纬度 邱阿伯")).ToHaveCountAsync(0);
        var stored = await Host.Services.GetRequiredService<IHomeVisitStore>().GetAsync("huli", submitted.Value.Id, TestContext.Current.CancellationToken);
        Assert.Equal(new Scheduler.Core.Catalogue.GeoPoint(24.51, 118.14), stored!.Request.Location);
    }

    [Fact]
    public async Task A_dispatcher_sees_an_overdue_follow_up_and_closes_it_with_a_note()
    {
        var ratings = Host.Services.GetRequiredService<Ratings>();
        var subject = "appointment/browser-follow-up-" + Guid.NewGuid().ToString("N")[..8];
        var rated = await ratings.RecordAsync(new Rating("huli", subject, "social", "pension-certification", 1, "等了很久", "sms",
            SchedulerHost.DemoNow - Duration.FromDays(10)), TestContext.Current.CancellationToken);
        Assert.Null(rated.Error);

        await SignInAsync(Page);
        await Page.GotoAsync(DispatchPath());
        var row = Page.Locator("#follow-ups tr", new() { HasText = subject });
        await Assertions.Expect(row).ToContainTextAsync("已逾期");
        await Assertions.Expect(row).ToContainTextAsync("等了很久");
        await row.GetByRole(AriaRole.Button, new() { Name = "处理完毕，关闭", Exact = false }).ClickAsync();
        await Assertions.Expect(Page.Locator("#progress")).ToContainTextAsync("请先写明处理情况");
        await row.GetByRole(AriaRole.Textbox).FillAsync("已电话致歉并约好下周优先办理");
        await row.GetByRole(AriaRole.Button, new() { Name = "处理完毕，关闭", Exact = false }).ClickAsync();
        await Assertions.Expect(Page.Locator("#follow-ups tr", new() { HasText = subject })).ToContainTextAsync("已电话致歉");
        await Assertions.Expect(Page.Locator("#follow-ups tr", new() { HasText = subject })).ToContainTextAsync("已关闭");
    }

    [Fact]
    public async Task A_dispatcher_closes_a_residents_request_to_move_a_home_visit_which_names_the_resident()
    {
        var requests = Host.Services.GetRequiredService<HomeVisitService>();
        var visit = (await requests.ListAsync("huli", TestContext.Current.CancellationToken)).First(r => r.ResidentName.Length > 0);
        var ratings = Host.Services.GetRequiredService<Ratings>();
        await ratings.RequestVisitChangeAsync("huli", $"home-visit/{visit.Id}", "想改到下午", SchedulerHost.DemoNow, TestContext.Current.CancellationToken);

        await SignInAsync(Page);
        await Page.GotoAsync(DispatchPath());
        var row = Page.Locator("#follow-ups tr", new() { HasText = "想改到下午" });
        await Assertions.Expect(row).ToContainTextAsync(visit.ResidentName);
        await Assertions.Expect(row).ToContainTextAsync("上门改期");
        await Assertions.Expect(row).Not.ToContainTextAsync("home-visit/");
        await row.GetByRole(AriaRole.Textbox).FillAsync("已电话联系，改到周二下午");
        await row.GetByRole(AriaRole.Button, new() { Name = "处理完毕，关闭", Exact = false }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("已关闭");
        await Assertions.Expect(Page.Locator("#progress")).Not.ToContainTextAsync("未能完成");
        var closed = (await ratings.FollowUpsAsync("huli", TestContext.Current.CancellationToken))
            .Single(f => f.Subject == $"home-visit/{visit.Id}" && f.Kind == FollowUpKinds.VisitChange);
        Assert.Equal(FollowUpStatus.Closed, closed.Status);
        Assert.Equal("已电话联系，改到周二下午", closed.Note);
    }

    [Fact]
    public async Task A_refusal_is_told_in_the_readers_words_never_the_apis_english()
    {
        await SignInAsync(Page);
        await Page.GotoAsync(DispatchPath());
        // A day long past: the API refuses with its English detail; the page says it in Chinese.
        await Page.GetByLabel("日期", new() { Exact = true }).FillAsync("2026-11-02");
        await Page.GetByRole(AriaRole.Button, new() { Name = "开始规划" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#progress")).ToHaveTextAsync("这一天已经过去，不能再排班。");
        await Assertions.Expect(Page.Locator("main caption").First).ToContainTextAsync("筛选作用于全部申请");
    }

    [Fact]
    public async Task The_plan_bar_stays_at_hand_on_a_wide_tall_screen_only()
    {
        await SignInAsync(Page);
        await Page.GotoAsync(DispatchPath());
        Assert.Equal("sticky", await Page.Locator(".sticky-controls").EvaluateAsync<string>("e => getComputedStyle(e).position"));
        await Page.SetViewportSizeAsync(1280, 500);
        Assert.Equal("static", await Page.Locator(".sticky-controls").EvaluateAsync<string>("e => getComputedStyle(e).position"));
        await Page.SetViewportSizeAsync(640, 900);
        Assert.Equal("static", await Page.Locator(".sticky-controls").EvaluateAsync<string>("e => getComputedStyle(e).position"));
    }

    [Fact]
    public async Task In_english_at_1280_px_the_dispatcher_plans_a_day_and_the_page_passes_axe_also_with_the_text_at_200_percent()
    {
        await SignInAsync(Page);
        await Page.GotoAsync(DispatchPath("en"));
        await Page.GetByLabel("Status").SelectOptionAsync("Submitted");
        await Assertions.Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = false }).First).ToBeVisibleAsync();
        await PageChecks.AssertGoodWithLargeTextAsync(Page, Browser.AxeScript, "dispatch in English at 1,280 px");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = false }).First.ClickAsync();
        await Page.GetByLabel("Date", new() { Exact = true }).FillAsync("2026-11-30");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Plan this day" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#progress")).ToContainTextAsync("Planned", new() { Timeout = 60_000 });
        await Assertions.Expect(Page.Locator("#route-list")).ToContainTextAsync("Route 1");
        await PageChecks.AssertGoodWithLargeTextAsync(Page, Browser.AxeScript, "dispatch with a plan in English at 1,280 px");
        Assert.DoesNotMatch("[\\u4e00-\\u9fff]", await Page.Locator("#progress, #kpis").AllInnerTextsAsync() is var t ? string.Join(" ", t) : "");
        // The same plan in English on a small phone and at 200% zoom (640 px), where English words are longest.
        foreach (var width in new[] { 320, 640 })
        {
            await Page.SetViewportSizeAsync(width, 800);
            await PageChecks.AssertGoodWithLargeTextAsync(Page, Browser.AxeScript, $"dispatch with a plan in English at {width} px");
        }
    }

    [Fact]
    public async Task On_a_small_phone_and_at_200_percent_zoom_the_dispatcher_approves_plans_and_publishes()
    {
        await using var context = await PageChecks.ContextAsync(Browser.Browser, Host.BaseAddress, 320, 640);
        var page = await context.NewPageAsync();
        await SignInAsync(page);
        await page.GotoAsync(DispatchPath());
        await page.GetByLabel("状态").SelectOptionAsync("Submitted");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "批准", Exact = false }).First).ToBeVisibleAsync();
        await PageChecks.AssertGoodWithLargeTextAsync(page, Browser.AxeScript, "dispatch with requests at 320 px");
        await DispatcherSteps.ApproveSubmittedAsync(page, 1);
        await DispatcherSteps.PlanMondayAsync(page);
        await Assertions.Expect(page.Locator("#route-list")).ToContainTextAsync("路线1");
        await PageChecks.AssertGoodWithLargeTextAsync(page, Browser.AxeScript, "dispatch with a plan at 320 px");
        // The same page at 640 px: a 1,280 px screen at 200% zoom.
        await page.SetViewportSizeAsync(640, 800);
        await PageChecks.AssertGoodWithLargeTextAsync(page, Browser.AxeScript, "dispatch with a plan at 640 px");
        await page.SetViewportSizeAsync(1280, 900);
        await PageChecks.AssertGoodWithLargeTextAsync(page, Browser.AxeScript, "dispatch with a plan at 1,280 px");
        await page.SetViewportSizeAsync(640, 800);
        await page.GetByRole(AriaRole.Button, new() { Name = "发布并通知" }).ClickAsync();
        await Assertions.Expect(page.Locator("#progress")).ToContainTextAsync("已发布");
        await PageChecks.AssertGoodAsync(page, Browser.AxeScript, "dispatch after publishing at 640 px");
    }

    public static TheoryData<int, string> Widths => new() { { 320, "zh" }, { 320, "en" }, { 640, "zh" }, { 640, "en" } };

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task The_page_reflows_at_narrow_widths_with_wide_tables_scrolling_in_their_own_region(int width, string lang)
    {
        await using var context = await PageChecks.ContextAsync(Browser.Browser, Host.BaseAddress, width);
        var page = await context.NewPageAsync();
        await SignInAsync(page);
        await page.GotoAsync(DispatchPath(lang));
        await Assertions.Expect(page.Locator("#requests table, #requests p").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#requests")).Not.ToContainTextAsync(lang == "zh" ? "…" : "加载");
        await PageChecks.AssertGoodWithLargeTextAsync(page, Browser.AxeScript, $"dispatch at {width} px in {lang}");
    }
}
