using NodaTime;
using NodaTime.Testing;
using Scheduler.DevHost;
using Scheduler.Functions;
using Scheduler.Functions.Infrastructure;

namespace Scheduler.Testing;

/// <summary>The real function app on a dev host against Azurite, with settings as in local.settings.sample.json.</summary>
public static class SchedulerHost
{
    public const string SigningKey = "dGVzdC1vbmx5LXNpZ25pbmcta2V5LXRoYXQtaXMtbG9uZy1lbm91Z2g=";

    public static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["SchedulerStorage"] = connectionString,
        ["Scheduler__CentreId"] = "huli",
        ["Scheduler__TimeZone"] = "Asia/Shanghai",
        ["Scheduler__PublicBaseUrl"] = "http://localhost:7071",
        ["Scheduler__TokenSigningKey"] = SigningKey,
        ["Scheduler__LoadDemoData"] = "true",
        ["Planning__TimeLimitSeconds"] = "2",
    };

    public static Task<TestDevHost> StartAsync(string connectionString, IClock? clock = null, Action<Dictionary<string, string?>>? adjust = null)
    {
        var settings = Settings(connectionString);
        adjust?.Invoke(settings);
        return TestDevHost.StartAsync(new DevHostOptions
        {
            FunctionsAssembly = typeof(ServiceRegistration).Assembly,
            Metadata = new GeneratedFunctionMetadataProvider(),
            ConfigureServices = (services, configuration) => services.AddScheduler(configuration),
            HostJsonPath = Path.Combine(AppContext.BaseDirectory, "host.json"),
            Settings = settings,
            Keys = TestDevHost.NewKeys(),
            Urls = "http://127.0.0.1:0",
            RunTimers = false,
            Clock = clock ?? new FakeClock(Instant.FromUtc(2026, 11, 27, 1, 0)),
            ConfigureLogging = TestDevHost.QuietLogging,
        });
    }
}
