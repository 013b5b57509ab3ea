using System.Net.Http.Json;
using Microsoft.Playwright;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>
/// A browser page of its own for each test, on the test class's dev host with the demo centre (a class fixture),
/// its clock at <see cref="SchedulerHost.DemoNow"/>: the set-up every page test shares. Each concrete class
/// declares <c>IClassFixture&lt;DemoHostFixture&gt;</c>.
/// </summary>
public abstract class DemoCentrePageTest(DemoHostFixture demo, BrowserFixture browser, int width, int height, string? locale = null)
    : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    protected BrowserFixture Browser => browser;
    protected TestDevHost Host { get; } = demo.Host;
    protected IPage Page { get; private set; } = null!;
    protected IBrowserContext Context => _context;

    /// <summary>
    /// On the code screen of booking: reads the newest code sent to <paramref name="mobile"/> (11 digits) from the local
    /// inbox, as the resident reads it on the phone, types it and books.
    /// </summary>
    protected async Task EnterCodeAsync(string mobile, Func<ILocator, string, Task>? tap = null)
    {
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "输入短信验证码" })).ToBeVisibleAsync();
        var inbox = await Host.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/local/sms?to=%2B86{mobile}");
        var code = inbox.EnumerateArray().Select(m => System.Text.RegularExpressions.Regex.Match(m.GetProperty("text").GetString()!, "(?<![0-9])[0-9]{6}(?![0-9])"))
            .First(m => m.Success).Value;
        var field = Page.GetByLabel("短信验证码（6位数字）");
        var book = Page.GetByRole(AriaRole.Button, new() { Name = "确认预约" });
        if (tap is null)
        {
            await field.FillAsync(code);
            await book.ClickAsync();
            return;
        }
        await tap(field, "the code field");
        await Page.Keyboard.TypeAsync(code);
        await tap(book, "the book button after the code");
    }

    protected Task AssertGoodAsync(string what) => PageChecks.AssertGoodAsync(Page, browser.AxeScript, what);

    public async ValueTask InitializeAsync()
    {
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = Host.BaseAddress.ToString().TrimEnd('/'),
            Locale = locale,
        });
        await PageChecks.WatchCspAsync(_context);
        Page = await _context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
