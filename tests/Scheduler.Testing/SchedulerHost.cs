using NodaTime;
using NodaTime.Testing;
using Scheduler.DevHost;
using Scheduler.Functions;
using Scheduler.Functions.Identity;
using Scheduler.Functions.Platform;

namespace Scheduler.Testing;

/// <summary>The real function app on a dev host against Azurite, with settings as in local.settings.sample.json.</summary>
public static class SchedulerHost
{
    /// <summary>
    /// "Now" for tests on the demo centre: Friday 2026-11-27 09:00 in Xiamen (the demo requests are for Monday
    /// 2026-11-30, the next working day).
    /// </summary>
    public static readonly Instant DemoNow = Instant.FromUtc(2026, 11, 27, 1, 0);

    /// <summary>A clock standing at <see cref="DemoNow"/>, for a test to move on.</summary>
    public static FakeClock DemoClock() => new(DemoNow);

    public const string SigningKey = "dGVzdC1vbmx5LXNpZ25pbmcta2V5LXRoYXQtaXMtbG9uZy1lbm91Z2g=";

    /// <summary>
    /// Every rate limit off (0): the tests all come from one address and book many times with one number. The abuse
    /// tests put the limits back (<see cref="WithRateLimits"/>).
    /// </summary>
    public static readonly string[] RateLimitSettings =
    [
        "BookingPerAddress", "BookingPerMobile", "CodesPerAddress", "CodesPerMobile", "HomeVisitPerAddress", "HomeVisitPerMobile", "HomeVisitPerResident",
        "ExtendedHoursPerAddress", "ExtendedHoursPerMobile", "TokenPagesPerAddress", "ReadsPerAddress",
    ];

    /// <summary>The deployment's own rate limits (the defaults), with the client's address taken from <c>X-Forwarded-For</c> so a test can speak from several.</summary>
    public static void WithRateLimits(Dictionary<string, string?> settings)
    {
        foreach (var name in RateLimitSettings) settings.Remove("RateLimits__" + name);
        settings["RateLimits__ClientAddressHeader"] = "X-Forwarded-For";
    }

    public static Dictionary<string, string?> Settings(string connectionString) => new Dictionary<string, string?>(RateLimitSettings.Select(n => KeyValuePair.Create("RateLimits__" + n, (string?)"0")))
    {
        ["RateLimits__ClientAddressHeader"] = "",
        ["SchedulerStorage"] = connectionString,
        ["Scheduler__CentreId"] = "huli",
        ["Scheduler__TimeZone"] = "Asia/Shanghai",
        ["Scheduler__PublicBaseUrl"] = "http://localhost:7071",
        ["Scheduler__TokenSigningKey"] = SigningKey,
        ["Scheduler__LoadDemoData"] = "true",
        ["DataKeys__Current"] = "v1",
        ["DataKeys__Keys__v1"] = "dGVzdHMtb25seS1kYXRhLWtleS12ZXJzaW9uLW9uZSE=",
        ["Planning__TimeLimitSeconds"] = "2",
        // A roster solved before each plan run's search would add seconds to every test that plans; the tests of the
        // joint planning turn it on (JointPlanningTests).
        ["Planning__PriceStaffTimeByHall"] = "false",
        // The tests' clocks stand still, so an instance's copy of an availability summary would never expire, and the hosts
        // on one Azurite take each other's events (whose consumer refreshes only its own instance's copy): off, so each
        // answer reads the summary. AvailabilityCacheTests turn it on, on hosts and clocks of their own.
        ["Availability__CacheSeconds"] = "0",
        ["Roster__TimeLimitSeconds"] = "10", // CP-SAT stops at the 1% gap well before; 2 s found no roster at all when CI ran every assembly at once
    };

    /// <summary>
    /// Starts the app; <paramref name="adjust"/> changes settings, <paramref name="replace"/> registers services over
    /// the app's own (a storage client whose identity is refused, say).
    /// </summary>
    public static Task<TestDevHost> StartAsync(string connectionString, IClock? clock = null, Action<Dictionary<string, string?>>? adjust = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? replace = null)
    {
        var settings = Settings(connectionString);
        adjust?.Invoke(settings);
        return TestDevHost.StartAsync(new DevHostOptions
        {
            FunctionsAssembly = typeof(ServiceRegistration).Assembly,
            Metadata = new GeneratedFunctionMetadataProvider(),
            ConfigureServices = (services, configuration) =>
            {
                services.AddScheduler(configuration);
                replace?.Invoke(services);
            },
            BeforeHttpFunction = Scheduler.Functions.Identity.RoleGate.BeforeHttpFunctionAsync,
            HostJsonPath = Path.Combine(AppContext.BaseDirectory, "host.json"),
            Settings = settings,
            Keys = TestDevHost.NewKeys(),
            Urls = "http://127.0.0.1:0",
            RunTimers = false,
            Clock = clock ?? DemoClock(),
            ConfigureLogging = TestDevHost.QuietLogging,
        });
    }
}
