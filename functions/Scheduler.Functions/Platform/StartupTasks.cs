using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Core.Auditing;
using Scheduler.Core.Identity;
using Scheduler.Core.HomeVisits.Requests;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Runs once when the app starts, in Azure and in the dev host alike: creates the tables and queues that are
/// missing and, where <c>Scheduler:LoadDemoData</c> is on, loads the demo centre unless it is already loaded.
/// </summary>
public sealed class StartupTasks(StorageClients storage, CatalogueStore catalogue, AuditTrail audit, IServiceProvider services, Core.Booking.ICentreDirectory centres, NodaTime.IClock clock,
    IOptions<SchedulerOptions> options, ILogger<StartupTasks> logger) : IHostedService
{
    private CancellationTokenSource? _retry;

    /// <summary>
    /// Tries once while the app starts; if storage cannot be reached, or the app's identity cannot get a token or is
    /// refused (a new deployment whose role assignments are still spreading), or a Key Vault reference is not resolved,
    /// the app still starts (health then says what failed) and the tasks are retried in the background until they succeed.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(cancellationToken);
        }
        catch (Exception e) when (DependencyProblems.IsDependencyFailure(e))
        {
            logger.LogError("Start-up tasks failed ({Error}); retrying in the background", DependencyProblems.Describe(e));
            _retry = new CancellationTokenSource();
            _ = RetryAsync(_retry.Token);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _retry?.Cancel();
        return Task.CompletedTask;
    }

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        for (var delay = TimeSpan.FromSeconds(5); !cancellationToken.IsCancellationRequested; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(5).Ticks)))
        {
            try
            {
                await Task.Delay(delay, cancellationToken);
                await RunAsync(cancellationToken);
                logger.LogInformation("Start-up tasks succeeded on retry");
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError("Start-up tasks failed again ({Error})", DependencyProblems.IsDependencyFailure(e) ? DependencyProblems.Describe(e) : e.Message);
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var table in StorageNames.Tables)
            await storage.Tables.CreateTableIfNotExistsAsync(table, cancellationToken);
        foreach (var queue in StorageNames.AllQueues)
            await storage.Queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await OrderHomeVisitRequestsAsync(options.Value.CentreId, cancellationToken);
        if (options.Value.LoadDemoData)
        {
            foreach (var demo in DemoData.Centres)
            {
                await LoadDemoDataAsync(demo, cancellationToken);
                await LoadDemoHomeVisitsAsync(demo, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Once per centre: the ordered copies of home-visit requests stored before the dispatcher's list was paged by
    /// range (ADR 0025); requests since are written with theirs.
    /// </summary>
    private async Task OrderHomeVisitRequestsAsync(string centreId, CancellationToken cancellationToken)
    {
        const string dataset = "home-visit-requests-ordered";
        if (await catalogue.IsLoadedAsync(centreId, dataset, cancellationToken)) return;
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<global::Scheduler.Functions.HomeVisits.TableHomeVisitStore>(services);
        var added = await store.OrderExistingAsync(centreId, cancellationToken);
        await catalogue.MarkLoadedAsync(centreId, dataset, cancellationToken);
        if (added > 0) logger.LogInformation("Home-visit requests given their place in the dispatcher's list: {Count}", added);
    }

    /// <summary>
    /// Demo home-visit requests from a demo centre's residents for the next working day, made through the same
    /// validation as any request, once per day (so a dispatcher always finds requests to approve and a day to plan).
    /// </summary>
    private async Task LoadDemoHomeVisitsAsync(string demo, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(demo, cancellationToken);
        if (centre is null) return;
        // Resolved only here: it needs the pseudonyms' key, which may still be an unresolved Key Vault reference at start.
        var homeVisits = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<HomeVisitService>(services);
        var profile = centre.Profile;
        var day = centre.Calendar.NextWorkingDay(centre.Calendar.Today(clock.GetCurrentInstant()));
        var dataset = $"demo-home-visits-{day:yyyyMMdd}";
        if (await catalogue.IsLoadedAsync(profile.Centre.Id, dataset, cancellationToken)) return;
        string[] items = ["pension-certification", "elderly-allowance", "disability-subsidy", "medical-insurance-enrolment", "id-card-renewal",
            "subsistence-allowance", "real-estate-registration", "household-transfer"];
        (NodaTime.LocalTime From, NodaTime.LocalTime To)[] windows =
            [(new(9, 0), new(11, 0)), (new(10, 0), new(12, 0)), (new(13, 30), new(15, 30)), (new(14, 30), new(16, 30)), (new(9, 30), new(11, 30)), (new(15, 0), new(17, 0))];
        var created = 0;
        foreach (var (resident, i) in profile.Residents.Where(r => r.Eligibility.Count > 0).Take(12).Select((r, i) => (r, i)))
        {
            var w = windows[i % windows.Length];
            var result = await homeVisits.SubmitAsync(profile.Centre.Id, new SubmitHomeVisit(resident.Name, resident.Mobile, null, resident.Eligibility[0],
                new LocationInput(resident.Home.Latitude, resident.Home.Longitude), resident.Address, items[i % items.Length],
                [new WindowInput(day, w.From, w.To)], i % 5 == 0 ? Core.HomeVisits.VisitUrgency.Urgent : Core.HomeVisits.VisitUrgency.Routine, null),
                new SystemCaller("demo-data"), "demo", cancellationToken);
            if (result.Error is null) created++;
            else logger.LogWarning("Demo home-visit request for {Resident} refused: {Reason}", resident.Id, result.Error.Message);
        }
        await catalogue.MarkLoadedAsync(profile.Centre.Id, dataset, cancellationToken);
        logger.LogInformation("Demo home-visit requests for {Day}: {Count}", day, created);
    }

    private async Task LoadDemoDataAsync(string demo, CancellationToken cancellationToken)
    {
        var profile = DemoData.Load(demo);
        var centre = profile.Centre.Id;
        var dataset = DemoData.DatasetOf(demo);
        if (await catalogue.IsLoadedAsync(centre, dataset, cancellationToken))
        {
            logger.LogInformation("Demo centre {Centre} already loaded", centre);
            return;
        }
        await catalogue.SaveAsync(profile, cancellationToken);
        if (await catalogue.MarkLoadedAsync(centre, dataset, cancellationToken))
        {
            await audit.RecordAsync(centre, new SystemCaller("demo-data"), "demo-data.loaded", $"centre/{centre}",
                $"{profile.Items.Count} items, {profile.Staff.Count} staff, {profile.Residents.Count} residents", cancellationToken);
            logger.LogInformation("Demo centre {Centre} loaded: {Items} items, {Staff} staff, {Residents} residents",
                centre, profile.Items.Count, profile.Staff.Count, profile.Residents.Count);
        }
    }
}
