using Microsoft.Playwright;

namespace Scheduler.Browser.Tests;

/// <summary>What a dispatcher does on the dispatcher page, as the browser tests and the screenshots do it.</summary>
internal static class DispatcherSteps
{
    /// <summary>Lists the requests still to decide and approves the first <paramref name="count"/>, each seen to leave the list.</summary>
    public static async Task ApproveSubmittedAsync(IPage page, int count)
    {
        var approve = page.GetByRole(AriaRole.Button, new() { Name = "批准", Exact = false });
        await page.GetByLabel("状态").SelectOptionAsync("Submitted");
        await Assertions.Expect(approve.First).ToBeVisibleAsync();
        for (var i = 0; i < count; i++)
        {
            var pager = page.Locator("#requests .pager span");
            var before = await pager.InnerTextAsync();
            await approve.First.ClickAsync();
            await Assertions.Expect(pager).Not.ToHaveTextAsync(before);
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
