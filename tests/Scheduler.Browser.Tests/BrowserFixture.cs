using Microsoft.Playwright;
using NodaTime;
using NodaTime.Testing;
using Scheduler.DevHost;
using Scheduler.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]
[assembly: AssemblyFixture(typeof(Scheduler.Browser.Tests.BrowserFixture))]

namespace Scheduler.Browser.Tests;

/// <summary>
/// Debian's chromium (no browser download: <c>/usr/bin/chromium</c>, or <c>CHROMIUM_PATH</c>) driven by Playwright,
/// and axe-core from the repository's npm packages for accessibility checks.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public string AxeScript { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(path)) throw new InvalidOperationException($"Chromium is not installed at {path} (apt-get install chromium).");
        var axe = Path.Combine(LocalSettings.FindRepositoryRoot(), "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(axe)) throw new InvalidOperationException($"axe-core is missing at {axe} (npm ci).");
        AxeScript = await File.ReadAllTextAsync(axe);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
