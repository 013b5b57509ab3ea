using Xunit;

namespace Scheduler.Testing;

/// <summary>
/// One dev host with the demo centre for a whole test class (an xunit class fixture), its clock standing at
/// <see cref="SchedulerHost.DemoNow"/> for good: nothing can move it. A test that moves the clock starts a host of its
/// own with its own clock (<see cref="SchedulerHost.StartAsync"/>), so it cannot disturb the tests sharing this one.
/// </summary>
public class DemoHostFixture(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestDevHost? _host;

    public AzuriteFixture Azurite => azurite;
    public string ConnectionString => azurite.ConnectionString;
    public TestDevHost Host => _host ?? throw new InvalidOperationException("The dev host has not started.");

    public async ValueTask InitializeAsync()
    {
        _host = await StartAsync(azurite.ConnectionString);
        await OnStartedAsync(_host);
    }

    /// <summary>Starts the host; a fixture for a class that needs other settings starts it differently.</summary>
    protected virtual Task<TestDevHost> StartAsync(string connectionString) => SchedulerHost.StartAsync(connectionString);

    /// <summary>What the class needs once the host runs (a signed-in client, stored data).</summary>
    protected virtual Task OnStartedAsync(TestDevHost host) => Task.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
