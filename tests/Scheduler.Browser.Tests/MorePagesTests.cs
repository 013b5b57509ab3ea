using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>The demo centre with SMS kept in the local inbox and the local Twilio token to sign replies with.</summary>
public sealed class LocalSmsHostFixture(AzuriteFixture azurite) : DemoHostFixture(azurite)
{
    protected override Task<TestDevHost> StartAsync(string connectionString) =>
        SchedulerHost.StartAsync(connectionString, adjust: s => { s["Sms__Provider"] = "local"; s["Twilio__AuthToken"] = "local-development-only-twilio-token"; });
}

/// <summary>
/// The home-visit request page, the rating page reached by link, and the local phone on which a reply is typed and
/// its answer arrives, at 320 px. The clock stands at Friday 2026-11-27 09:00 in Xiamen.
/// </summary>
public sealed class MorePagesTests(LocalSmsHostFixture demo, BrowserFixture browser)
    : DemoCentrePageTest(demo, browser, 320, 640, "zh-CN"), IClassFixture<LocalSmsHostFixture>
{
    /// <summary>The verification codes in the local inbox of an 11-digit mobile.</summary>
    private async Task<List<string>> CodesAsync(string mobile)
    {
        var inbox = await Host.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/local/sms?to=%2B86{mobile}", TestContext.Current.CancellationToken);
        return inbox.EnumerateArray().Where(m => m.GetProperty("kind").GetString() == "verification-code")
            .Select(m => Regex.Match(m.GetProperty("text").GetString()!, "(?<![0-9])[0-9]{6}(?![0-9])").Value).ToList();
    }

    [Fact]
    public async Task A_family_member_asks_for_a_home_visit_from_the_residents_home()
    {
        await using var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 320, Height = 640 }, BaseURL = Host.BaseAddress.ToString().TrimEnd('/'), Locale = "zh-CN",
            Geolocation = new Geolocation { Latitude = 24.5031f, Longitude = 118.1402f }, Permissions = ["geolocation"],
        });
        await PageChecks.WatchCspAsync(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/api/pages/book");
        await page.GetByRole(AriaRole.Link, new() { Name = "行动不便？申请上门服务" }).ClickAsync();
        await PageChecks.AssertGoodAsync(page, Browser.AxeScript, "home-visit request");

        await page.GetByLabel("居民姓名").FillAsync("陈阿婆");
        await page.GetByLabel("联系手机", new() { Exact = false }).FillAsync("13912347701");
        await page.GetByLabel("卧床或重病").CheckAsync();
        await page.GetByLabel("详细地址", new() { Exact = false }).FillAsync("湖里区金湖路88号3栋502");
        await page.GetByLabel(new Regex("^11月30日 星期一 上午")).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        // Without consent nothing is sent, and the page says which box to tick.
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("同意");
        await Assertions.Expect(page.GetByLabel("居民本人同意", new() { Exact = false })).ToHaveAttributeAsync("aria-invalid", "true");
        await PageChecks.AssertGoodAsync(page, Browser.AxeScript, "home-visit request with an error");

        // At the resident's home, where I am now gives the visit its place.
        await page.GetByLabel("居民本人同意", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "用我现在的位置", Exact = false }).ClickAsync();
        await Assertions.Expect(page.Locator("#location-status")).ToContainTextAsync("已记下位置");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();

        // The number is checked by a code sent to it, on the booking's code screen; nothing is stored before.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "输入短信验证码" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("验证码已发送到");
        await PageChecks.AssertGoodAsync(page, Browser.AxeScript, "home-visit code screen");
        using (var before = await Host.SignedInClientAsync("调度员吴", "dispatcher"))
            Assert.DoesNotContain("陈阿婆", await before.GetStringAsync("/api/dispatch/home-visits?pageSize=200", TestContext.Current.CancellationToken));
        var firstCodes = await CodesAsync("13912347701");
        // Back to the form as it was typed, and on again: a new code (the one not sent before; the local clock stands still, so both were sent at one time).
        await page.GetByRole(AriaRole.Button, new() { Name = "改手机号码或其他信息" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("居民姓名")).ToHaveValueAsync("陈阿婆");
        await Assertions.Expect(page.GetByLabel("居民本人同意", new() { Exact = false })).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "输入短信验证码" })).ToBeVisibleAsync();
        var code = (await CodesAsync("13912347701")).Except(firstCodes).Single();
        await page.GetByLabel("短信验证码（6位数字）").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已收到您的上门服务申请");
        await PageChecks.AssertGoodAsync(page, Browser.AxeScript, "home-visit received");

        using var dispatcher = await Host.SignedInClientAsync("调度员吴", "dispatcher");
        var list = await dispatcher.GetStringAsync("/api/dispatch/home-visits", TestContext.Current.CancellationToken);
        Assert.Contains("陈阿婆", list);
    }

    [Fact]
    public async Task A_family_member_away_from_the_home_asks_by_address_alone_and_the_dispatcher_sees_the_place_is_to_be_set()
    {
        await using var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 320, Height = 640 }, BaseURL = Host.BaseAddress.ToString().TrimEnd('/'), Locale = "zh-CN",
        });
        await PageChecks.WatchCspAsync(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/api/pages/home-visit");
        // No map is configured here: nothing on the page asks to tap one.
        Assert.Equal(0, await page.Locator("#pin-map").CountAsync());
        Assert.DoesNotContain("地图", await page.Locator("main").InnerTextAsync());
        Assert.DoesNotContain("地图", await page.Locator("#location-status").GetAttributeAsync("data-failed"));
        await Assertions.Expect(page.GetByText("位置可以不填")).ToBeVisibleAsync();

        await page.GetByLabel("居民姓名").FillAsync("黄阿公");
        await page.GetByLabel("联系手机", new() { Exact = false }).FillAsync("13912347704");
        await page.GetByLabel("60岁以上老人").CheckAsync();
        await page.GetByLabel("详细地址", new() { Exact = false }).FillAsync("湖里区殿前街道高殿社区5号");
        await page.GetByLabel(new Regex("^12月1日 星期二 上午")).CheckAsync();
        await page.GetByLabel("居民本人同意", new() { Exact = false }).CheckAsync();
        // A place that cannot be read (half of one) is explained without a map.
        await page.Locator("#latitude").EvaluateAsync("e => e.value = '24.5'");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("位置可以不填");
        Assert.DoesNotContain("地图", await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        await page.Locator("#latitude").EvaluateAsync("e => e.value = ''");

        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "输入短信验证码" })).ToBeVisibleAsync();
        var code = (await CodesAsync("13912347704")).Single();
        await page.GetByLabel("短信验证码（6位数字）").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("按您填的地址");
        await PageChecks.AssertGoodAsync(page, Browser.AxeScript, "home-visit received by address alone");

        using var dispatcher = await Host.SignedInClientAsync("调度员吴", "dispatcher");
        var list = await dispatcher.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/dispatch/home-visits?pageSize=200&date=2026-12-01", TestContext.Current.CancellationToken);
        Assert.True(list.EnumerateArray().Single(r => r.GetProperty("residentName").GetString() == "黄阿公").GetProperty("locationPending").GetBoolean());
    }

    [Fact]
    public async Task A_resident_rates_a_served_appointment_from_the_link_and_a_low_rating_opens_a_follow_up()
    {
        var booked = await BookAsync("13912347702", new LocalDate(2026, 11, 27), new LocalTime(10, 0));
        var status = Host.Services.GetRequiredService<ChangeAppointmentStatus>();
        var staff = new StaffCaller("s01", "王伟", new HashSet<string> { "staff" });
        Assert.Null((await status.ApplyAsync("huli", booked.Appointment.Id, AppointmentAction.CheckIn, staff, TestContext.Current.CancellationToken)).Error);
        Assert.Null((await status.ApplyAsync("huli", booked.Appointment.Id, AppointmentAction.Serve, staff, TestContext.Current.CancellationToken)).Error);

        await Page.GotoAsync($"/api/pages/rate?token={Uri.EscapeDataString(booked.ManageToken)}");
        await PageChecks.AssertGoodAsync(Page, Browser.AxeScript, "rating");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("请选择1到5分");
        await Page.GetByLabel("2 不满意").CheckAsync();
        await Page.GetByLabel("原因（可不填）").FillAsync("窗口人员态度一般");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("感谢您的评价");

        var ratings = Host.Services.GetRequiredService<Scheduler.Core.Notifications.Ratings>();
        var followUp = (await ratings.FollowUpsAsync("huli", TestContext.Current.CancellationToken)).Single(f => f.Subject == $"appointment/{booked.Appointment.Id}");
        Assert.Equal(2, followUp.Score);
        Assert.Equal("窗口人员态度一般", followUp.Reason);

        await Page.GotoAsync($"/api/pages/rate?token={Uri.EscapeDataString(booked.ManageToken)}");
        await Page.GetByLabel("5 很满意").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("已经评价过了");
    }

    [Fact]
    public async Task On_the_local_phone_a_typed_reply_gets_its_answer()
    {
        var mobile = "13912347703";
        await BookAsync(mobile, new LocalDate(2026, 12, 1), new LocalTime(9, 30));
        await Page.GotoAsync("/api/pages/phone?to=%2B86" + mobile);
        // The inbox holds the verification code and, once the event is handled, the booking's confirmation.
        await Assertions.Expect(Page.Locator("#inbox li", new() { HasText = "已为您预约" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var before = await Page.Locator("#inbox li").CountAsync();
        await PageChecks.AssertGoodAsync(Page, Browser.AxeScript, "local phone");

        await Page.GetByLabel("回复").FillAsync("帮助");
        await Page.GetByRole(AriaRole.Button, new() { Name = "发送" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#inbox li.mine")).ToHaveTextAsync("帮助");
        await Assertions.Expect(Page.Locator("#inbox li")).ToHaveCountAsync(before + 2, new() { Timeout = 20_000 });
        // The answer is the help text (the choices one can reply), which no earlier message holds.
        await Assertions.Expect(Page.Locator("#inbox li:not(.mine)", new() { HasText = "1确认 2取消" })).ToBeVisibleAsync();
    }
}
