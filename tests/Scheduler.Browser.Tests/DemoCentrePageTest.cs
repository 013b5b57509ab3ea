using Microsoft.Playwright;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>
/// A browser page on a fresh dev host with the demo centre, its clock at <see cref="SchedulerHost.DemoNow"/>: the
/// set-up every page test shares.
/// </summary>
public abstract class DemoCentrePageTest(AzuriteFixture azurite, BrowserFixture browser, int width, int height, string? locale = null)
    : IAsyncLifetime
{
    private IBrowserContext _context = null!;

    protected BrowserFixture Browser => browser;
    protected TestDevHost Host { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await SchedulerHost.StartAsync(azurite.ConnectionString, SchedulerHost.DemoClock());
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = Host.BaseAddress.ToString().TrimEnd('/'),
            Locale = locale,
        });
        Page = await _context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
