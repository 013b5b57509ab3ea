using Scheduler.DevHost;
using Xunit;

namespace Scheduler.Testing;

/// <summary>
/// Real storage for a test assembly: an Azurite of its own on free ports (in memory), or the one named by the
/// environment variable <c>SCHEDULER_TEST_STORAGE</c> (a connection string).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string Variable = "SCHEDULER_TEST_STORAGE";
    private AzuriteLauncher? _launcher;

    public string ConnectionString { get; private set; } = "";

    private readonly bool _fresh;

    public AzuriteFixture() : this(fresh: false)
    {
    }

    private AzuriteFixture(bool fresh) => _fresh = fresh;

    /// <summary>An Azurite of its own, empty, whatever the environment names; for tests that need storage nobody else touched.</summary>
    public static async Task<AzuriteFixture> StartFreshAsync()
    {
        var fixture = new AzuriteFixture(fresh: true);
        await fixture.InitializeAsync();
        return fixture;
    }

    public async ValueTask InitializeAsync()
    {
        if (!_fresh && Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }
        var root = LocalSettings.FindRepositoryRoot();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _launcher = await AzuriteLauncher.StartAsync(root, AzuritePorts.Free(), null, _ => { }, CancellationToken.None);
                ConnectionString = _launcher.ConnectionString;
                return;
            }
            catch (DevHostSetupException) when (attempt < 3)
            {
                // Another process took one of the free ports between the check and Azurite's start: pick again.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_launcher is not null) await _launcher.DisposeAsync();
    }
}
