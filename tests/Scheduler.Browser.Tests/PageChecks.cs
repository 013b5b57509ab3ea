using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>
/// What every page is held to: no axe-core violations of WCAG 2.2 A and AA, no sideways scrolling of the page (wide
/// tables and the timeline scroll inside their own region), and nothing the Content-Security-Policy had to block.
/// axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the page keeps its real
/// policy while it is checked.
/// </summary>
public static class PageChecks
{
    public const string CspWatch =
        "document.addEventListener('securitypolicyviolation', e => { (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });";

    public static async Task WatchCspAsync(IBrowserContext context) => await context.AddInitScriptAsync(CspWatch);

    public static async Task<List<string>> ViolationsAsync(IPage page, string axeScript)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'")) await page.EvaluateAsync(axeScript + "\n;true");
        var json = await page.EvaluateAsync<JsonElement>(
            "async () => { const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22a','wcag22aa'] } });" +
            " return r.violations.map(v => ({ id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3) })); }");
        return json.EnumerateArray().Select(v => $"{v.GetProperty("id").GetString()}: {v.GetProperty("nodes")}").ToList();
    }

    public static async Task AssertGoodAsync(IPage page, string axeScript, string what)
    {
        var violations = await ViolationsAsync(page, axeScript);
        Assert.True(violations.Count == 0, $"{what} has accessibility violations:\n{string.Join("\n", violations)}");
        var width = await page.EvaluateAsync<int>("() => window.innerWidth");
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 1, $"{what} scrolls sideways by {overflow} px at {width} px");
        var blocked = await page.EvaluateAsync<string[]>("() => window.__csp || []");
        Assert.True(blocked.Length == 0, $"{what}: the Content-Security-Policy blocked {string.Join(", ", blocked)}");
    }

    /// <summary>
    /// <see cref="AssertGoodAsync"/> as the page is, then again with the text at twice its size (as a browser's text
    /// size of 200% does: the root font size doubled, everything in rem and em following), then the size restored.
    /// </summary>
    public static async Task AssertGoodWithLargeTextAsync(IPage page, string axeScript, string what)
    {
        await AssertGoodAsync(page, axeScript, what);
        await page.EvaluateAsync("() => { const r = document.documentElement; r.dataset.fs = r.style.fontSize; r.style.fontSize = (2 * parseFloat(getComputedStyle(r).fontSize)) + 'px'; }");
        await AssertGoodAsync(page, axeScript, what + " with the text at 200%");
        await page.EvaluateAsync("() => { const r = document.documentElement; r.style.fontSize = r.dataset.fs; delete r.dataset.fs; }");
    }

    public static async Task<IBrowserContext> ContextAsync(IBrowser browser, Uri baseAddress, int width, int height = 800, string? locale = "zh-CN")
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            Locale = locale,
        });
        await WatchCspAsync(context);
        return context;
    }
}
