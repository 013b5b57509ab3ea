using Microsoft.Playwright;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>
/// A dispatcher on the local centre signs in, approves demo requests, plans the next working day, sees the plan on
/// the map and the timeline, and publishes it. The clock stands at Friday 2026-11-27 09:00, so the demo requests
/// are for Monday 2026-11-30.
/// </summary>
public sealed class DispatcherPageTests(DemoHostFixture demo, BrowserFixture browser)
    : DemoCentrePageTest(demo, browser, 1200, 900), IClassFixture<DemoHostFixture>
{
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

    [Fact]
    public async Task A_dispatcher_approves_plans_sees_and_publishes_the_day()
    {
        await Page.GotoAsync("/.auth/login");
        await Page.GetByLabel("Name").FillAsync("调度员吴");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Page.GotoAsync($"/api/pages/dispatch?code={Uri.EscapeDataString(Host.Keys.FunctionKey)}");
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "调度台" })).ToBeVisibleAsync();
        var approve = Page.GetByRole(AriaRole.Button, new() { Name = "批准", Exact = false });
        await Assertions.Expect(approve.First).ToBeVisibleAsync();
        for (var i = 0; i < 3; i++)
        {
            var before = await approve.CountAsync();
            await approve.First.ClickAsync();
            await Assertions.Expect(approve).ToHaveCountAsync(before - 1);
        }

        await Page.GetByLabel("日期").FillAsync("2026-11-30");
        await Page.GetByRole(AriaRole.Button, new() { Name = "开始规划" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("规划完成", new() { Timeout = 60_000 });
        Assert.True(await Page.Locator("#map path.leaflet-interactive").CountAsync() >= 1, "at least one route is drawn");
        Assert.True(await Page.Locator("#timeline .blk:not(.lunch)").CountAsync() >= 3, "the approved visits are on the timeline");
        await Assertions.Expect(Page.Locator("#kpis")).ToContainTextAsync("已安排");

        await Page.GetByRole(AriaRole.Button, new() { Name = "发布并通知" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("已发布");
    }
}
