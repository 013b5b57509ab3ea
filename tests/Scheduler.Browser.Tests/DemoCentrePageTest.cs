using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
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

    /// <summary>Books through the use case with a verified mobile (11 digits or E.164), as a resident who finished the pages would.</summary>
    protected async Task<Booked> BookAsync(string mobile, LocalDate date, LocalTime start, string itemId = "pension-certification")
    {
        var book = Host.Services.GetRequiredService<BookAppointment>();
        var e164 = mobile.StartsWith('+') ? mobile : "+86" + mobile;
        var proof = await VerifiedMobiles.ProofAsync(Host, "huli", e164, TestContext.Current.CancellationToken);
        var result = await book.BookAsync("huli", new BookCommand(itemId, null, date, start, "赵淑芬", mobile, null, null, "zh", Guid.NewGuid().ToString("N"),
            MobileProof: proof), AnonymousCaller.Instance, TestContext.Current.CancellationToken);
        Assert.Null(result.Error);
        return result.Value!;
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
