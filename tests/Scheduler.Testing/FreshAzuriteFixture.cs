using Xunit;

namespace Scheduler.Testing;

/// <summary>
/// An Azurite of a test class's own (a class fixture): for classes whose hosts run timers or read inboxes that other
/// classes' hosts on the shared Azurite would also serve.
/// </summary>
public sealed class FreshAzuriteFixture : IAsyncLifetime
{
    private AzuriteFixture? _azurite;

    public string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite has not started.");

    public async ValueTask InitializeAsync() => _azurite = await AzuriteFixture.StartFreshAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
