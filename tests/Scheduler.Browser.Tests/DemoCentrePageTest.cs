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
