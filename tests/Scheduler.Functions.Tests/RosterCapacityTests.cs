using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Bookable seats follow the published roster, and the measured wait report (ADR 0026). This class's clock stands at Thursday 2026-12-17 09:00, and
/// it books and rosters Tuesday 2026-12-22, past the booking horizon of every other class's host, so the roster it
/// publishes changes no one else's seats.
/// </summary>
public sealed class RosterCapacityTests(RosterCapacityTests.Fixture fixture) : IClassFixture<RosterCapacityTests.Fixture>
{
    public sealed class Fixture(AzuriteFixture azurite) : DemoHostFixture(azurite)
    {
        public HttpClient Dispatcher { get; private set; } = null!;

        protected override Task<TestDevHost> StartAsync(string connectionString) =>
            SchedulerHost.StartAsync(connectionString, new FakeClock(Instant.FromUtc(2026, 12, 17, 1, 0)));

        protected override async Task OnStartedAsync(TestDevHost host) =>
            Dispatcher = await host.SignedInClientAsync("dispatcher-zhou", "dispatcher", "staff");

        public override async ValueTask DisposeAsync()
        {
            Dispatcher?.Dispose();
            await base.DisposeAsync();
        }
    }

    private const string Date = "2026-12-22";
    private readonly TestDevHost _host = fixture.Host;

    private async Task<Dictionary<string, int>> FreeAsync(string item)
    {
        var days = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/availability?itemId={item}&from={Date}&to={Date}");
        return days.EnumerateArray().SelectMany(d => d.GetProperty("slots").EnumerateArray())
            .ToDictionary(s => s.GetProperty("start").GetString()![..5], s => s.GetProperty("free").GetInt32());
    }

    [Fact]
    public async Task Once_a_roster_is_published_its_staffed_windows_are_the_seats_bookings_above_them_stay_and_concurrent_bookings_never_exceed_them()
    {
        // Two residents at 10:00 at the social windows while the configuration gives eight windows.
        for (var i = 0; i < 2; i++)
        {
            var (booked, body) = await PostAsync(_host.Client, "/api/appointments", Json(Booking(Date, "10:00")));
            Assert.True(booked == HttpStatusCode.Created, body.GetRawText());
        }
        Assert.Equal(4, (await FreeAsync("pension-certification"))["10:00"]); // eight seats less the two taken and the two held for the green channel
        Assert.NotEmpty(await FreeAsync("invoice-application"));

        // The day's staff: one person, for social affairs only.
        var staff = new[] { new { id = "s01", categoryIds = new[] { "social" }, shifts = new[] { new { from = "08:30:00", to = "17:30:00" } } } };
        var (planned, roster) = await PostAsync(fixture.Dispatcher, "/api/dispatch/rosters", Json(new { date = Date, staff }));
        Assert.True(planned == HttpStatusCode.Created, roster.GetRawText());
        var staffed = roster.GetProperty("cover").EnumerateArray().Where(c => c.GetProperty("categoryId").GetString() == "social")
            .ToDictionary(c => c.GetProperty("start").GetString()![..5], c => c.GetProperty("staffed").GetInt32());

        var (published, publication) = await PostAsync(fixture.Dispatcher, $"/api/dispatch/rosters/{roster.GetProperty("id").GetString()}/publish", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, published);
        var over = Assert.Single(publication.GetProperty("overbooked").EnumerateArray());
        Assert.Equal(("social", "10:00", 2, staffed["10:00"]),
            (over.GetProperty("categoryId").GetString(), over.GetProperty("start").GetString()![..5], over.GetProperty("booked").GetInt32(), over.GetProperty("seats").GetInt32()));

        // Past the centre directory's cache, the seats are the roster's: one a staffed slot, none where no one sits, none for business.
        ((FakeClock)_host.Services.GetRequiredService<IClock>()).AdvanceSeconds(31);
        var free = await FreeAsync("pension-certification");
        var expected = staffed.Where(s => s.Key != "10:00" && s.Value > 0).ToDictionary(s => s.Key, s => s.Value);
        Assert.Equal(expected.OrderBy(e => e.Key), free.OrderBy(f => f.Key));
        Assert.Empty(await FreeAsync("invoice-application"));

        // The two bookings above the lowered capacity stay, and the counter still counts them.
        Assert.Equal((2, 2), Slot(fixture.ConnectionString, "social", Date, "10:00"));
        var (full, refused) = await PostAsync(_host.Client, "/api/appointments", Json(Booking(Date, "10:00")));
        Assert.Equal((HttpStatusCode.Conflict, "slot-full"), (full, refused.GetProperty("code").GetString()));

        // Four residents at once for a slot with one staffed window: one gets it.
        var slot = expected.Keys.Order().First(k => string.CompareOrdinal(k, "14:00") >= 0);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(_host.Client, "/api/appointments", Json(Booking(Date, slot)))));
        Assert.Single(results, r => r.Status == HttpStatusCode.Created);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.Created), r => Assert.Equal("slot-full", r.Body.GetProperty("code").GetString()));
        Assert.Equal((1, 1), Slot(fixture.ConnectionString, "social", Date, slot));
    }

    [Fact]
    public async Task The_wait_report_measures_check_in_to_call_and_call_to_served_and_refuses_bad_ranges()
    {
        // Today, Thursday 17 December: a resident books 10:30, checks in, is called 7 minutes later and served 12 after that.
        var clock = (FakeClock)_host.Services.GetRequiredService<IClock>();
        var (booked, body) = await PostAsync(_host.Client, "/api/appointments", Json(Booking("2026-12-17", "10:30", item: "company-registration")));
        Assert.True(booked == HttpStatusCode.Created, body.GetRawText());
        var id = body.GetProperty("appointment").GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fixture.Dispatcher, $"/api/staff/appointments/{id}/check-in", Json(new { }))).Status);
        clock.AdvanceMinutes(7);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fixture.Dispatcher, $"/api/staff/appointments/{id}/call", Json(new { }))).Status);
        clock.AdvanceMinutes(12);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fixture.Dispatcher, $"/api/staff/appointments/{id}/served", Json(new { }))).Status);

        var report = await fixture.Dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/reports/waits?from=2026-12-16&to=2026-12-17");
        var lines = report.GetProperty("lines").EnumerateArray().ToList();
        var business = lines.Single(l => l.GetProperty("date").GetString() == "2026-12-17" && !l.TryGetProperty("hour", out _)
                                         && l.TryGetProperty("categoryId", out var c) && c.GetString() == "business").GetProperty("figures");
        Assert.Equal((1, 1, 7.0, 7.0, 1, 12.0, 12.0), (business.GetProperty("checkedIn").GetInt32(), business.GetProperty("waits").GetInt32(),
            business.GetProperty("waitP50").GetDouble(), business.GetProperty("waitP90").GetDouble(), business.GetProperty("services").GetInt32(),
            business.GetProperty("serviceP50").GetDouble(), business.GetProperty("serviceP90").GetDouble()));
        Assert.Contains(lines, l => l.TryGetProperty("hour", out var h) && h.GetInt32() == 9);
        Assert.DoesNotContain(lines, l => l.GetProperty("date").GetString() == "2026-12-16");

        foreach (var (query, field, code) in new[]
                 {
                     ("to=2026-12-17", "from", "missing"), ("from=2026-12-17", "to", "missing"), ("from=2026-12-17&to=17.12.2026", "to", null),
                     ("from=2026-12-17&to=2026-12-01", "to", "range-reversed"), ("from=2026-01-01&to=2026-12-17", "to", "range-too-long"),
                 })
        {
            var response = await fixture.Dispatcher.GetAsync($"/api/dispatch/reports/waits?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(field, problem.GetProperty("field").GetString());
            if (code is not null) Assert.Equal(code, problem.GetProperty("code").GetString());
        }
        var anonymous = await _host.Client.GetAsync("/api/dispatch/reports/waits?from=2026-12-17&to=2026-12-17");
        Assert.True(anonymous.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
    }
}
