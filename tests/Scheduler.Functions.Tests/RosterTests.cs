using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.Roster;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Window rosters on the dev host: a dispatcher plans a day around the published home-visit routes, reads windows
/// needed against staffed and the waiting curve, and publishes; every listed bad input is refused and stores nothing.
/// The clock stands at Friday 2026-11-27 09:00; each test rosters its own day. A published roster sets its day's
/// bookable seats, so the days published here lie past the booking horizon of the other classes' hosts.
/// </summary>
public sealed class RosterTests(RosterTests.Fixture fixture) : IClassFixture<RosterTests.Fixture>
{
    public sealed class Fixture(AzuriteFixture azurite) : DemoHostFixture(azurite)
    {
        public HttpClient Dispatcher { get; private set; } = null!;
        public HttpClient Staff { get; private set; } = null!;

        /// <summary>Three residents asking for a period are enough to propose it here.</summary>
        protected override Task<TestDevHost> StartAsync(string connectionString) =>
            SchedulerHost.StartAsync(connectionString, adjust: s => s["Roster__SessionThreshold"] = "3");

        protected override async Task OnStartedAsync(TestDevHost host)
        {
            Dispatcher = await host.SignedInClientAsync("dispatcher-zhou", "dispatcher", "staff");
            Staff = await host.SignedInClientAsync("s12", "staff");
        }

        public override async ValueTask DisposeAsync()
        {
            Dispatcher?.Dispose();
            Staff?.Dispose();
            await base.DisposeAsync();
        }
    }

    private readonly TestDevHost _host = fixture.Host;
    private readonly HttpClient _dispatcher = fixture.Dispatcher;

    private TableClient Rosters => new(fixture.ConnectionString, "rosters");

    private int RowsOf(string date) => Rosters.Query<TableEntity>(e => e.PartitionKey == $"huli|{date.Replace("-", "")}").Count();

    /// <summary>Publishes a home-visit plan for the day with s12 out from 14:00 to 16:00, as the route planner would.</summary>
    private async Task<string> PublishRouteAsync(LocalDate date)
    {
        var store = _host.Services.GetRequiredService<IPlanRunStore>();
        var route = new StaffRoute("s12", new LocalTime(14, 0), new LocalTime(16, 0),
            [new RouteStop("visit-1", new LocalTime(14, 20), new LocalTime(14, 20), new LocalTime(15, 0))], null);
        var plan = new HomeVisitPlan("huli", date, [route], [], new PlanKpis(1, 0, Duration.FromMinutes(40), 12000, Duration.Zero, []));
        var run = new PlanRun($"{date:yyyyMMdd}-route1", "huli", date, PlanRunStatus.Solved, SchedulerHost.DemoNow, "test", SchedulerHost.DemoNow, null, plan, [], 1, 1);
        await store.AddAsync(run, CancellationToken.None);
        var stored = await store.GetAsync("huli", run.Id, CancellationToken.None);
        Assert.True(await store.PublishAsync(stored!, null, SchedulerHost.DemoNow, CancellationToken.None));
        return run.Id;
    }

    [Fact]
    public async Task A_day_is_rostered_around_the_published_routes_read_with_cover_and_waiting_curve_and_published()
    {
        var routePlan = await PublishRouteAsync(new LocalDate(2026, 12, 14));
        var (status, roster) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Json(new { date = "2026-12-14" }));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("Planned", roster.GetProperty("status").GetString());
        Assert.Equal(routePlan, roster.GetProperty("routePlanId").GetString());

        // s12 is out on the route for its whole span, as the route planner planned it: 14:00 to 16:00 is slots 22 to 29.
        var s12 = roster.GetProperty("duties").GetProperty("s12").EnumerateArray().ToList();
        Assert.All(s12.Skip(22).Take(8), d => Assert.Equal("Route", d.GetProperty("kind").GetString()));
        Assert.NotEqual("Route", s12[21].GetProperty("kind").GetString());

        // Windows needed against staffed, per category and slot, agree with the duties.
        var cover = roster.GetProperty("cover").EnumerateArray().ToList();
        Assert.Equal(3 * 36, cover.Count);
        var social10 = cover.Single(c => c.GetProperty("categoryId").GetString() == "social" && c.GetProperty("start").GetString() == "10:00:00");
        var atSocial10 = roster.GetProperty("duties").EnumerateObject()
            .Count(p => p.Value[6].GetProperty("kind").GetString() == "Window" && p.Value[6].GetProperty("ref").GetString() == "social");
        Assert.Equal(atSocial10, social10.GetProperty("staffed").GetInt32());
        Assert.True(cover.Sum(c => c.GetProperty("needed").GetInt32()) > 0);

        // The waiting curve: per hour, the roster against the flat roster of the same staff-hours.
        var waiting = roster.GetProperty("waiting");
        var hours = waiting.GetProperty("hours").EnumerateArray().ToList();
        Assert.Contains(hours, h => h.GetProperty("hour").GetInt32() == 9);
        Assert.All(hours, h => Assert.True(h.GetProperty("p90").GetDouble() >= h.GetProperty("p50").GetDouble()));
        Assert.Equal(waiting.GetProperty("staffHours").GetDouble(), waiting.GetProperty("flatStaffHours").GetDouble(), 3);
        Assert.True(hours.Sum(h => h.GetProperty("residents").GetInt32()) > 50);

        var id = roster.GetProperty("id").GetString()!;
        var read = await _dispatcher.GetFromJsonAsync<JsonElement>($"/api/dispatch/rosters/{id}");
        Assert.Equal(roster.GetProperty("score").GetRawText(), read.GetProperty("score").GetRawText());

        var (published, body) = await PostAsync(_dispatcher, $"/api/dispatch/rosters/{id}/publish", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, published);
        Assert.Equal("Published", body.GetProperty("roster").GetProperty("status").GetString());
        var pointer = Rosters.GetEntity<TableEntity>("huli|20261214", "published").Value;
        Assert.Equal(id, pointer.GetString("RosterId"));
        var row = Rosters.GetEntity<TableEntity>("huli|20261214", $"run|{id}").Value;
        Assert.Equal(1, row.GetInt32("Schema"));
        Assert.Equal("Published", row.GetString("Status"));

        // s12's schedule, SMS and calendar feed show the windows from the published roster, none while out on the route.
        var schedule = await _dispatcher.GetFromJsonAsync<JsonElement>("/api/staff/schedule?staffId=s12&date=2026-12-14");
        Assert.Equal(id, schedule.GetProperty("rosterId").GetString());
        var spells = schedule.GetProperty("roster").EnumerateArray().ToList();
        Assert.Contains(spells, x => x.GetProperty("kind").GetString() == "Window" && x.GetProperty("categoryId").GetString() == "social");
        Assert.Single(spells, x => x.GetProperty("kind").GetString() == "Break");
        Assert.All(spells, x => Assert.True(string.CompareOrdinal(x.GetProperty("to").GetString(), "14:00:00") <= 0
                                           || string.CompareOrdinal(x.GetProperty("from").GetString(), "16:00:00") >= 0));
        // The day past the feed's fortnight: what the SMS and the calendar feed render from.
        var day = await _host.Services.GetRequiredService<Scheduler.Core.Notifications.StaffDays>().DaysAsync("huli", "s12", new LocalDate(2026, 12, 14), 1, CancellationToken.None);
        Assert.Contains(day, e => e.Title.StartsWith("休息", StringComparison.Ordinal));
        Assert.Contains(day, e => e.Title.StartsWith("窗口", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("date", "2026-11-26", null, null, "in-the-past")]
    [InlineData("date", "2026-11-29", null, null, "closed")]
    [InlineData("serviceLevel", "2026-12-02", """{"share":1.2,"targetWaitMinutes":10,"maxWaitMinutes":30}""", null, "invalid-service-level")]
    [InlineData("serviceLevel", "2026-12-02", """{"share":-0.1,"targetWaitMinutes":10,"maxWaitMinutes":30}""", null, "invalid-service-level")]
    [InlineData("staff[1].categoryIds", "2026-12-02", null, """[{"id":"s01","categoryIds":["social"],"shifts":[{"from":"08:30:00","to":"17:30:00"}]},{"id":"s02","categoryIds":[],"shifts":[{"from":"08:30:00","to":"17:30:00"}]}]""", "no-skills")]
    [InlineData("staff[0].shifts", "2026-12-02", null, """[{"id":"s01","categoryIds":["social"],"shifts":[{"from":"08:30:00","to":"12:30:00"},{"from":"12:00:00","to":"17:30:00"}]}]""", "overlapping-shifts")]
    public async Task Bad_roster_requests_are_refused_naming_the_field_and_nothing_is_stored(string field, string date, string? level, string? staff, string code)
    {
        var before = RowsOf(date);
        var json = $$"""{"date":"{{date}}"{{(level is null ? "" : $",\"serviceLevel\":{level}")}}{{(staff is null ? "" : $",\"staff\":{staff}")}}}""";
        var (status, problem) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Raw(json));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(before, RowsOf(date));
    }

    [Fact]
    public async Task An_extended_session_no_ones_availability_covers_is_refused()
    {
        var json = """
            {"date":"2026-12-02","sessions":[{"id":"evening","from":"17:30:00","to":"19:30:00","categoryIds":["business"],"windows":1}]}
            """;
        var (status, problem) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Raw(json));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("session-not-covered", problem.GetProperty("code").GetString());
        Assert.Equal(0, RowsOf("2026-12-02"));
    }

    [Fact]
    public async Task More_demand_than_all_staff_can_cover_gives_the_best_roster_and_its_shortfall()
    {
        // Nine staff skilled for every category (enough for the staffed lunch's three windows of each), far fewer than the day needs.
        var staff = Enumerable.Range(1, 9).Select(i => new
        {
            id = $"s{i:D2}", categoryIds = new[] { "social", "business", "construction" }, shifts = new[] { new { from = "08:30:00", to = "17:30:00" } },
        });
        var (status, roster) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Json(new { date = "2026-12-03", staff }));
        Assert.True(status == HttpStatusCode.Created, $"{status}: {roster}");
        var shortfall = roster.GetProperty("shortfall");
        Assert.False(shortfall.GetProperty("covered").GetBoolean());
        Assert.True(shortfall.GetProperty("missingWindowSlots").GetInt32() > 0);
        Assert.All(shortfall.GetProperty("shortSlots").EnumerateArray(), s => Assert.True(s.GetProperty("needed").GetInt32() > s.GetProperty("staffed").GetInt32()));
    }

    [Fact]
    public async Task A_roster_is_not_published_while_a_plan_run_for_the_day_is_in_progress()
    {
        var (planned, roster) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Json(new { date = "2026-12-15" }));
        Assert.True(planned == HttpStatusCode.Created, $"{planned}: {roster}");
        var id = roster.GetProperty("id").GetString()!;
        var plans = new TableClient(fixture.ConnectionString, "plans");
        await plans.AddEntityAsync(new TableEntity("huli|20261215", "run|20261215-solving") { ["Status"] = "Solving" });

        var (status, problem) = await PostAsync(_dispatcher, $"/api/dispatch/rosters/{id}/publish", Json(new { }));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("plan-run-in-progress", problem.GetProperty("code").GetString());
        Assert.False(Rosters.GetEntityIfExists<TableEntity>("huli|20261215", "published").HasValue);
        Assert.Equal("Planned", Rosters.GetEntity<TableEntity>("huli|20261215", $"run|{id}").Value.GetString("Status"));

        await plans.DeleteEntityAsync("huli|20261215", "run|20261215-solving");
        var (after, _) = await PostAsync(_dispatcher, $"/api/dispatch/rosters/{id}/publish", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task Two_rosters_published_at_once_for_a_day_leave_one_published()
    {
        var (_, a) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Json(new { date = "2026-12-16" }));
        var (_, b) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Json(new { date = "2026-12-16" }));
        var ids = new[] { a.GetProperty("id").GetString()!, b.GetProperty("id").GetString()! };
        var results = await Task.WhenAll(ids.Select(id => PostAsync(_dispatcher, $"/api/dispatch/rosters/{id}/publish", Json(new { }))));
        Assert.Contains(results, r => r.Status == HttpStatusCode.OK);
        var pointer = Rosters.GetEntity<TableEntity>("huli|20261216", "published").Value.GetString("RosterId");
        var published = ids.Count(id => Rosters.GetEntity<TableEntity>("huli|20261216", $"run|{id}").Value.GetString("Status") == "Published");
        Assert.Equal(1, published);
        Assert.Contains(pointer, ids);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.Status));

        // The day's list: both rosters, the published one named and opened by default, whichever browser planned them.
        var day = await _dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/rosters?date=2026-12-16", TestContext.Current.CancellationToken);
        Assert.Equal(ids.Order(), day.GetProperty("rosters").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).Order());
        Assert.Equal((pointer, pointer), (day.GetProperty("publishedId").GetString(), day.GetProperty("openId").GetString()));
        // One published; the other never was (its publish lost the race) or was superseded (its publish came first).
        var statuses = day.GetProperty("rosters").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("status").GetString()!);
        Assert.Equal("Published", statuses[pointer]);
        Assert.Contains(statuses[ids.Single(id => id != pointer)], new[] { "Planned", "Superseded" });
    }

    [Fact]
    public async Task Rosters_are_for_dispatchers_only()
    {
        var response = await fixture.Staff.PostAsync("/api/dispatch/rosters", Json(new { date = "2026-12-01" }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var anonymous = await _host.Client.GetAsync("/api/dispatch/rosters/20261201-abc");
        Assert.True(anonymous.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NotFound, (await _dispatcher.GetAsync("/api/dispatch/rosters/20261201-nosuch")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _dispatcher.GetAsync("/api/dispatch/rosters/not-a-roster")).StatusCode);
        var (publish, problem) = await PostAsync(_dispatcher, "/api/dispatch/rosters/20261201-nosuch/publish", Json(new { }));
        Assert.Equal((HttpStatusCode.NotFound, "unknown-roster"), (publish, problem.GetProperty("code").GetString()));

        // The day's list: for dispatchers, with a date; a day with none is an empty list.
        var anonymousList = await _host.Client.GetAsync("/api/dispatch/rosters?date=2026-12-24");
        Assert.True(anonymousList.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
        foreach (var bad in new[] { "/api/dispatch/rosters", "/api/dispatch/rosters?date=", "/api/dispatch/rosters?date=24-12-2026", "/api/dispatch/rosters?date=2026-02-30" })
        {
            var refused = await _dispatcher.GetAsync(bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("date", await refused.Content.ReadAsStringAsync());
        }
        var none = await _dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/rosters?date=2026-12-24", TestContext.Current.CancellationToken);
        Assert.Empty(none.GetProperty("rosters").EnumerateArray());
        Assert.False(none.TryGetProperty("openId", out var open) && open.ValueKind != JsonValueKind.Null, "nothing to open on a day with no roster");
    }

    [Fact]
    public async Task Evenings_worked_earlier_in_the_week_count_for_the_fairness_of_a_later_day()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = _host.Services.GetRequiredService<IRosterStore>();
        // Monday 4 January 2027's published roster has s01 at a window for the two evening hours from 18:00 (8 slots).
        var (planned, monday) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Json(new { date = "2027-01-04" }));
        Assert.True(planned == HttpStatusCode.Created, monday.GetRawText());
        var run = (await store.GetAsync("huli", monday.GetProperty("id").GetString()!, ct))!.Run;
        var worked = run with
        {
            Id = run.Id + "e",
            Day = new RosterDay(run.Date, new LocalTime(18, 0), 15, 8),
            Duties = run.Duties.ToDictionary(d => d.Key, d => (IReadOnlyList<Duty>)Enumerable.Repeat(d.Key == "s01" ? Duty.At("social") : Duty.Off, 8).ToArray()),
        };
        await store.AddAsync(worked, ct);
        Assert.True(await store.PublishAsync((await store.GetAsync("huli", worked.Id, ct))!, null, SchedulerHost.DemoNow, "staff:test", ct));

        // Tuesday's hall has no evening: the week's spread is s01's 8 evening slots against the others' none, 8 x 30.
        var (plannedTuesday, tuesday) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Json(new { date = "2027-01-05" }));
        Assert.True(plannedTuesday == HttpStatusCode.Created, tuesday.GetRawText());
        Assert.Equal(8 * 30, tuesday.GetProperty("score").GetProperty("fairness").GetInt64());
        // The Monday of the next week starts a new week: nothing carried.
        var (plannedNext, next) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Json(new { date = "2027-01-11" }));
        Assert.True(plannedNext == HttpStatusCode.Created, next.GetRawText());
        Assert.Equal(0, next.GetProperty("score").GetProperty("fairness").GetInt64());
    }

    [Fact]
    public async Task An_accepted_evening_session_is_staffed_by_the_roster_and_becomes_bookable()
    {
        // Wednesday 9 December has no evening session; three residents ask for one at the construction windows.
        var askers = Enumerable.Range(0, 3).Select(_ => NewMobile()).ToList();
        foreach (var mobile in askers)
        {
            var (asked, recorded) = await PostAsync(_host.Client, "/api/extended-hours-requests",
                Json(new { itemId = "real-estate-registration", date = "2026-12-09", wanted = "Evening", name = "陈明", mobile }));
            Assert.True(asked == HttpStatusCode.Created, recorded.GetRawText());
            Assert.Equal("recorded", recorded.GetProperty("outcome").GetString());
        }

        var proposals = await _dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/sessions?date=2026-12-09");
        var evening = proposals.EnumerateArray().Single(p => p.GetProperty("categoryId").GetString() == "construction" && p.GetProperty("period").GetProperty("id").GetString() == "evening");
        Assert.Equal(3, evening.GetProperty("requests").GetInt32());
        Assert.Equal("17:30:00", evening.GetProperty("period").GetProperty("from").GetString());
        Assert.True(evening.GetProperty("coverable").GetBoolean());
        var staffIds = evening.GetProperty("staffIds").EnumerateArray().Select(x => x.GetString()!).ToList();

        var (unknown, problem) = await PostAsync(_dispatcher, "/api/dispatch/sessions/accept", Json(new { date = "2026-12-09", proposalId = "evening-social" }));
        Assert.Equal((HttpStatusCode.NotFound, "unknown-proposal"), (unknown, problem.GetProperty("code").GetString()));
        var (accepted, session) = await PostAsync(_dispatcher, "/api/dispatch/sessions/accept", Json(new { date = "2026-12-09", proposalId = "evening-construction" }));
        Assert.True(accepted == HttpStatusCode.Created, session.GetRawText());
        var (again, _) = await PostAsync(_dispatcher, "/api/dispatch/sessions/accept", Json(new { date = "2026-12-09", proposalId = "evening-construction" }));
        Assert.Equal(HttpStatusCode.Created, again);
        Assert.Single(Rosters.Query<TableEntity>(e => e.PartitionKey == "huli|20261209"), e => e.RowKey.StartsWith("session|", StringComparison.Ordinal));
        // Each staff member the session was opened with is told by SMS, once although it was accepted twice.
        Assert.NotEmpty(staffIds);
        foreach (var staffId in staffIds)
        {
            var inbox = await Sms.WaitForAsync(_host.Client, "+86139000010" + staffId[1..], "staff-session-opened");
            var told = Assert.Single(inbox, m => m.GetProperty("kind").GetString() == "staff-session-opened" && m.GetProperty("text").GetString()!.Contains("12月9日"));
            Assert.Contains("17:30至19:30", told.GetProperty("text").GetString());
        }
        // Each resident who asked is told the session is open, once, with a link to the booking page of their service that day.
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
        foreach (var mobile in askers)
        {
            var inbox = await Sms.WaitForAsync(_host.Client, "+86" + mobile, "resident-session-opened");
            var text = Assert.Single(inbox, m => m.GetProperty("kind").GetString() == "resident-session-opened").GetProperty("text").GetString()!;
            Assert.Contains("12月9日", text);
            Assert.Contains("17:30至19:30", text);
            var link = new Uri(System.Text.RegularExpressions.Regex.Match(text, @"https?://\S+/api/l/b/\S+/[A-Za-z0-9_-]{11}").Value);
            using var followed = await noRedirects.GetAsync(link.PathAndQuery, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Redirect, followed.StatusCode);
            Assert.Equal("/api/pages/book/slots?service=item.real-estate-registration&date=2026-12-09&lang=zh", followed.Headers.Location!.OriginalString);
            using var forged = await noRedirects.GetAsync(link.PathAndQuery.Replace("20261209", "20261210"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        }
        Assert.DoesNotContain((await _dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/sessions?date=2026-12-09")).EnumerateArray(),
            p => p.GetProperty("categoryId").GetString() == "construction" && p.GetProperty("period").GetProperty("id").GetString() == "evening");

        // Bookable: once the centre's configuration is read again, the evening's slots are offered and a resident books one.
        static int FreeAt1730(JsonElement days) => days.EnumerateArray().Where(d => d.GetProperty("date").GetString() == "2026-12-09")
            .SelectMany(d => d.GetProperty("slots").EnumerateArray()).Where(x => x.GetProperty("start").GetString()!.StartsWith("17:30"))
            .Select(x => x.GetProperty("free").GetInt32()).DefaultIfEmpty(0).First();
        const string availability = "/api/availability?itemId=real-estate-registration&from=2026-12-09&to=2026-12-09";
        Assert.Equal(0, FreeAt1730(await _host.Client.GetFromJsonAsync<JsonElement>(availability)));
        ((NodaTime.Testing.FakeClock)_host.Services.GetRequiredService<IClock>()).AdvanceSeconds(31);
        Assert.True(FreeAt1730(await _host.Client.GetFromJsonAsync<JsonElement>(availability)) > 0);
        var (booked, booking) = await PostAsync(_host.Client, "/api/appointments", Json(Booking("2026-12-09", "17:30", item: "real-estate-registration")));
        Assert.True(booked == HttpStatusCode.Created, booking.GetRawText());

        // The day's roster runs into the evening and staffs the session with the staff proposed.
        var (planned, roster) = await PostAsync(_dispatcher, "/api/dispatch/rosters", Json(new { date = "2026-12-09" }));
        Assert.True(planned == HttpStatusCode.Created, roster.GetRawText());
        Assert.Equal("evening-construction", Assert.Single(roster.GetProperty("sessions").EnumerateArray()).GetProperty("id").GetString());
        var slot1730 = 36;
        var atBusiness = roster.GetProperty("duties").EnumerateObject()
            .Where(p => p.Value[slot1730].GetProperty("kind").GetString() == "Window" && p.Value[slot1730].GetProperty("ref").GetString() == "construction")
            .Select(p => p.Name).ToList();
        Assert.True(atBusiness.Count >= session.GetProperty("session").GetProperty("windows").GetInt32());
        Assert.All(atBusiness, id => Assert.Contains(id, staffIds));
    }

    [Fact]
    public async Task A_checked_in_resident_is_called_to_the_window_once_and_the_call_is_kept_as_an_instant()
    {
        var (bookedStatus, booked) = await PostAsync(_host.Client, "/api/appointments", Json(Booking("2026-11-27", "10:30", item: "company-registration")));
        Assert.True(bookedStatus == HttpStatusCode.Created, $"{bookedStatus}: {booked}");
        var id = booked.GetProperty("appointment").GetProperty("id").GetString()!;

        var (early, problem) = await PostAsync(_dispatcher, $"/api/staff/appointments/{id}/call", Json(new { }));
        Assert.Equal((HttpStatusCode.Conflict, "not-checked-in"), (early, problem.GetProperty("code").GetString()));
        var (checkedIn, c) = await PostAsync(_dispatcher, $"/api/staff/appointments/{id}/check-in", Json(new { }));
        Assert.True(checkedIn == HttpStatusCode.OK, c.GetRawText());

        var (called, call) = await PostAsync(_dispatcher, $"/api/staff/appointments/{id}/call", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, called);
        var at = call.GetProperty("calledAt").GetString();
        Assert.EndsWith("Z", at);
        ((NodaTime.Testing.FakeClock)_host.Services.GetRequiredService<IClock>()).AdvanceSeconds(40);
        var (_, again) = await PostAsync(_dispatcher, $"/api/staff/appointments/{id}/call", Json(new { }));
        Assert.Equal(at, again.GetProperty("calledAt").GetString());
        var row = new TableClient(fixture.ConnectionString, "windowcalls").GetEntity<TableEntity>("huli|20261127", id).Value;
        Assert.Equal("business", row.GetString("CategoryId"));

        var (unknown, _) = await PostAsync(_dispatcher, "/api/staff/appointments/business.nosuchappointment000/call", Json(new { }));
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        var (anonymous, _) = await PostAsync(_host.Client, $"/api/staff/appointments/{id}/call", Json(new { }));
        Assert.True(anonymous is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
    }
}
