using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>
/// A resident books, moves and cancels through the pages in a real browser against the dev host, on a 320 px wide
/// phone; every page passes axe-core's WCAG 2 A and AA rules. The clock stands at Friday 2026-11-27 09:00 in Xiamen.
/// </summary>
public sealed class ResidentPagesTests(DemoHostFixture demo, BrowserFixture browser)
    : DemoCentrePageTest(demo, browser, 320, 640, "zh-CN"), IClassFixture<DemoHostFixture>
{
    private async Task<List<string>> ViolationsAsync()
    {
        await Page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = Browser.AxeScript });
        var json = await Page.EvaluateAsync<JsonElement>(
            "async () => { const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa'] } });" +
            " return r.violations.map(v => ({ id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3) })); }");
        return json.EnumerateArray().Select(v => $"{v.GetProperty("id").GetString()}: {v.GetProperty("nodes")}").ToList();
    }

    private async Task AssertAccessibleAsync(string what)
    {
        var violations = await ViolationsAsync();
        Assert.True(violations.Count == 0, $"{what} has accessibility violations:\n{string.Join("\n", violations)}");
        var overflow = await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, $"{what} scrolls sideways at 320 px");
    }

    [Fact]
    public async Task A_resident_books_moves_and_cancels_on_a_small_phone()
    {
        await Page.GotoAsync("/api/pages/book");
        await AssertAccessibleAsync("choose a service");
        await Page.GetByRole(AriaRole.Link, new() { Name = "养老金资格认证" }).ClickAsync();

        await AssertAccessibleAsync("choose a time");
        await Page.GetByRole(AriaRole.Link, new() { NameString = "11月30日 星期一" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "上午9:00", Exact = true }).ClickAsync();

        await AssertAccessibleAsync("details");
        await Page.GetByLabel("办事人姓名").FillAsync("<script>alert(1)</script>张秀英");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync("13912340001");
        await Page.GetByRole(AriaRole.Button, new() { Name = "获取验证码" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("验证码已发送");
        await AssertAccessibleAsync("details with a code sent");
        var inbox = await Host.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/local/sms?to=%2B8613912340001");
        var code = System.Text.RegularExpressions.Regex.Match(inbox[0].GetProperty("text").GetString()!, "[0-9]{6}").Value;
        await Page.GetByLabel("短信验证码（本机已验证过的号码可不填）").FillAsync(code);
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("预约成功");
        await Assertions.Expect(Page.Locator("dl")).ToContainTextAsync("11月30日 星期一 上午9:00");
        await Assertions.Expect(Page.Locator("dl")).ToContainTextAsync("<script>alert(1)</script>张秀英");
        await AssertAccessibleAsync("confirmation");

        await Page.GetByRole(AriaRole.Link, new() { Name = "查看、改期或取消" }).ClickAsync();
        await AssertAccessibleAsync("manage");
        await Page.GetByRole(AriaRole.Link, new() { Name = "改到其他时间" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { NameString = "12月1日 星期二" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "下午2:30", Exact = true }).ClickAsync();
        await AssertAccessibleAsync("confirm the move");
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认改期" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("已改期");
        await Assertions.Expect(Page.Locator("dl")).ToContainTextAsync("12月1日 星期二 下午2:30");

        await Page.GetByRole(AriaRole.Button, new() { Name = "取消预约" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("已取消");
        await Assertions.Expect(Page.Locator("dl")).ToContainTextAsync("已取消");
        await AssertAccessibleAsync("cancelled");
        Assert.Equal(0, await Page.GetByRole(AriaRole.Button, new() { Name = "取消预约" }).CountAsync());
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
        await AssertAccessibleAsync("details with an error");
    }

    [Fact]
    public async Task The_accessibility_check_finds_what_it_should()
    {
        await Page.SetContentAsync("<html><body><img src='x.png'><a href='#'></a><p style='color:#777;background:#888'>low contrast</p></body></html>");
        var violations = await ViolationsAsync();
        Assert.Contains(violations, v => v.StartsWith("image-alt"));
        Assert.Contains(violations, v => v.StartsWith("html-has-lang"));
        Assert.Contains(violations, v => v.StartsWith("color-contrast"));
    }

    [Fact]
    public async Task A_forged_link_shows_a_plain_explanation()
    {
        var response = await Page.GotoAsync("/api/pages/manage?token=not-a-real-token");
        Assert.Equal(401, response!.Status);
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("链接无效或已过期");
        await AssertAccessibleAsync("bad link");
    }

    [Fact]
    public async Task Pages_stay_usable_at_200_percent_zoom()
    {
        await using var zoomed = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 640, Height = 800 },
            DeviceScaleFactor = 1,
            BaseURL = Host.BaseAddress.ToString().TrimEnd('/'),
        });
        var page = await zoomed.NewPageAsync();
        await page.GotoAsync("/api/pages/book/slots?service=bundle.open-restaurant");
        await page.EvaluateAsync("() => { document.body.style.zoom = '200%'; }");
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the slot page scrolls sideways at 200% zoom");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
    }
}
