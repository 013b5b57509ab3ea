using System.Net;
using System.Net.Sockets;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.DevHost.Tests;

public sealed class AzuriteLauncherTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_port_held_by_another_program_is_named_in_the_error()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var taken = ((IPEndPoint)listener.LocalEndpoint).Port;
        var free = AzuritePorts.Free();
        try
        {
            var error = await Assert.ThrowsAsync<DevHostSetupException>(() =>
                AzuriteLauncher.StartAsync(LocalSettings.FindRepositoryRoot(), new AzuritePorts(free.Blob, free.Queue, taken), null, _ => { },
                    TestContext.Current.CancellationToken));
            Assert.Contains($"Port {taken}", error.Message);
            Assert.Contains("another program", error.Message);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Missing_packages_and_no_lock_file_say_what_is_missing()
    {
        var empty = Directory.CreateTempSubdirectory("scheduler-no-npm");
        try
        {
            var error = await Assert.ThrowsAsync<DevHostSetupException>(() =>
                AzuriteLauncher.StartAsync(empty.FullName, AzuritePorts.Free(), null, _ => { }, TestContext.Current.CancellationToken));
            Assert.Contains("package-lock.json", error.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_azurite_already_running_is_used_not_started_again()
    {
        var ports = ParsePorts(azurite.ConnectionString);
        await using var launcher = await AzuriteLauncher.StartAsync(LocalSettings.FindRepositoryRoot(), ports, null, _ => { }, TestContext.Current.CancellationToken);
        Assert.False(launcher.StartedHere);
    }

    private static AzuritePorts ParsePorts(string connectionString)
    {
        int Port(string name) => new Uri(connectionString.Split(';').First(p => p.StartsWith(name + "=")).Split('=', 2)[1]).Port;
        return new AzuritePorts(Port("BlobEndpoint"), Port("QueueEndpoint"), Port("TableEndpoint"));
    }
}
