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
            ConfigureLogging = TestDevHost.QuietLogging,
            Clock = new NodaTime.Testing.FakeClock(NodaTime.Instant.FromUtc(2026, 11, 27, 1, 0)),
        });
}
