using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Scheduler.Testing;
using Xunit;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

public sealed class DemoDataTests(AzuriteFixture azurite)
{
    [Fact]
    public void The_demo_centre_is_consistent_and_has_what_the_brief_describes()
    {
        var p = DemoData.Load();

        Assert.Equal(["business", "construction", "social"], p.Categories.Select(c => c.Id).Order().ToList());
        Assert.InRange(p.Items.Count, 18, 25);
        Assert.Equal(2, p.Bundles.Count);
        Assert.Equal(12, p.Staff.Count);
        Assert.Equal(30, p.Residents.Count);
        Assert.True(p.Lunch.Staffed);
        Assert.Contains(p.ExtendedSessions, e => e.Weekly is not null && e.Opens >= new NodaTime.LocalTime(17, 0));
        Assert.Contains(p.CalendarDays, d => d.Kind == Core.Calendar.DayKind.PublicHoliday);
        Assert.Contains(p.CalendarDays, d => d.Kind == Core.Calendar.DayKind.AdjustedWorkingDay);
        Assert.Contains(p.Items, i => i.HomeVisit is { TeamSize: > 1 });
        Assert.All(p.Residents, r => Assert.InRange(r.Home.Latitude, 24.48, 24.56));
        Assert.All(p.Residents, r => Assert.InRange(r.Home.Longitude, 118.07, 118.20));
        Assert.All(p.Items, i => Assert.False(string.IsNullOrWhiteSpace(i.Name.Zh) || string.IsNullOrWhiteSpace(i.Name.En)));
    }

    [Fact]
    public async Task Hosts_starting_together_load_the_demo_centre_once()
    {
        var fresh = await AzuriteFixture.StartFreshAsync();
        try
        {
            var hosts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SchedulerHost.StartAsync(fresh.ConnectionString)));
            try
            {
                var centre = await hosts[0].Client.GetFromJsonAsync<JsonElement>("/api/centre", TestContext.Current.CancellationToken);
                Assert.Equal(DemoData.Load().Items.Count, centre.GetProperty("items").GetArrayLength());
                Assert.False(centre.TryGetProperty("staff", out _));
                Assert.False(centre.TryGetProperty("residents", out _));

                var audit = new TableClient(fresh.ConnectionString, StorageNames.AuditTable);
                // Once per demo centre (Huli and Siming), whichever host got there first.
                var loads = audit.Query<TableEntity>(e => e.GetString("Action") == "demo-data.loaded", cancellationToken: TestContext.Current.CancellationToken).ToList();
                Assert.Equal(["centre/huli", "centre/siming"], loads.Select(l => l.GetString("Subject")).Order(StringComparer.Ordinal));
                Assert.All(loads, l => Assert.Equal("system:demo-data", l.GetString("Actor")));

                var catalogue = new TableClient(fresh.ConnectionString, StorageNames.CatalogueTable);
                var rows = catalogue.Query<TableEntity>(e => e.PartitionKey == "huli", cancellationToken: TestContext.Current.CancellationToken).Count();
                var p = DemoData.Load();
                var expected = 4 + p.Categories.Count + p.Skills.Count + p.Items.Count + p.Bundles.Count + p.Opening.Count +
                    p.ExtendedSessions.Count + p.CalendarDays.Count + p.Staff.Count + p.Residents.Count + 1
                    + 1; // the mark that the home-visit requests have their ordered copies (ADR 0025), written once like the rest
                Assert.Equal(expected, rows);
            }
            finally
            {
                foreach (var h in hosts) await h.DisposeAsync();
            }
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_bad_setting_stops_the_app_at_start_with_the_setting_named()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s => s["Scheduler__TokenSigningKey"] = "c2hvcnQ="));
        Assert.Contains("TokenSigningKey", error.Message);

        var zone = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s => s["Scheduler__TimeZone"] = "Mars/Olympus"));
        Assert.Contains("Mars/Olympus", zone.Message);
    }
}
