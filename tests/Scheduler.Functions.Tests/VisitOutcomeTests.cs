using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Residents;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Staff record whether a published visit was made (<c>POST /api/staff/visits/{requestId}/outcome</c>), and the rating
/// request follows the record: a visit done is asked at once and once, one not done is never asked, one without a
/// record is asked by the evening batch once its planned end has passed. On an Azurite of the class's own: the evening
/// batch is marked done per centre and day, and other classes' hosts run the same timers at clocks of their own.
/// </summary>
public sealed class VisitOutcomeTests(FreshAzuriteFixture azurite) : IClassFixture<FreshAzuriteFixture>, IAsyncLifetime
{
    private static readonly LocalDate Day = new(2026, 12, 22); // Tuesday
    private readonly FakeClock _clock = SchedulerHost.DemoClock();
    private TestDevHost _host = null!;
    private HttpClient _dispatcher = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await SchedulerHost.StartAsync(azurite.ConnectionString, _clock, s => { s["Sms__Provider"] = "local"; s["Twilio__AuthToken"] = Sms.LocalToken; });
        _dispatcher = await _host.SignedInClientAsync("dispatcher-zhao", "staff", "dispatcher");
    }

    public async ValueTask DisposeAsync()
    {
        _dispatcher.Dispose();
        await _host.DisposeAsync();
    }

    private static Instant Local(LocalDate date, int hour, int minute = 0) =>
        date.At(new LocalTime(hour, minute)).InZoneStrictly(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToInstant();

    /// <summary>An approved request with a window on <paramref name="date"/>, stored as a dispatcher's approval leaves it; its id and mobile.</summary>
    private async Task<(string Id, string To)> ApprovedAsync(LocalDate date)
    {
        var id = $"hv-vo-{Guid.NewGuid():N}"[..20];
        var to = "+86" + NewMobile();
        Assert.True(await _host.Services.GetRequiredService<IHomeVisitStore>().AddAsync(new HomeVisitRequest(id, "huli", "林秀兰", to, null, 82,
            EligibilityReason.Aged60Plus, new GeoPoint(24.52, 118.12), "湖里区县后社区12号", "pension-certification",
            [new VisitWindow(date, new LocalTime(9, 0), new LocalTime(12, 0))], VisitUrgency.Routine, null, "web",
            new EligibilityAssessment(true, "Aged 82."), HomeVisitStatus.Approved, new Decision(HomeVisitStatus.Approved, "staff:dispatch", SchedulerHost.DemoNow, null),
            SchedulerHost.DemoNow, "anonymous", id), TestContext.Current.CancellationToken));
        return (id, to);
    }

    /// <summary>A plan of <paramref name="date"/> in which <paramref name="staffId"/> visits the requests from 09:30, 45 minutes apart, published by a dispatcher.</summary>
    private async Task PublishAsync(LocalDate date, string staffId, params string[] ids)
    {
        var stops = ids.Select((id, i) => new RouteStop(id, new LocalTime(9, 25).PlusMinutes(45 * i), new LocalTime(9, 30).PlusMinutes(45 * i),
            new LocalTime(10, 0).PlusMinutes(45 * i))).ToList();
        var plan = new HomeVisitPlan("huli", date, [new StaffRoute(staffId, new LocalTime(9, 0), stops[^1].End.PlusMinutes(20), stops, null)], [],
            new PlanKpis(stops.Count, 0, Duration.FromMinutes(20), 5_000, Duration.Zero, []));
        var run = new PlanRun($"{date:yyyyMMdd}-{Guid.NewGuid():N}"[..20], "huli", date, PlanRunStatus.Solved, SchedulerHost.DemoNow, "staff:dispatch", null, null, plan, [], null, null);
        Assert.True(await _host.Services.GetRequiredService<IPlanRunStore>().AddAsync(run, TestContext.Current.CancellationToken));
        var (status, body) = await PostAsync(_dispatcher, $"/api/dispatch/plans/{run.Id}/publish", Json(new { }));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, string? MediaType)> OutcomeAsync(HttpClient client, string id, string json)
    {
        using var response = await client.PostAsync($"/api/staff/visits/{id}/outcome", Raw(json), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
    }

    private async Task RunTimerAsync(string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/functions/{name}") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("x-functions-key", _host.Keys.MasterKey);
        using var response = await _host.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{name}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task A_visit_recorded_done_is_asked_for_a_rating_at_once_and_once_one_not_done_never_and_one_without_a_record_in_the_evening()
    {
        var (done, doneTo) = await ApprovedAsync(Day);
        var (notDone, notDoneTo) = await ApprovedAsync(Day);
        var (unrecorded, unrecordedTo) = await ApprovedAsync(Day);
        await PublishAsync(Day, "s04", done, notDone, unrecorded);
        using var s04 = await _host.SignedInClientAsync("s04", "staff");
        _clock.Reset(Local(Day, 10, 5));
        try
        {
            // s04 made the first visit (09:30-10:00): recorded with the clock's instant, and the resident is asked at once.
            var (status, body, _) = await OutcomeAsync(s04, done, """{"outcome":"Done"}""");
            Assert.True(status == HttpStatusCode.OK, body.ToString());
            Assert.Equal(("Done", "2026-12-22", "2026-12-22T02:05:00Z"),
                (body.GetProperty("outcome").GetString(), body.GetProperty("date").GetString(), body.GetProperty("recordedAt").GetString()));
            var inbox = await Sms.WaitForAsync(_host.Client, doneTo, "visit-rating-request");
            Assert.Equal(1, Sms.Count(inbox, "visit-rating-request"));

            // The same again: 200 and nothing more; another outcome: 409, and the first stands.
            _clock.Advance(Duration.FromMinutes(3));
            var (again, againBody, _) = await OutcomeAsync(s04, done, """{"outcome":"Done"}""");
            Assert.Equal((HttpStatusCode.OK, "2026-12-22T02:05:00Z"), (again, againBody.GetProperty("recordedAt").GetString()));
            var (contradicted, problem, mediaType) = await OutcomeAsync(_dispatcher, done, """{"outcome":"NotDone","reason":"NotHome"}""");
            Assert.Equal((HttpStatusCode.Conflict, "application/problem+json", "outcome-recorded"), (contradicted, mediaType, problem.GetProperty("code").GetString()));

            // The resident of the second visit was not at home: a dispatcher records it.
            var (missed, missedBody, _) = await OutcomeAsync(_dispatcher, notDone, """{"outcome":"NotDone","reason":"NotHome"}""");
            Assert.True(missed == HttpStatusCode.OK, missedBody.ToString());
            Assert.Equal("NotHome", missedBody.GetProperty("reason").GetString());

            // Dispatchers read the day's records (the plan on their page shows them); staff without the role cannot.
            var records = await _dispatcher.GetFromJsonAsync<List<JsonElement>>("/api/dispatch/visit-outcomes?date=2026-12-22", TestContext.Current.CancellationToken);
            Assert.Equal([(done, "Done"), (notDone, "NotDone")],
                records!.Select(o => (o.GetProperty("requestId").GetString(), o.GetProperty("outcome").GetString())).OrderBy(o => o.Item2).ToList());
            using (var listed = await s04.GetAsync("/api/dispatch/visit-outcomes?date=2026-12-22", TestContext.Current.CancellationToken))
                Assert.Equal(HttpStatusCode.Forbidden, listed.StatusCode);

            // The evening batch: nothing more for the visit done, nothing for the one not done, one for the visit without a record.
            _clock.Reset(Local(Day, 19, 0));
            await RunTimerAsync("SendVisitRatingRequests");
            await RunTimerAsync("SendVisitRatingRequests");
            inbox = await Sms.WaitForAsync(_host.Client, unrecordedTo, "visit-rating-request");
            Assert.Equal(1, Sms.Count(inbox, "visit-rating-request"));
            Assert.Equal(1, Sms.Count(await Sms.InboxAsync(_host.Client, doneTo), "visit-rating-request"));
            Assert.Equal(0, Sms.Count(await Sms.InboxAsync(_host.Client, notDoneTo), "visit-rating-request"));
        }
        finally
        {
            _clock.Reset(SchedulerHost.DemoNow);
        }
    }

    [Fact]
    public async Task Bad_records_get_a_clear_4xx_with_problem_details_and_change_nothing()
    {
        var day = Day.PlusDays(1); // Wednesday 23 December
        var (mine, mineTo) = await ApprovedAsync(day);
        var (later, _) = await ApprovedAsync(day.PlusDays(1));
        var (unpublished, _) = await ApprovedAsync(day);
        await PublishAsync(day, "s05", mine);
        await PublishAsync(day.PlusDays(1), "s05", later);
        using var s05 = await _host.SignedInClientAsync("s05", "staff");
        using var s06 = await _host.SignedInClientAsync("s06", "staff");
        _clock.Reset(Local(day, 11, 0));
        try
        {
            // Never anonymous: no sign-in (with or without the function key) is 401.
            Assert.Equal(HttpStatusCode.Unauthorized, (await OutcomeAsync(_host.Client, mine, """{"outcome":"Done"}""")).Status);
            using (var keyed = _host.KeyedClient())
                Assert.Equal(HttpStatusCode.Unauthorized, (await OutcomeAsync(keyed, mine, """{"outcome":"Done"}""")).Status);

            foreach (var (client, id, json, expected, code) in new (HttpClient, string, string, HttpStatusCode, string?)[]
                     {
                         (s05, mine, """{"outcome": """, HttpStatusCode.BadRequest, null),
                         (s05, mine, """{"outcome":"Maybe"}""", HttpStatusCode.BadRequest, null),
                         (s05, mine, """{}""", HttpStatusCode.BadRequest, "invalid-outcome"),
                         (s05, mine, """{"outcome":"NotDone"}""", HttpStatusCode.BadRequest, "reason-required"),
                         (s05, mine, """{"outcome":"NotDone","reason":"Other"}""", HttpStatusCode.BadRequest, "note-required"),
                         (s05, mine, """{"outcome":"Done","reason":"Refused"}""", HttpStatusCode.BadRequest, "invalid-outcome"),
                         (s05, "hv-vo-nobody", """{"outcome":"Done"}""", HttpStatusCode.NotFound, "unknown-request"),
                         (s05, unpublished, """{"outcome":"Done"}""", HttpStatusCode.Conflict, "visit-not-published"),
                         (s05, later, """{"outcome":"Done"}""", HttpStatusCode.Conflict, "visit-not-yet"),
                         (s06, mine, """{"outcome":"Done"}""", HttpStatusCode.Forbidden, "not-your-visit"),
                     })
            {
                var (status, problem, mediaType) = await OutcomeAsync(client, id, json);
                Assert.True(status == expected, $"{json} for {id}: {(int)status} {problem}");
                Assert.Equal("application/problem+json", mediaType);
                if (code is not null) Assert.Equal(code, problem.GetProperty("code").GetString());
            }

            // Nothing was recorded: the visit's own member of staff records it now, and only now is the resident asked.
            Assert.Equal(0, Sms.Count(await Sms.InboxAsync(_host.Client, mineTo), "visit-rating-request"));
            var (ok, body, _) = await OutcomeAsync(s05, mine, """{"outcome":"NotDone","reason":"Other","note":"门口有狗，无法进入"}""");
            Assert.True(ok == HttpStatusCode.OK, body.ToString());
            Assert.Equal(("NotDone", "Other", "门口有狗，无法进入"),
                (body.GetProperty("outcome").GetString(), body.GetProperty("reason").GetString(), body.GetProperty("note").GetString()));
            Assert.Equal(0, Sms.Count(await Sms.InboxAsync(_host.Client, mineTo), "visit-rating-request"));
        }
        finally
        {
            _clock.Reset(SchedulerHost.DemoNow);
        }
    }

    [Fact]
    public async Task The_staff_day_page_records_a_visit_with_its_buttons_for_the_staff_member_its_link_names()
    {
        var ct = TestContext.Current.CancellationToken;
        var day = Day.PlusDays(2); // Thursday 24 December
        var (visit, to) = await ApprovedAsync(day);
        var (elsewhere, _) = await ApprovedAsync(day.PlusDays(-3));
        await PublishAsync(day, "s07", visit);
        await PublishAsync(day.PlusDays(-3), "s08", elsewhere); // another member of staff's visit, on Monday
        var (renewed, feed) = await PostAsync(_dispatcher, "/api/dispatch/staff/s07/feed", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, renewed);
        var page = new Uri(feed.GetProperty("pageUrl").GetString()!).PathAndQuery;
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };

        async Task<(HttpStatusCode, string)> PressAsync(string path, string id, string outcome, string reason = "")
        {
            var form = new Dictionary<string, string> { ["visit"] = id, ["outcome"] = outcome, ["reason"] = reason, ["lang"] = "zh" };
            using var posted = await noRedirect.PostAsync(path, new FormUrlEncodedContent(form), ct);
            return (posted.StatusCode, await posted.Content.ReadAsStringAsync(ct));
        }

        // The day before, the page offers no buttons: a visit is recorded on its day or after.
        _clock.Reset(Local(day.PlusDays(-1), 18, 0));
        try
        {
            var before = await _host.Client.GetStringAsync($"{page}&date={day:yyyy-MM-dd}", ct);
            Assert.Contains("上门：林秀兰", before);
            Assert.DoesNotContain("已上门服务", before);

            _clock.Reset(Local(day, 10, 30));
            var html = await _host.Client.GetStringAsync(page, ct);
            Assert.Contains("已上门服务", html);
            Assert.Contains("未上门：不在家", html);
            var action = System.Text.RegularExpressions.Regex.Match(html, "<form method=\"post\" action=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&");
            Assert.StartsWith("/api/pages/staff-day?t=", action);
            Assert.Contains($"value=\"{visit}\"", html);

            // Another member of staff's visit cannot be recorded from this page.
            var (foreign, foreignHtml) = await PressAsync(action, elsewhere, "Done");
            Assert.Equal(HttpStatusCode.Forbidden, foreign);
            Assert.Contains("无法记录这次上门", foreignHtml);

            var (done, doneHtml) = await PressAsync(action, visit, "Done");
            Assert.Equal(HttpStatusCode.OK, done);
            Assert.Contains("已记录，谢谢。", doneHtml);
            Assert.Contains("已记录：已上门服务", doneHtml);
            Assert.DoesNotContain("未上门：不在家", doneHtml); // recorded: the buttons are gone
            var inbox = await Sms.WaitForAsync(_host.Client, to, "visit-rating-request");
            Assert.Equal(1, Sms.Count(inbox, "visit-rating-request"));

            var (again, againHtml) = await PressAsync(action, visit, "NotDone", "NotHome");
            Assert.Equal(HttpStatusCode.Conflict, again);
            Assert.Contains("已记录了其他结果", againHtml);

            // The record is the API's: the same visit by the API, another outcome, is refused too.
            using var s07 = await _host.SignedInClientAsync("s07", "staff");
            var (api, problem, _) = await OutcomeAsync(s07, visit, """{"outcome":"NotDone","reason":"Refused"}""");
            Assert.Equal((HttpStatusCode.Conflict, "outcome-recorded"), (api, problem.GetProperty("code").GetString()));

            // A revoked link records nothing.
            using (var revoke = new HttpRequestMessage(HttpMethod.Delete, "/api/dispatch/staff/s07/feed"))
                Assert.Equal(HttpStatusCode.NoContent, (await _dispatcher.SendAsync(revoke, ct)).StatusCode);
            var (revoked, _) = await PressAsync(action, visit, "Done");
            Assert.Equal(HttpStatusCode.NotFound, revoked);
        }
        finally
        {
            _clock.Reset(SchedulerHost.DemoNow);
        }
    }
}
