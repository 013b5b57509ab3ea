using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scheduler.Testing;

/// <summary>How the stub answers one create-message request.</summary>
public enum StubAnswer
{
    /// <summary>201 with the message.</summary>
    Accept,

    /// <summary>500 with Twilio's error body.</summary>
    ServerError,

    /// <summary>429 Too Many Requests (error 20429).</summary>
    TooManyRequests,

    /// <summary>400 with error 21211 (invalid To).</summary>
    BadRequest,

    /// <summary>400 with error 21610 (the recipient unsubscribed).</summary>
    Unsubscribed,

    /// <summary>The message is taken, but the answer comes only after <see cref="TwilioStub.SlowAnswer"/> (the client has given up by then).</summary>
    TimeoutAfterAccept,
}

/// <summary>A message the stub took, as Twilio would hold it.</summary>
public sealed record StubMessage(string Sid, string To, string? From, string? MessagingServiceSid, string Body, string? StatusCallback, DateTime CreatedUtc);

/// <summary>
/// A local stand-in for Twilio's REST API on a free port, enough for the Messages resource: create (answering as
/// scripted: 201, 400, 21610, 429, 500, or a timeout after taking the message) and list by recipient (for the
/// look-up after a timeout). It counts what it took, so a test can check nothing was sent twice.
/// </summary>
public sealed class TwilioStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _next;

    private TwilioStub(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Answers for the next create requests, in order; when empty, <see cref="Choose"/> decides, else <see cref="StubAnswer.Accept"/>.</summary>
    public ConcurrentQueue<StubAnswer> Script { get; } = new();

    private readonly ConcurrentDictionary<string, ConcurrentQueue<StubAnswer>> _scripts = new();

    /// <summary>Answers for the next create requests to one number, before <see cref="Script"/>.</summary>
    public void ScriptFor(string to, params StubAnswer[] answers) => _scripts[to] = new ConcurrentQueue<StubAnswer>(answers);

    public Func<StubAnswer>? Choose { get; set; }

    public ConcurrentQueue<StubMessage> Taken { get; } = new();

    public int CreateRequests => _creates;
    private int _creates;

    public int LookupRequests => _lookups;
    private int _lookups;

    /// <summary>Make list requests answer 503, so a look-up fails.</summary>
    public bool FailLookups { get; set; }

    public TimeSpan SlowAnswer { get; set; } = TimeSpan.FromSeconds(4);

    public static async Task<TwilioStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new TwilioStub(app);
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", (HttpContext c, string account) => stub.CreateAsync(c, account));
        app.MapGet("/2010-04-01/Accounts/{account}/Messages.json", (HttpContext c, string account) => stub.List(c, account));
        await app.StartAsync();
        stub.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return stub;
    }

    private async Task<IResult> CreateAsync(HttpContext context, string account)
    {
        Interlocked.Increment(ref _creates);
        var form = await context.Request.ReadFormAsync();
        var answer = _scripts.TryGetValue(form["To"].ToString(), out var own) && own.TryDequeue(out var mine) ? mine
            : Script.TryDequeue(out var scripted) ? scripted : Choose?.Invoke() ?? StubAnswer.Accept;
        switch (answer)
        {
            case StubAnswer.ServerError: return Error(500, 20500, "Internal Server Error");
            case StubAnswer.TooManyRequests: return Error(429, 20429, "Too Many Requests");
            case StubAnswer.BadRequest: return Error(400, 21211, "The 'To' number is not a valid phone number.");
            case StubAnswer.Unsubscribed: return Error(400, 21610, "Attempt to send to unsubscribed recipient");
        }
        var message = new StubMessage("SM" + Interlocked.Increment(ref _next).ToString("x32", CultureInfo.InvariantCulture), form["To"].ToString(),
            form["From"].ToString() is { Length: > 0 } f ? f : null, form["MessagingServiceSid"].ToString() is { Length: > 0 } m ? m : null, form["Body"].ToString(),
            form["StatusCallback"].ToString() is { Length: > 0 } cb ? cb : null, DateTime.UtcNow);
        Taken.Enqueue(message);
        if (answer == StubAnswer.TimeoutAfterAccept)
        {
            try { await Task.Delay(SlowAnswer, context.RequestAborted); } catch (OperationCanceledException) { }
        }
        return Results.Content(JsonSerializer.Serialize(Json(account, message)), "application/json", statusCode: 201);
    }

    private IResult List(HttpContext context, string account)
    {
        Interlocked.Increment(ref _lookups);
        if (FailLookups) return Error(503, 20503, "Service Unavailable");
        var to = context.Request.Query["To"].ToString();
        var messages = Taken.Where(m => to.Length == 0 || m.To == to).OrderByDescending(m => m.CreatedUtc).Take(50).Select(m => Json(account, m)).ToList();
        var uri = $"/2010-04-01/Accounts/{account}/Messages.json";
        return Results.Content(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["messages"] = messages, ["first_page_uri"] = uri + "?PageSize=50&Page=0", ["next_page_uri"] = null, ["previous_page_uri"] = null,
            ["page"] = 0, ["page_size"] = 50, ["start"] = 0, ["end"] = messages.Count, ["uri"] = uri,
        }), "application/json");
    }

    private static Dictionary<string, object?> Json(string account, StubMessage m) => new()
    {
        ["sid"] = m.Sid, ["account_sid"] = account, ["to"] = m.To, ["from"] = m.From, ["messaging_service_sid"] = m.MessagingServiceSid, ["body"] = m.Body,
        ["status"] = "queued", ["direction"] = "outbound-api", ["num_segments"] = "1",
        ["date_created"] = m.CreatedUtc.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture),
        ["uri"] = $"/2010-04-01/Accounts/{account}/Messages/{m.Sid}.json",
    };

    private static IResult Error(int status, int code, string message) =>
        Results.Content(JsonSerializer.Serialize(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }), "application/json", statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
