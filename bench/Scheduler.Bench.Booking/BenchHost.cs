using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Catalogue;
using Scheduler.DevHost;
using Scheduler.Functions;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Identity;
using Scheduler.Functions.Platform;

namespace Scheduler.Bench.Booking;

/// <summary>
/// A fresh in-memory Azurite and the real function app on the dev host, with the demo centre saved with a 60-day
/// horizon and the clock fixed at Friday 2026-11-27 09:00 in Xiamen, so every run books the same slots.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    public static readonly Instant Now = Instant.FromUtc(2026, 11, 27, 1, 0);
    public static readonly LocalDate Today = new(2026, 11, 27);
    private AzuriteLauncher _azurite = null!;
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;
    public string ConnectionString => _azurite.ConnectionString;

    /// <summary>The processor time the bench's Azurite has used so far.</summary>
    public TimeSpan AzuriteProcessorTime => _azurite.ProcessorTime ?? TimeSpan.Zero;
    public CentreProfile Profile { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    /// <param name="runQueues">Whether the queue functions (the appointment events' consumer) run beside the HTTP functions.</param>
    /// <param name="countCalls">Whether the app's storage calls are counted by <see cref="StorageCallCounter"/>.</param>
    public static async Task<BenchHost> StartAsync(IReadOnlyDictionary<string, string?>? extra = null, Action<IServiceCollection>? replace = null, bool runQueues = true,
        bool countCalls = false)
    {
        var host = new BenchHost();
        var root = LocalSettings.FindRepositoryRoot();
        host._azurite = await AzuriteLauncher.StartAsync(root, AzuritePorts.Free(), null, Console.WriteLine, CancellationToken.None);
        var settings = new Dictionary<string, string?>
        {
            ["SchedulerStorage"] = host._azurite.ConnectionString,
            ["Scheduler__CentreId"] = "huli",
            ["Scheduler__TimeZone"] = "Asia/Shanghai",
            ["Scheduler__PublicBaseUrl"] = "http://localhost:7071",
            ["Scheduler__TokenSigningKey"] = "YmVuY2htYXJrLW9ubHktc2lnbmluZy1rZXktbG9uZy1lbm91Z2gtdG8tdXNl",
            ["Scheduler__LoadDemoData"] = "false",
            ["DataKeys__Current"] = "v1",
            ["DataKeys__Keys__v1"] = "YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzJieXRlcyE=",
            ["Sms__Provider"] = "local",
            // The bench's clock stands still: an instance's copy of a summary would never expire. Off unless a command
            // moves the clock and asks for it (the heat bench does).
            ["Availability__CacheSeconds"] = "0",
        };
        // All requests come from one address and the benchmark measures bookings, not the limits: every rate limit off.
        foreach (var name in Scheduler.Testing.SchedulerHost.RateLimitSettings) settings["RateLimits__" + name] = "0";
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        host._app = await DevHostApp.BuildAsync(new DevHostOptions
        {
            FunctionsAssembly = typeof(ServiceRegistration).Assembly,
            Metadata = new GeneratedFunctionMetadataProvider(),
            ConfigureServices = (services, configuration) =>
            {
                services.AddScheduler(configuration);
                if (countCalls)
                {
                    var tableOptions = new Azure.Data.Tables.TableClientOptions();
                    tableOptions.AddPolicy(StorageCallCounter.Instance, Azure.Core.HttpPipelinePosition.PerCall);
                    var queueOptions = new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 };
                    queueOptions.AddPolicy(StorageCallCounter.Instance, Azure.Core.HttpPipelinePosition.PerCall);
                    services.AddSingleton(new StorageClients(new Azure.Data.Tables.TableServiceClient(host._azurite.ConnectionString, tableOptions),
                        new Azure.Storage.Queues.QueueServiceClient(host._azurite.ConnectionString, queueOptions)));
                }
                replace?.Invoke(services);
            },
            BeforeHttpFunction = RoleGate.BeforeHttpFunctionAsync,
            HostJsonPath = Path.Combine(AppContext.BaseDirectory, "host.json"),
            Settings = settings,
            Keys = new FunctionKeys(FunctionKeys.NewKey(), FunctionKeys.NewKey()),
            Urls = "http://127.0.0.1:0",
            RunTimers = false,
            RunQueues = runQueues,
            Clock = new FakeClock(Now),
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Error).AddSimpleConsole(),
        });
        await host._app.StartAsync();
        host.BaseAddress = new Uri(host._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var demo = DemoData.Load();
        host.Profile = demo with { Booking = demo.Booking with { HorizonDays = 60 } };
        await host._app.Services.GetRequiredService<CatalogueStore>().SaveAsync(host.Profile, CancellationToken.None);
        return host;
    }

    /// <summary>
    /// Waits until the events' and the messages' queues have been empty for three seconds running (at most
    /// <paramref name="limit"/>, three minutes unless given).
    /// </summary>
    public static async Task DrainAsync(string connection, TimeSpan? limit = null)
    {
        var queues = new[] { StorageNames.AppointmentEventsQueue, StorageNames.SmsSendQueue }
            .Select(q => new Azure.Storage.Queues.QueueClient(connection, q)).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var empty = 0; empty < 3 && watch.Elapsed < (limit ?? TimeSpan.FromMinutes(3));)
        {
            await Task.Delay(1000);
            var counts = await Task.WhenAll(queues.Select(async q => (await q.GetPropertiesAsync()).Value.ApproximateMessagesCount));
            empty = counts.All(c => c == 0) ? empty + 1 : 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
