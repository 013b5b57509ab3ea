using Microsoft.Extensions.Logging.Abstractions;
using NodaTime.Testing;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Platform;
using Scheduler.Testing;

namespace Scheduler.Functions.Tests;

/// <summary>The appointment store as one instance of the app builds it, on Azurite, with its storage calls counted.</summary>
internal static class AppointmentStores
{
    /// <summary>The tables the store writes: a test class may run before any other has made them.</summary>
    public static async Task CreateTablesAsync(string connection)
    {
        foreach (var table in new[] { StorageNames.AppointmentsTable, StorageNames.AvailabilityTable })
            await new Azure.Data.Tables.TableClient(connection, table).CreateIfNotExistsAsync();
    }

    /// <summary>The events' queue is unreachable, so nothing a test commits leaves it.</summary>
    public static (TableAppointmentStore Store, StorageMeter Meter) Create(string connection, CounterHints? hints = null)
    {
        var meter = new StorageMeter();
        var clients = TestStorage.Clients(connection, queuesReachable: false, meter);
        var clock = new FakeClock(SchedulerHost.DemoNow);
        var store = new TableAppointmentStore(clients, new AppointmentEventPublisher(clients, clock, NullLogger<AppointmentEventPublisher>.Instance),
            new AvailabilitySummaries(clients, clock), NullLogger<TableAppointmentStore>.Instance, hints: hints);
        return (store, meter);
    }
}
