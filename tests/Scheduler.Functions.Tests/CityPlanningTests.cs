using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The nightly plan timer plans every centre of the deployment (ADR 0018): the default centre and a second one saved
/// to the catalogue each get one run and one <c>plan-requests</c> message for their next working day, and the timer
/// firing again queues nothing more. Runs the real timer function through the dev host's admin endpoint.
/// </summary>
public sealed class CityPlanningTests(DemoHostFixture fixture) : IClassFixture<DemoHostFixture>
{
    private const string Second = "haicang";
    private const string Third = "jimei";

    [Fact]
    public async Task The_nightly_timer_queues_one_run_per_centre_and_date_and_firing_again_queues_none()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = fixture.Host.Services;
        var demo = DemoData.Load();
        await services.GetRequiredService<CatalogueStore>().SaveAsync(demo with { Centre = demo.Centre with { Id = Second } }, ct);
        var defaultCentre = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SchedulerOptions>>().Value.CentreId;
        var centres = await services.GetRequiredService<ICentreList>().ListAsync(ct);
        Assert.Equal(defaultCentre, centres[0]);
        Assert.Contains(Second, centres);

        // Sunday evening in Xiamen: the next working day is Monday 2026-11-30.
        var clock = Assert.IsType<FakeClock>(services.GetRequiredService<IClock>());
        clock.Reset(Instant.FromUtc(2026, 11, 29, 12, 0));
        var monday = new LocalDate(2026, 11, 30);

        // The use case: one run and one message per centre and date; asked again, the same runs and no message.
        var planning = services.GetRequiredService<HomeVisitPlanning>();
        var meter = services.GetRequiredService<StorageMeter>();
        meter.Reset();
        meter.Recording = true;
        var first = await planning.PlanCityNextWorkingDayAsync([defaultCentre, Second], new Scheduler.Core.Identity.SystemCaller("nightly-plan"), ct);
        var firstSends = Sends(meter);
        meter.Reset();
        var second = await planning.PlanCityNextWorkingDayAsync([defaultCentre, Second], new Scheduler.Core.Identity.SystemCaller("nightly-plan"), ct);
        var secondSends = Sends(meter);
        meter.Recording = false;
        Assert.Equal(2, firstSends);
        Assert.Equal(0, secondSends);
        Assert.All(first.Concat(second), r => Assert.Equal(HomeVisitPlanning.NightlyId(monday), r.Outcome?.Value?.Id));
        Assert.Equal(first.Select(r => (r.CentreId, r.Outcome!.Value.Value!.RequestedAt)), second.Select(r => (r.CentreId, r.Outcome!.Value.Value!.RequestedAt)));

        // The timer itself: it lists the centres, so a third centre saved since is planned too, and the first two are not asked again.
        await services.GetRequiredService<CatalogueStore>().SaveAsync(demo with { Centre = demo.Centre with { Id = Third } }, ct);
        using var master = fixture.Host.KeyedClient(fixture.Host.Keys.MasterKey);
        using (var fired = await master.PostAsync("/admin/functions/PlanTomorrow", null, ct))
            Assert.Equal(HttpStatusCode.Accepted, fired.StatusCode);
        var runs = services.GetRequiredService<IPlanRunStore>();
        foreach (var (centre, requestedAt) in first.Select(r => (r.CentreId, r.Outcome!.Value.Value!.RequestedAt)).Append((Third, clock.GetCurrentInstant())))
        {
            var run = await runs.GetAsync(centre, HomeVisitPlanning.NightlyId(monday), ct);
            Assert.NotNull(run);
            Assert.Equal(centre, run.Run.CentreId);
            Assert.Equal(monday, run.Run.Date);
            Assert.Equal("system:nightly-plan", run.Run.RequestedBy);
            Assert.Equal(requestedAt, run.Run.RequestedAt);
        }
    }

    private static long Sends(StorageMeter meter) =>
        meter.Snapshot().Where(t => t.Service == "queue" && t.Resource == StorageNames.PlanRequestsQueue && t.Operation == "send").Sum(t => t.Written);
}
