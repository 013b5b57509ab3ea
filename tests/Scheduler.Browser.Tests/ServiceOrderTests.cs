using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>
/// The order of the service page, read from its HTML on a centre of its own (an Azurite of its own, so no other
/// test's bookings count): with no bookings yet, the services the catalogue also offers at home (those older residents
/// come for) come first; once residents book, the most booked come first.
/// </summary>
public sealed class ServiceOrderTests
{
    /// <summary>The services in page order, each section's by its heading id (popular, group-0, ...).</summary>
    private static async Task<List<(string Section, List<string> Services)>> SectionsAsync(TestDevHost host)
    {
        var html = await host.Client.GetStringAsync("/api/pages/book", TestContext.Current.CancellationToken);
        return Regex.Matches(html, "<section aria-labelledby=\"([a-z0-9-]+)\">(.*?)</section>", RegexOptions.Singleline)
            .Select(m => (m.Groups[1].Value, Regex.Matches(m.Groups[2].Value, "service=([a-z.-]+)").Select(s => s.Groups[1].Value).ToList()))
            .ToList();
    }

    [Fact]
    public async Task With_no_bookings_the_services_offered_at_home_lead_and_once_residents_book_the_most_booked_come_first()
    {
        await using var azurite = await AzuriteFixture.StartFreshAsync();
        var clock = SchedulerHost.DemoClock();
        await using var host = await SchedulerHost.StartAsync(azurite.ConnectionString, clock);
        var profile = (await host.Services.GetRequiredService<ICentreDirectory>().GetAsync("huli", TestContext.Current.CancellationToken))!.Profile;
        bool AtHome(string service) => service.StartsWith("item.", StringComparison.Ordinal) && profile.Items.Single(i => i.Id == service[5..]).HomeVisit is not null;

        var before = await SectionsAsync(host);
        Assert.DoesNotContain(before, s => s.Section == "popular");
        // The first category is the one with the most services offered at home (social affairs), and within each
        // category those services come before the rest, whatever the catalogue's order.
        var first = before[0].Services;
        Assert.Contains("item.elderly-allowance", first);
        foreach (var (_, services) in before)
        {
            var items = services.Where(s => s.StartsWith("item.", StringComparison.Ordinal)).ToList();
            var firstOther = items.FindIndex(s => !AtHome(s));
            Assert.True(firstOther < 0 || items.Skip(firstOther).All(s => !AtHome(s)), $"services offered at home come first: {string.Join(", ", items)}");
        }
        Assert.True(AtHome(first.First(s => s.StartsWith("item.", StringComparison.Ordinal))));

        // Residents book the food licence (a business service, last of its category in the catalogue) three times.
        var book = host.Services.GetRequiredService<BookAppointment>();
        for (var i = 0; i < 3; i++)
        {
            var mobile = $"+8613912349{i:D3}";
            var proof = await VerifiedMobiles.ProofAsync(host, "huli", mobile, TestContext.Current.CancellationToken);
            var booked = await book.BookAsync("huli", new BookCommand("food-licence", null, new LocalDate(2026, 12, 1 + i), new LocalTime(9, 10), "周建华", mobile, null, null, "zh",
                Guid.NewGuid().ToString("N"), MobileProof: proof), AnonymousCaller.Instance, TestContext.Current.CancellationToken);
            Assert.True(booked.Error is null, $"booking {i}: {booked.Error}");
        }
        // The counts are kept for six hours.
        clock.Advance(Duration.FromHours(7));

        var after = await SectionsAsync(host);
        Assert.Equal("popular", after[0].Section);
        Assert.Equal("item.food-licence", after[0].Services[0]);
        var business = after.Skip(1).First();
        Assert.Equal("item.food-licence", business.Services[0]);
        Assert.Contains("item.company-registration", business.Services);
    }
}
