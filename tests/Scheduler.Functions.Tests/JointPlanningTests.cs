using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Plan runs priced by the hall (ADR 0020): the day is rostered with nobody out, each staff member who also sits at a
/// window costs the route planner what their window time is worth, and the run says so; the roster planned once the
/// routes are published keeps them whole, with the lunch the route planner placed on a route.
/// </summary>
public sealed class JointPlanningTests(JointPlanningTests.Fixture fixture) : IClassFixture<JointPlanningTests.Fixture>
{
    /// <summary>
    /// A host that plans with the hall (the other classes' hosts do not), with a dispatcher signed in, on an Azurite of
    /// its own: another class's host on the shared one would take this class's plan messages and plan them unpriced.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly FreshAzuriteFixture _azurite = new();
        private TestDevHost? _host;

        public TestDevHost Host => _host ?? throw new InvalidOperationException("The dev host has not started.");
        public HttpClient Dispatcher { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            await _azurite.InitializeAsync();
            _host = await SchedulerHost.StartAsync(_azurite.ConnectionString, adjust: s =>
            {
                s["Planning__PriceStaffTimeByHall"] = "true";
                s["Planning__PricingRosterSeconds"] = "10";
            });
            Dispatcher = await _host.SignedInClientAsync("dispatcher-lin", "dispatcher", "staff");
        }

        public async ValueTask DisposeAsync()
        {
            Dispatcher?.Dispose();
            if (_host is not null) await _host.DisposeAsync();
            await _azurite.DisposeAsync();
        }
    }

    private const string Date = "2026-12-03";

    private async Task<string> ApprovedVisitAsync(int i)
    {
        var (status, receipt) = await PostAsync(fixture.Host.Client, "/api/home-visits", Json(new Dictionary<string, object?>
        {
            ["name"] = "陈桂英",
            ["mobile"] = NewMobile(),
            ["reason"] = "BedriddenOrSeriouslyIll",
            ["location"] = new { latitude = 24.50 + i * 0.01, longitude = 118.10 + i * 0.012 },
            ["address"] = $"福建省厦门市湖里区殿前社区{i + 1}号",
            ["itemId"] = "pension-certification",
            ["windows"] = new[] { new { date = Date, from = "09:00", to = "12:00" } },
            ["urgency"] = "Routine",
        }));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = receipt.GetProperty("id").GetString()!;
        var (decided, _) = await PostAsync(fixture.Dispatcher, $"/api/dispatch/home-visits/{id}/decision", Json(new { decision = "Approve" }));
        Assert.Equal(HttpStatusCode.OK, decided);
        return id;
    }

    private async Task<JsonElement> SolvedAsync(string id)
    {
        for (var i = 0; i < 600; i++)
        {
            var run = await fixture.Dispatcher.GetFromJsonAsync<JsonElement>($"/api/dispatch/plans/{id}");
            if (run.GetProperty("status").GetString() is "Solved" or "Failed") return run;
            await Task.Delay(200);
        }
        throw new TimeoutException("The plan was not solved in time.");
    }

    [Fact]
    public async Task A_plan_run_prices_staff_time_by_the_hall_and_the_roster_keeps_its_routes_whole()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await ApprovedVisitAsync(i));

        var (accepted, queued) = await PostAsync(fixture.Dispatcher, "/api/dispatch/plans", Json(new { date = Date }));
        Assert.Equal(HttpStatusCode.Accepted, accepted);
        var run = await SolvedAsync(queued.GetProperty("id").GetString()!);
        Assert.Equal("Solved", run.GetProperty("status").GetString());
        // The dispatcher is told how the day was planned with the hall: the round kept, against the routes planned first,
        // and, for a priced round, the prices of the ten demo staff who both go out and sit at windows.
        var search = run.GetProperty("search").GetString()!;
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(search, @"planned with the hall: (priced round [1-3] of [1-3] kept \(cost [\d,]+ against [\d,]+ for the routes planned first\); " +
                       @"staff time priced by the hall: 10 staff, [\d,]+ to [\d,]+ \(median [\d,]+\)|the routes planned first kept \(cost ([\d,]+|no roster)\), [1-3] priced round\(s\) no better)"), search);
        var routes = run.GetProperty("plan").GetProperty("routes").EnumerateArray().Where(r => r.GetProperty("stops").GetArrayLength() > 0).ToList();
        var visited = routes.SelectMany(r => r.GetProperty("stops").EnumerateArray().Select(s => s.GetProperty("visitId").GetString())).ToHashSet();
        Assert.All(ids, id => Assert.Contains(id, visited));

        var (published, _) = await PostAsync(fixture.Dispatcher, $"/api/dispatch/plans/{run.GetProperty("id").GetString()}/publish", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, published);
        var (planned, roster) = await PostAsync(fixture.Dispatcher, "/api/dispatch/rosters", Json(new { date = Date }));
        Assert.True(planned == HttpStatusCode.Created, roster.GetRawText());
        // Every route out is a duty of its staff member on the roster, from departure to return.
        foreach (var route in routes)
        {
            var staffId = route.GetProperty("staffId").GetString()!;
            var duty = roster.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("staffId").GetString() == staffId);
            Assert.Equal(route.GetProperty("departure").GetString(), duty.GetProperty("leaves").GetString());
            Assert.Equal(route.GetProperty("return").GetString(), duty.GetProperty("returns").GetString());
            Assert.Equal(route.TryGetProperty("break", out var lunch) && lunch.ValueKind == JsonValueKind.Object, duty.GetProperty("breakOnRoute").GetBoolean());
        }
    }
}
