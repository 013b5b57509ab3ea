using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Core.Catalogue;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Requests the catalogue itself rules out, on a centre of its own: an item no home-visit staff member is skilled
/// for, a visit longer than any shift, a team larger than the staff who make home visits.
/// </summary>
public sealed class HomeVisitCatalogueTests(HomeVisitCatalogueTests.Fixture fixture) : IClassFixture<HomeVisitCatalogueTests.Fixture>
{
    /// <summary>The class's host, for centre "xiangan": the demo centre with the items and staff above.</summary>
    public sealed class Fixture(AzuriteFixture azurite) : DemoHostFixture(azurite)
    {
        protected override Task<TestDevHost> StartAsync(string connectionString) =>
            SchedulerHost.StartAsync(connectionString, SchedulerHost.DemoClock(), s =>
            {
                s["Scheduler__CentreId"] = "xiangan";
                s["Scheduler__LoadDemoData"] = "false";
            });

        protected override async Task OnStartedAsync(TestDevHost host)
        {
            var demo = DemoData.Load();
            LocalizedText T(string s) => new(s, s);
            var profile = demo with
            {
                Centre = demo.Centre with { Id = "xiangan" },
                Skills = [.. demo.Skills, new Skill("sign-language", T("手语"))],
                Items =
                [
                    .. demo.Items,
                    new ServiceItem("sign-language-interview", "social", T("手语访谈"), 30, true, null, [], new HomeVisitProfile(1, ["sign-language"])),
                    new ServiceItem("all-day-survey", "construction", T("全天测绘"), 600, false, 10, [], new HomeVisitProfile(1, ["social-security"])),
                    new ServiceItem("big-team", "construction", T("大组"), 60, false, 10, [], new HomeVisitProfile(5, ["social-security"])),
                ],
                Staff = demo.Staff.Select((s, i) => s with { MakesHomeVisits = i < 4 }).ToList(),
            };
            await host.Services.GetRequiredService<CatalogueStore>().SaveAsync(profile, CancellationToken.None);
        }
    }

    private readonly TestDevHost _host = fixture.Host;

    [Theory]
    [InlineData("sign-language-interview", "no-skilled-staff")]
    [InlineData("all-day-survey", "longer-than-shift")]
    [InlineData("big-team", "team-too-large")]
    [InlineData("marriage-registration", "not-home-visitable")]
    public async Task Items_that_cannot_be_done_at_home_by_this_centre_are_refused(string item, string code)
    {
        var (status, problem) = await PostAsync(_host.Client, "/api/home-visits", Json(new
        {
            name = "郑美玲", mobile = NewMobile(), reason = "Disabled", location = new { latitude = 24.52, longitude = 118.12 },
            address = "湖里区殿前社区8号", itemId = item, windows = new[] { new { date = "2026-12-08", from = "09:00", to = "12:00" } },
        }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("itemId", problem.GetProperty("field").GetString());
        Assert.Equal(code, problem.GetProperty("code").GetString());
    }
}
