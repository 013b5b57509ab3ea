using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Scheduler.DevHost;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>
/// The README's screenshots, taken from the real pages on the demo centre: resident pages at 320 px, the dispatcher's
/// page with a plan at 1,280 px. <c>scripts/screenshots.sh</c> runs this with <c>SCHEDULER_SCREENSHOTS</c> set to
/// docs/screenshots; otherwise the pictures go to a temporary folder and the test only checks they were taken.
/// </summary>
public sealed class ScreenshotTests(ScreenshotTests.OwnDemoHostFixture demo, BrowserFixture browser)
    : DemoCentrePageTest(demo, browser, 360, 740, "zh-CN"), IClassFixture<ScreenshotTests.OwnDemoHostFixture>
{
    /// <summary>
    /// The demo centre on an Azurite of its own: the dispatcher page's tests approve the same demo requests on the
    /// shared one at the same time, and the screenshots must show the demo day as a newcomer sees it.
    /// </summary>
    public sealed class OwnDemoHostFixture(AzuriteFixture shared) : DemoHostFixture(shared)
    {
        private AzuriteFixture? _own;

        protected override async Task<TestDevHost> StartAsync(string connectionString)
        {
            _own = await AzuriteFixture.StartFreshAsync();
            return await SchedulerHost.StartAsync(_own.ConnectionString);
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (_own is not null) await _own.DisposeAsync();
        }
    }

    private static readonly string Folder = Environment.GetEnvironmentVariable("SCHEDULER_SCREENSHOTS") is { Length: > 0 } f
        ? Path.GetFullPath(f, LocalSettings.FindRepositoryRoot())
        : Path.Combine(Path.GetTempPath(), "scheduler-screenshots-" + Guid.NewGuid().ToString("N")[..8]);

    private static async Task ShootAsync(IPage page, string name, bool fullPage = false)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });
        Assert.True(new FileInfo(path).Length > 5_000, $"{name}.png is empty");
    }

    [Fact]
    [Trait("Category", "Screenshots")]
    public async Task The_readme_screenshots_are_taken_from_the_real_pages()
    {
        await Page.GotoAsync("/api/pages/book");
        await ShootAsync(Page, "resident-1-services");
        await Page.GetByLabel("查找事项", new() { Exact = false }).FillAsync("ylj");
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^养老金资格认证") }).First.ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^11月30日 星期一") }).ClickAsync();
        await ShootAsync(Page, "resident-2-times");
        await Page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^上午9:30") }).ClickAsync();
        await Page.GetByLabel("办事人姓名").FillAsync("张秀英");
        await Page.GetByLabel("手机号码（接收短信）").FillAsync("13912349901");
        await ShootAsync(Page, "resident-3-details");
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" }).ClickAsync();
        await EnterCodeAsync("13912349901");
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("预约成功");
        await ShootAsync(Page, "resident-4-booked");
        await Page.GotoAsync("/api/pages/home-visit");
        await ShootAsync(Page, "home-visit-request");

        await using var wide = await PageChecks.ContextAsync(Browser.Browser, Host.BaseAddress, 1280, 900);
        var page = await wide.NewPageAsync();
        await page.GotoAsync("/.auth/login");
        await page.GetByLabel("Name").FillAsync("调度员吴");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GotoAsync($"/api/pages/dispatch?code={Uri.EscapeDataString(Host.Keys.FunctionKey)}");
        await DispatcherSteps.ApproveSubmittedAsync(page, 4);
        await DispatcherSteps.PlanMondayAsync(page);
        await page.GetByLabel("状态").SelectOptionAsync("");
        await ShootAsync(page, "dispatch", fullPage: true);
    }
}
