using Scheduler.DevHost;
using Scheduler.DevHost.TestFunctions;
using Scheduler.Testing;

namespace Scheduler.DevHost.Tests;

/// <summary>The dev host running the small test function app against the assembly's Azurite.</summary>
internal static class TestApp
{
    public static Task<TestDevHost> StartAsync(AzuriteFixture azurite, bool runTimers = false) =>
        TestDevHost.StartAsync(new DevHostOptions
        {
            FunctionsAssembly = typeof(TestFunctions.TestFunctions).Assembly,
            Metadata = new GeneratedFunctionMetadataProvider(),
            ConfigureServices = (_, _) => { },
            HostJsonPath = Path.Combine(AppContext.BaseDirectory, "testfunctions.host.json"),
            Settings = new Dictionary<string, string?> { ["TestStorage"] = azurite.ConnectionString },
            Keys = TestDevHost.NewKeys(),
            Urls = "http://127.0.0.1:0",
            RunTimers = runTimers,
            // Every host here leases a message for one second only, so a function that runs longer (the slow-work
            // test) is taken again by any host of the assembly unless its lease is renewed while it runs.
            QueueLease = TimeSpan.FromSeconds(1),
            ConfigureLogging = TestDevHost.QuietLogging,
            Clock = new NodaTime.Testing.FakeClock(NodaTime.Instant.FromUtc(2026, 11, 27, 1, 0)),
        });
}
