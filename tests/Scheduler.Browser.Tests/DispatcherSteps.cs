using Microsoft.Playwright;

namespace Scheduler.Browser.Tests;

/// <summary>What a dispatcher does on the dispatcher page, as the browser tests and the screenshots do it.</summary>
internal static class DispatcherSteps
{
    /// <summary>
    /// Lists the requests still to decide and approves the first <paramref name="count"/>, each seen to leave the list.
    /// Each step waits for the list the page reads after it, so a click never lands on a row of a list about to be
    /// replaced (the filtered list, or the list before the previous approval).
    /// </summary>
    public static async Task ApproveSubmittedAsync(IPage page, int count)
    {
        static bool IsList(IResponse r) => r.Request.Method == "GET" && r.Url.Contains("/api/dispatch/home-visits?", StringComparison.Ordinal);
        var approve = page.Locator("#requests").GetByRole(AriaRole.Button, new() { Name = "批准", Exact = false });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.RunAndWaitForResponseAsync(() => page.GetByLabel("状态").SelectOptionAsync("Submitted"), IsList);
        for (var i = 0; i < count; i++)
        {
            await Assertions.Expect(approve.First).ToBeVisibleAsync();
            var name = await approve.First.GetAttributeAsync("aria-label")
                ?? throw new InvalidOperationException("An approve button has no accessible name.");
            var same = page.Locator("#requests").GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
            var before = await same.CountAsync();
            await page.RunAndWaitForResponseAsync(() => same.First.ClickAsync(), IsList);
            await Assertions.Expect(same).ToHaveCountAsync(before - 1);
        }
    }

    /// <summary>Plans Monday 2026-11-30 (the demo requests' day) and waits until the plan is shown.</summary>
    public static async Task PlanMondayAsync(IPage page)
    {
        await page.GetByLabel("日期", new() { Exact = true }).FillAsync("2026-11-30");
        await page.GetByRole(AriaRole.Button, new() { Name = "开始规划" }).ClickAsync();
        await Assertions.Expect(page.Locator("#progress")).ToContainTextAsync("规划完成", new() { Timeout = 60_000 });
    }
}
