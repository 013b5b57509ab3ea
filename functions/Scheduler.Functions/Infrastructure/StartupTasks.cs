using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Core.Auditing;
using Scheduler.Core.Identity;
using Scheduler.Functions.Storage;

namespace Scheduler.Functions.Infrastructure;

/// <summary>
/// Runs once when the app starts, in Azure and in the dev host alike: creates the tables and queues that are
/// missing and, where <c>Scheduler:LoadDemoData</c> is on, loads the demo centre unless it is already loaded.
/// </summary>
public sealed class StartupTasks(StorageClients storage, CatalogueStore catalogue, AuditTrail audit,
    IOptions<SchedulerOptions> options, ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var table in StorageNames.Tables)
            await storage.Tables.CreateTableIfNotExistsAsync(table, cancellationToken);
        foreach (var queue in StorageNames.AllQueues)
            await storage.Queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        if (options.Value.LoadDemoData)
            await LoadDemoDataAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task LoadDemoDataAsync(CancellationToken cancellationToken)
    {
        var profile = DemoData.Load();
        var centre = profile.Centre.Id;
        if (await catalogue.IsLoadedAsync(centre, DemoData.Dataset, cancellationToken))
        {
            logger.LogInformation("Demo centre {Centre} already loaded", centre);
            return;
        }
        await catalogue.SaveAsync(profile, cancellationToken);
        if (await catalogue.MarkLoadedAsync(centre, DemoData.Dataset, cancellationToken))
        {
            await audit.RecordAsync(centre, new SystemCaller("demo-data"), "demo-data.loaded", $"centre/{centre}",
                $"{profile.Items.Count} items, {profile.Staff.Count} staff, {profile.Residents.Count} residents", cancellationToken);
            logger.LogInformation("Demo centre {Centre} loaded: {Items} items, {Staff} staff, {Residents} residents",
                centre, profile.Items.Count, profile.Staff.Count, profile.Residents.Count);
        }
    }
}
