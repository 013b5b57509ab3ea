using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Scheduler.DevHost.TestFunctions;

/// <summary>What the test functions saw, for the tests to read. Keys separate tests that share the process.</summary>
public static class Observed
{
    public static readonly ConcurrentDictionary<string, int> Calls = new();
    public static readonly ConcurrentQueue<string> Processed = new();
    public static readonly ConcurrentDictionary<string, int> Attempts = new();
    public static int Ticks;
}

public sealed record Work(string Id, bool Fail, int DelayMs = 0);

public sealed class TestFunctions
{
    [Function("Ping")]
    public IActionResult Ping([HttpTrigger(AuthorizationLevel.Function, "get", Route = "ping/{tag}")] HttpRequest request, string tag)
        => new OkObjectResult(new { tag, count = Observed.Calls.AddOrUpdate(tag, 1, (_, n) => n + 1) });

    [Function("Open")]
    public IActionResult Open([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "open/{name}/{number:int}")] HttpRequest request, string name, int number)
        => new OkObjectResult(new { name, number, principal = request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"].ToString() });

    [Function("AdminOnly")]
    public IActionResult AdminOnly([HttpTrigger(AuthorizationLevel.Admin, "get", Route = "admin-only")] HttpRequest request)
        => new OkObjectResult(new { ok = true });

    [Function("Work")]
    public async Task Work([QueueTrigger("work", Connection = "TestStorage")] string message)
    {
        var work = JsonSerializer.Deserialize<Work>(message, JsonSerializerOptions.Web) ?? throw new InvalidDataException("null message");
        Observed.Attempts.AddOrUpdate(work.Id, 1, (_, n) => n + 1);
        if (work.DelayMs > 0) await Task.Delay(work.DelayMs);
        if (work.Fail) throw new InvalidOperationException($"work {work.Id} fails on purpose");
        Observed.Processed.Enqueue(work.Id);
    }

    [Function("Tick")]
    public void Tick([TimerTrigger("0 0 0 1 1 *")] TimerInfo timer) => Interlocked.Increment(ref Observed.Ticks);
}
