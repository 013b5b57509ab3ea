using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Scheduler.DevHost;

/// <summary>What a dev host runs: a worker's functions, its services, its host.json and settings.</summary>
public sealed class DevHostOptions
{
    public required Assembly FunctionsAssembly { get; init; }
    public required IFunctionMetadataProvider Metadata { get; init; }

    /// <summary>The worker's own service registration (the same call its <c>Program.cs</c> makes).</summary>
    public required Action<IServiceCollection, IConfiguration> ConfigureServices { get; init; }

    public required string HostJsonPath { get; init; }

    /// <summary>App settings as in <c>local.settings.json</c>'s <c>Values</c> (<c>__</c> separates sections).</summary>
    public required IReadOnlyDictionary<string, string?> Settings { get; init; }

    public required FunctionKeys Keys { get; init; }
    public string Urls { get; init; } = "http://localhost:7071";
    /// <summary>A clock to use instead of the one the app registers (tests fix the time with it); the timers read it too.</summary>
    public IClock? Clock { get; init; }
    public bool RunTimers { get; init; } = true;
    /// <summary>
    /// The app's own step before an HTTP function runs, as its worker middleware is in the Functions host: false when
    /// it has answered the request itself (the function then does not run).
    /// </summary>
    public Func<IServiceProvider, HttpContext, System.Reflection.MethodInfo, Task<bool>>? BeforeHttpFunction { get; init; }

    /// <summary>Poll the queues the functions read (off only where a benchmark measures the HTTP path alone).</summary>
    public bool RunQueues { get; init; } = true;
    /// <summary>How long a received queue message stays hidden; renewed at half of it while its function runs (tests shorten it).</summary>
    public TimeSpan QueueLease { get; init; } = QueueListener.DefaultLease;
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}

/// <summary>
/// Builds the local host: Kestrel serving the worker's HTTP functions under the route prefix with function keys
/// enforced, a poller per queue trigger, a scheduler per timer trigger, <c>POST /admin/functions/{name}</c> and the
/// local sign-in. It adds nothing of the app's own: every route, queue and schedule comes from the metadata.
/// </summary>
public static class DevHostApp
{
    public static async Task<WebApplication> BuildAsync(DevHostOptions options)
    {
        var model = await FunctionAppModel.LoadAsync(options.Metadata, options.FunctionsAssembly);
        var settings = HostSettings.Load(options.HostJsonPath);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Development,
            ContentRootPath = Path.GetDirectoryName(options.HostJsonPath),
            Args = [],
        });
        builder.Configuration.AddInMemoryCollection(options.Settings.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":"), kv.Value)));
        // The dev host emulates App Service authentication (see LocalSignIn), so it says so as App Service does.
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>("WEBSITE_AUTH_ENABLED", "True")]);
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        if (options.ConfigureLogging is null) builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        else options.ConfigureLogging(builder.Logging);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Azure.Core", LogLevel.Warning);

        var services = builder.Services;
        if (options.Clock is not null) services.AddSingleton(options.Clock);
        options.ConfigureServices(services, builder.Configuration);
        services.AddMvcCore();
        services.AddRouting();
        services.AddSingleton(model);
        services.AddSingleton(settings);
        services.AddSingleton(options.Keys);
        services.AddSingleton<FunctionInvoker>();
        services.AddSingleton(options);
        foreach (var queue in model.Queues)
        {
            var connection = builder.Configuration[queue.Connection]
                ?? throw new DevHostSetupException($"Function '{queue.Name}' reads queue '{queue.QueueName}' through setting '{queue.Connection}', which is not set.");
            if (options.RunQueues)
                services.AddSingleton<IHostedService>(sp => new QueueListener(queue, new QueueServiceClient(connection),
                sp.GetRequiredService<FunctionInvoker>(), settings, sp.GetRequiredService<ILogger<QueueListener>>()) { Lease = options.QueueLease });
        }
        foreach (var timer in model.Timers)
        {
            TimerScheduler.Parse(timer.Schedule);
            if (options.RunTimers)
                services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerScheduler>(sp, timer));
        }

        var app = builder.Build();
        app.UsePrincipalFromCookie();
        app.UseRouting();
        foreach (var function in model.Http)
        {
            var template = string.IsNullOrEmpty(settings.RoutePrefix) ? function.Route : $"{settings.RoutePrefix}/{function.Route}";
            app.MapMethods(template, function.Methods, context => ServeAsync(context, function)).WithDisplayName(function.Name);
        }
        app.MapPost("/admin/functions/{name}", (HttpContext context, string name) => InvokeNowAsync(context, name));
        app.MapSignIn();
        app.MapFallback(context => WriteProblemAsync(context, StatusCodes.Status404NotFound, "Not found.", $"Nothing answers {context.Request.Method} {context.Request.Path}."));
        return app;
    }

    private static async Task ServeAsync(HttpContext context, HttpFunctionEntry function)
    {
        var keys = context.RequestServices.GetRequiredService<FunctionKeys>();
        if (function.AuthLevel != AuthLevel.Anonymous && !KeyAccepted(context.Request, keys, adminOnly: function.AuthLevel == AuthLevel.Admin))
        {
            await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Not authorized.",
                "A valid function key is required in the x-functions-key header or the code query parameter.");
            return;
        }
        if (context.RequestServices.GetRequiredService<DevHostOptions>().BeforeHttpFunction is { } before
            && !await before(context.RequestServices, context, function.Method))
            return;
        var invoker = context.RequestServices.GetRequiredService<FunctionInvoker>();
        object? result;
        try
        {
            result = await invoker.InvokeAsync(function, new TriggerInput(Http: context), context.RequestAborted);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("DevHost")
                .LogError(e, "Function {Function} failed", function.Name);
            await WriteProblemAsync(context, StatusCodes.Status500InternalServerError, "The function failed.", "See the host's log.");
            return;
        }
        await FunctionInvoker.WriteResultAsync(context, result);
    }

    private static async Task InvokeNowAsync(HttpContext context, string name)
    {
        if (!KeyAccepted(context.Request, context.RequestServices.GetRequiredService<FunctionKeys>(), adminOnly: true))
        {
            await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Not authorized.", "The master key is required in the x-functions-key header.");
            return;
        }
        var model = context.RequestServices.GetRequiredService<FunctionAppModel>();
        var function = model.Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
        if (function is null or HttpFunctionEntry)
        {
            await WriteProblemAsync(context, StatusCodes.Status404NotFound, "Not found.", $"No timer or queue function is named '{name}'.");
            return;
        }
        var invoker = context.RequestServices.GetRequiredService<FunctionInvoker>();
        TriggerInput input;
        if (function is TimerFunctionEntry timer)
        {
            var now = context.RequestServices.GetRequiredService<IClock>().GetCurrentInstant().ToDateTimeUtc();
            input = new TriggerInput(Timer: new Microsoft.Azure.Functions.Worker.TimerInfo
            {
                ScheduleStatus = new Microsoft.Azure.Functions.Worker.ScheduleStatus { Next = TimerScheduler.Parse(timer.Schedule).GetNextOccurrence(now), LastUpdated = now },
            });
        }
        else
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            string? text = null;
            try
            {
                text = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("input").GetString();
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
            }
            if (text is null)
            {
                await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "The request is not valid.", "The body must be {\"input\": \"<message text>\"}.");
                return;
            }
            input = new TriggerInput(QueueMessage: text);
        }
        try
        {
            await invoker.InvokeAsync(function, input, context.RequestAborted);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("DevHost").LogError(e, "Function {Function} failed", function.Name);
            await WriteProblemAsync(context, StatusCodes.Status500InternalServerError, "The function failed.", "See the host's log.");
            return;
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    internal static bool KeyAccepted(HttpRequest request, FunctionKeys keys, bool adminOnly)
    {
        var offered = request.Headers["x-functions-key"].ToString();
        if (offered.Length == 0) offered = request.Query["code"].ToString();
        if (offered.Length == 0) return false;
        return Same(offered, keys.MasterKey) || (!adminOnly && Same(offered, keys.FunctionKey));
    }

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail) =>
        // The same problem type URIs as the function app's own answers (Problems.Of).
        Results.Problem(statusCode: status, title: title, detail: detail, type: $"https://httpstatuses.io/{status}").ExecuteAsync(context);
}
