using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Messages the centre starts: the day-before reminder, the staff's day with its page and calendar feed, a
/// cancellation by the centre answered by a number, and the no-show rule's request to confirm answered by 1.
/// On an Azurite of the class's own: on the shared one, other classes' hosts run the same timers at clocks of their own
/// and send the same staff their days, with links their own tests may revoke.
/// </summary>
public sealed class ScheduledMessageTests(FreshAzuriteFixture azurite) : IClassFixture<FreshAzuriteFixture>, IAsyncLifetime
{
    private readonly FakeClock _clock = SchedulerHost.DemoClock();
    private TestDevHost _host = null!;
    private HttpClient _staff = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await SchedulerHost.StartAsync(azurite.ConnectionString, _clock, s => { s["Sms__Provider"] = "local"; s["Twilio__AuthToken"] = Sms.LocalToken; });
        _staff = await _host.SignedInClientAsync("dispatcher-lin", "staff", "dispatcher");
    }

    public async ValueTask DisposeAsync()
    {
        _staff.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<(string To, string Id)> BookAnyAsync(string date, string mobile, string name = "李芳", string item = "pension-certification")
    {
        foreach (var start in new[] { "15:45", "16:00", "16:15", "15:30", "15:15", "15:00", "14:45", "14:30" })
        {
            var (status, body) = await PostAsync(_host.Client, "/api/appointments", Json(Booking(date, start, mobile, item, name)));
            if (status == HttpStatusCode.Created) return ("+86" + mobile, body.GetProperty("appointment").GetProperty("id").GetString()!);
        }
        throw new InvalidOperationException($"No free slot on {date}.");
    }

    private async Task RunTimerAsync(string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/functions/{name}") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("x-functions-key", _host.Keys.MasterKey);
        using var response = await _host.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{name}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task The_evening_before_a_reminder_goes_out_once_with_the_time_and_the_centres_phone()
    {
        var (to, _) = await BookAnyAsync("2026-12-01", NewMobile());
        _clock.Reset(Instant.FromUtc(2026, 11, 30, 9, 45)); // Monday 17:45 in Xiamen: not yet
        await RunTimerAsync("SendDayBeforeReminders");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(0, Sms.Count(await Sms.InboxAsync(_host.Client, to), "day-before-reminder"));
        _clock.Reset(Instant.FromUtc(2026, 11, 30, 10, 0)); // Monday 18:00
        await RunTimerAsync("SendDayBeforeReminders");
        await RunTimerAsync("SendDayBeforeReminders");
        var inbox = await Sms.WaitForAsync(_host.Client, to, "day-before-reminder");
        Assert.Equal(1, Sms.Count(inbox, "day-before-reminder"));
        var text = Sms.Latest(inbox, "day-before-reminder").GetProperty("text").GetString()!;
        Assert.Contains("明天", text);
        Assert.Contains("12345", text);
        _clock.Reset(SchedulerHost.DemoNow);
    }

    [Fact]
    public async Task Staff_get_their_day_by_sms_with_a_page_and_a_calendar_feed_that_404s_once_revoked()
    {
        _clock.Reset(Instant.FromUtc(2026, 11, 29, 23, 30)); // Monday 07:30 in Xiamen
        try
        {
            await RunTimerAsync("SendStaffDaySchedules");
            var inbox = await Sms.WaitForAsync(_host.Client, "+8613900001001", "staff-day-schedule");
            var text = Sms.Latest(inbox, "staff-day-schedule").GetProperty("text").GetString()!;
            Assert.Contains("王伟", text);
            var link = new Uri(System.Text.RegularExpressions.Regex.Match(text, @"https?://\S+/api/pages/staff-day\?t=[A-Za-z0-9_-]+").Value);
            var page = await _host.Client.GetStringAsync(link.PathAndQuery, TestContext.Current.CancellationToken);
            Assert.Contains("窗口", page);
            var feed = System.Text.RegularExpressions.Regex.Match(page, "/api/calendar/[A-Za-z0-9_-]+\\.ics").Value;
            var ics = await _host.Client.GetStringAsync(feed, TestContext.Current.CancellationToken);
            Assert.Contains("BEGIN:VCALENDAR", ics);
            Assert.Contains("BEGIN:VEVENT", ics);

            using var revoke = new HttpRequestMessage(HttpMethod.Delete, "/api/dispatch/staff/s01/feed");
            using var revoked = await _staff.SendAsync(revoke, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
            using var gone = await _host.Client.GetAsync(feed, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            using var pageGone = await _host.Client.GetAsync(link.PathAndQuery, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, pageGone.StatusCode);
        }
        finally
        {
            _clock.Reset(SchedulerHost.DemoNow);
        }
    }

    [Fact]
    public async Task A_cancellation_by_the_centre_offers_three_times_and_replying_a_number_books_one()
    {
        var (to, id) = await BookAnyAsync("2026-12-04", NewMobile());
        await Sms.WaitForAsync(_host.Client, to, "booking-confirmation");
        _clock.Advance(Duration.FromSeconds(1));
        var (cancelled, _) = await PostAsync(_staff, $"/api/staff/appointments/{id}/cancel", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, cancelled);
        var inbox = await Sms.WaitForAsync(_host.Client, to, "cancelled-by-centre");
        Assert.Contains("1) ", Sms.Latest(inbox, "cancelled-by-centre").GetProperty("text").GetString());

        _clock.Advance(Duration.FromSeconds(1));
        await Sms.ReplyAsync(_host.Client, to, "1");
        inbox = await Sms.WaitForAsync(_host.Client, to, "booking-confirmation", 2);
        Assert.Equal(2, Sms.Count(inbox, "booking-confirmation"));
    }

    [Fact]
    public async Task After_two_no_shows_a_booking_asks_to_be_confirmed_and_replying_1_confirms_it()
    {
        var mobile = NewMobile();
        var (to, first) = await BookAnyAsync("2026-11-30", mobile, "陈明");
        var (_, second) = await BookAnyAsync("2026-11-30", mobile, "陈亮");
        _clock.Reset(Instant.FromUtc(2026, 11, 30, 9, 0)); // Monday 17:00
        try
        {
            foreach (var id in new[] { first, second })
            {
                var (status, _) = await PostAsync(_staff, $"/api/staff/appointments/{id}/no-show", Json(new { }));
                Assert.Equal(HttpStatusCode.OK, status);
            }
            var (_, third) = await BookAnyAsync("2026-12-02", mobile, "陈明");
            var inbox = await Sms.WaitForAsync(_host.Client, to, "confirmation-requested");
            Assert.Contains("1", Sms.Latest(inbox, "confirmation-requested").GetProperty("text").GetString());

            _clock.Advance(Duration.FromSeconds(1));
            await Sms.ReplyAsync(_host.Client, to, "确认");
            inbox = await Sms.WaitForAsync(_host.Client, to, "confirmed");
            Assert.True(Sms.Count(inbox, "confirmed") == 1, string.Join(" | ", inbox.Select(m => $"{m.GetProperty("kind")}: {m.GetProperty("text")}")));
            var view = await _staff.GetFromJsonAsync<JsonElement>($"/api/staff/appointments/{third}", TestContext.Current.CancellationToken);
            Assert.Equal("Booked", view.GetProperty("status").GetString());
        }
        finally
        {
            _clock.Reset(SchedulerHost.DemoNow);
        }
    }

    [Fact]
    public async Task A_home_visit_done_asks_for_a_rating_by_the_timer_and_a_reply_is_counted_under_home_visits()
    {
        // A request approved and planned on Thursday 17 Dec at 10:00-10:30, stored as the planning run would leave it.
        var storage = new Scheduler.Functions.Platform.StorageClients(new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString),
            new Azure.Storage.Queues.QueueServiceClient(azurite.ConnectionString));
        var day = new LocalDate(2026, 12, 17);
        var id = $"hv-rate-{Guid.NewGuid():N}"[..20];
        var mobile = NewMobile();
        var request = new Scheduler.Core.HomeVisits.Requests.HomeVisitRequest(id, "huli", "林秀兰", "+86" + mobile, null, 82, Scheduler.Core.Residents.EligibilityReason.Aged60Plus,
            new Scheduler.Core.Catalogue.GeoPoint(24.52, 118.12), "湖里区县后社区12号", "pension-certification",
            [new Scheduler.Core.HomeVisits.Requests.VisitWindow(day, new LocalTime(9, 0), new LocalTime(11, 0))], Scheduler.Core.HomeVisits.VisitUrgency.Routine, null,
            "web", new Scheduler.Core.HomeVisits.Requests.EligibilityAssessment(true, "Aged 82."), Scheduler.Core.HomeVisits.Requests.HomeVisitStatus.Approved,
            new Scheduler.Core.HomeVisits.Requests.Decision(Scheduler.Core.HomeVisits.Requests.HomeVisitStatus.Approved, "staff:dispatch", SchedulerHost.DemoNow, null),
            SchedulerHost.DemoNow, "anonymous", id);
        Assert.True(await new Scheduler.Functions.HomeVisits.TableHomeVisitStore(storage).AddAsync(request, CancellationToken.None));
        var plan = new Scheduler.Core.HomeVisits.HomeVisitPlan("huli", day,
            [new Scheduler.Core.HomeVisits.StaffRoute("s01", new LocalTime(9, 30), new LocalTime(11, 0),
                [new Scheduler.Core.HomeVisits.RouteStop(id, new LocalTime(9, 55), new LocalTime(10, 0), new LocalTime(10, 30))], null)],
            [], new Scheduler.Core.HomeVisits.PlanKpis(1, 0, Duration.FromMinutes(20), 5_000, Duration.Zero, []));
        var runs = new Scheduler.Functions.HomeVisits.TablePlanRunStore(storage);
        var run = new Scheduler.Core.HomeVisits.Planning.PlanRun($"20261217-{id}", "huli", day, Scheduler.Core.HomeVisits.Planning.PlanRunStatus.Solved, SchedulerHost.DemoNow,
            "staff:dispatch", null, null, plan, [], null, null);
        await runs.AddAsync(run, CancellationToken.None);
        Assert.True(await runs.PublishAsync((await runs.GetAsync("huli", run.Id, CancellationToken.None))!, null, SchedulerHost.DemoNow, CancellationToken.None));
        var to = "+86" + mobile;

        _clock.Reset(Instant.FromUtc(2026, 12, 17, 2, 0)); // 10:00, the visit is not done
        try
        {
            await RunTimerAsync("SendVisitRatingRequests");
            _clock.Reset(Instant.FromUtc(2026, 12, 17, 11, 0)); // 19:00
            await RunTimerAsync("SendVisitRatingRequests");
            await RunTimerAsync("SendVisitRatingRequests");
            var inbox = await Sms.WaitForAsync(_host.Client, to, "visit-rating-request");
            Assert.Equal(1, Sms.Count(inbox, "visit-rating-request"));
            Assert.Contains("养老金资格认证", Sms.Latest(inbox, "visit-rating-request").GetProperty("text").GetString());

            _clock.Advance(Duration.FromSeconds(1));
            await Sms.ReplyAsync(_host.Client, to, "1 上门太慢");
            inbox = await Sms.WaitForAsync(_host.Client, to, "rating-thanks");
            Assert.Equal(1, Sms.Count(inbox, "rating-thanks"));
            var summary = await _staff.GetFromJsonAsync<JsonElement>("/api/ratings/summary?from=2026-12-17&to=2026-12-17", TestContext.Current.CancellationToken);
            Assert.Contains(summary.GetProperty("byCategory").EnumerateArray(), g => g.GetProperty("key").GetString() == "home-visit");
            var followUps = await _staff.GetFromJsonAsync<List<JsonElement>>("/api/dispatch/follow-ups", TestContext.Current.CancellationToken);
            var mine = followUps!.Single(f => f.GetProperty("subject").GetString() == $"home-visit/{id}");
            Assert.Equal(("rating", 1, "上门太慢"), (mine.GetProperty("kind").GetString(), mine.GetProperty("score").GetInt32(), mine.GetProperty("reason").GetString()));
        }
        finally
        {
            _clock.Reset(SchedulerHost.DemoNow);
        }
    }
    [Fact]
    public async Task An_unconfirmed_booking_after_two_no_shows_lapses_after_12_hours_and_the_resident_is_told()
    {
        var mobile = NewMobile();
        var (to, first) = await BookAnyAsync("2026-12-01", mobile, "陈明");
        var (_, second) = await BookAnyAsync("2026-12-01", mobile, "陈亮");
        _clock.Reset(Instant.FromUtc(2026, 12, 1, 9, 0)); // Tuesday 17:00
        try
        {
            foreach (var id in new[] { first, second })
                Assert.Equal(HttpStatusCode.OK, (await PostAsync(_staff, $"/api/staff/appointments/{id}/no-show", Json(new { }))).Status);
            var (_, third) = await BookAnyAsync("2026-12-03", mobile, "陈明");
            await Sms.WaitForAsync(_host.Client, to, "confirmation-requested");

            // Not yet at 11 h 59 min; lapsed once past 12 h, with a message saying so and how to book again.
            _clock.Advance(Duration.FromHours(12) - Duration.FromMinutes(1));
            await RunTimerAsync("LapseUnconfirmedAppointments");
            Assert.Equal("AwaitingConfirmation", (await _staff.GetFromJsonAsync<JsonElement>($"/api/staff/appointments/{third}", TestContext.Current.CancellationToken))
                .GetProperty("status").GetString());
            _clock.Advance(Duration.FromMinutes(2));
            await RunTimerAsync("LapseUnconfirmedAppointments");
            await RunTimerAsync("LapseUnconfirmedAppointments");
            Assert.Equal("Lapsed", (await _staff.GetFromJsonAsync<JsonElement>($"/api/staff/appointments/{third}", TestContext.Current.CancellationToken))
                .GetProperty("status").GetString());
            var inbox = await Sms.WaitForAsync(_host.Client, to, "lapsed");
            Assert.Equal(1, Sms.Count(inbox, "lapsed"));
            var text = Sms.Latest(inbox, "lapsed").GetProperty("text").GetString()!;
            Assert.Contains("陈明", text);
            Assert.Contains("12月3日", text);
            Assert.Contains("12345", text);
        }
        finally
        {
            _clock.Reset(SchedulerHost.DemoNow);
        }
    }

    /// <summary>Approved requests and a solved plan for them, stored as the planner leaves them: the visits in the order given, for one member of staff.</summary>
    private async Task<(string RunId, List<(string Id, string To)> Visits)> SolvedPlanAsync(LocalDate day, string staffId, params (string Address, LocalTime Start)[] visits)
    {
        var ct = TestContext.Current.CancellationToken;
        var store = _host.Services.GetRequiredService<Scheduler.Core.HomeVisits.Requests.IHomeVisitStore>();
        var made = new List<(string, string)>();
        var stops = new List<Scheduler.Core.HomeVisits.RouteStop>();
        foreach (var (address, start) in visits)
        {
            var id = $"hv-sm-{Guid.NewGuid():N}"[..20];
            var to = "+86" + NewMobile();
            Assert.True(await store.AddAsync(new Scheduler.Core.HomeVisits.Requests.HomeVisitRequest(id, "huli", "林秀兰", to, null, 82,
                Scheduler.Core.Residents.EligibilityReason.Aged60Plus, new Scheduler.Core.Catalogue.GeoPoint(24.52, 118.12), address, "pension-certification",
                [new Scheduler.Core.HomeVisits.Requests.VisitWindow(day, new LocalTime(9, 0), new LocalTime(12, 0))], Scheduler.Core.HomeVisits.VisitUrgency.Routine, null, "web",
                new Scheduler.Core.HomeVisits.Requests.EligibilityAssessment(true, "Aged 82."), Scheduler.Core.HomeVisits.Requests.HomeVisitStatus.Approved,
                new Scheduler.Core.HomeVisits.Requests.Decision(Scheduler.Core.HomeVisits.Requests.HomeVisitStatus.Approved, "staff:dispatch", SchedulerHost.DemoNow, null),
                SchedulerHost.DemoNow, "anonymous", id), ct));
            made.Add((id, to));
            stops.Add(new Scheduler.Core.HomeVisits.RouteStop(id, start.PlusMinutes(-5), start, start.PlusMinutes(30)));
        }
        var plan = new Scheduler.Core.HomeVisits.HomeVisitPlan("huli", day,
            [new Scheduler.Core.HomeVisits.StaffRoute(staffId, stops[0].Arrival.PlusMinutes(-20), stops[^1].End.PlusMinutes(20), stops, null)],
            [], new Scheduler.Core.HomeVisits.PlanKpis(stops.Count, 0, Duration.FromMinutes(20), 5_000, Duration.Zero, []));
        var run = new Scheduler.Core.HomeVisits.Planning.PlanRun($"{day:yyyyMMdd}-{Guid.NewGuid():N}"[..20], "huli", day, Scheduler.Core.HomeVisits.Planning.PlanRunStatus.Solved,
            SchedulerHost.DemoNow, "staff:dispatch", null, null, plan, [], null, null);
        Assert.True(await _host.Services.GetRequiredService<Scheduler.Core.HomeVisits.Planning.IPlanRunStore>().AddAsync(run, ct));
        return (run.Id, made);
    }

    private async Task PublishAsync(string runId)
    {
        var (status, body) = await PostAsync(_staff, $"/api/dispatch/plans/{runId}/publish", Json(new { }));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    [Fact]
    public async Task A_published_plan_tells_residents_their_time_reminds_them_the_day_before_and_gives_staff_their_visits_in_order_with_addresses()
    {
        // Friday 4 December: 刘强 (s02) visits 县后社区 at 09:30, then 殿前社区 at 10:45.
        var day = new LocalDate(2026, 12, 4);
        var (runId, visits) = await SolvedPlanAsync(day, "s02", ("湖里区县后社区12号", new LocalTime(9, 30)), ("湖里区殿前社区8号", new LocalTime(10, 45)));
        await PublishAsync(runId);
        foreach (var ((_, to), time) in visits.Zip(new[] { "09:30", "10:45" }))
        {
            var inbox = await Sms.WaitForAsync(_host.Client, to, "visit-time-published");
            Assert.Equal(1, Sms.Count(inbox, "visit-time-published"));
            Assert.Contains($"12月4日(周五){time}", Sms.Latest(inbox, "visit-time-published").GetProperty("text").GetString());
        }

        try
        {
            _clock.Reset(Instant.FromUtc(2026, 12, 3, 10, 0)); // Thursday 18:00: the visits of tomorrow
            await RunTimerAsync("SendDayBeforeReminders");
            await RunTimerAsync("SendDayBeforeReminders");
            foreach (var ((_, to), time) in visits.Zip(new[] { "09:30", "10:45" }))
            {
                var inbox = await Sms.WaitForAsync(_host.Client, to, "visit-reminder");
                Assert.Equal(1, Sms.Count(inbox, "visit-reminder"));
                var text = Sms.Latest(inbox, "visit-reminder").GetProperty("text").GetString()!;
                Assert.Contains($"明天{time}", text);
                Assert.Contains("12345", text);
            }

            _clock.Reset(Instant.FromUtc(2026, 12, 3, 23, 30)); // Friday 07:30: 刘强's day
            await RunTimerAsync("SendStaffDaySchedules");
            var staffInbox = await Sms.WaitForAsync(_host.Client, "+8613900001002", "staff-day-schedule");
            // Other classes' hosts on the same Azurite list a second centre whose staff carry the demo's mobiles, so this
            // phone may also get that centre's day (under its own key): the message with this test's addresses is read.
            var day4 = staffInbox.Where(m => m.GetProperty("kind").GetString() == "staff-day-schedule")
                .Select(m => m.GetProperty("text").GetString()!).First(t => t.Contains("12月4日") && t.Contains("湖里区县后社区12号"));
            Assert.Contains("刘强", day4);
            var first = day4.IndexOf("09:30-10:00 上门 林秀兰 养老金资格认证 湖里区县后社区12号", StringComparison.Ordinal);
            var second = day4.IndexOf("10:45-11:15 上门 林秀兰 养老金资格认证 湖里区殿前社区8号", StringComparison.Ordinal);
            Assert.True(first >= 0 && second > first, day4);
            Assert.Matches(@"/api/pages/staff-day\?t=[A-Za-z0-9_-]+", day4);
        }
        finally
        {
            _clock.Reset(SchedulerHost.DemoNow);
        }
    }

    [Fact]
    public async Task A_staff_calendar_feed_follows_a_plan_that_is_published_again()
    {
        // 黄娟 (s03) on Thursday 10 December: a visit at 09:30, then the day planned again with it at 14:00.
        var ct = TestContext.Current.CancellationToken;
        var (renewed, feed) = await PostAsync(_staff, "/api/dispatch/staff/s03/feed", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, renewed);
        var calendar = new Uri(feed.GetProperty("calendarUrl").GetString()!).PathAndQuery;
        var day = new LocalDate(2026, 12, 10);
        var (firstRun, visits) = await SolvedPlanAsync(day, "s03", ("湖里区县后社区12号", new LocalTime(9, 30)));
        await PublishAsync(firstRun);
        var before = await _host.Client.GetStringAsync(calendar, ct);
        Assert.Contains("20261210T013000Z", before); // 09:30 in Xiamen
        Assert.Contains("湖里区县后社区12号", before);

        var runs = _host.Services.GetRequiredService<Scheduler.Core.HomeVisits.Planning.IPlanRunStore>();
        var published = (await runs.GetAsync("huli", firstRun, ct))!.Run;
        var moved = published.Plan! with
        {
            Routes = [published.Plan.Routes[0] with
            {
                Departure = new LocalTime(13, 30), Return = new LocalTime(15, 0),
                Stops = [new Scheduler.Core.HomeVisits.RouteStop(visits[0].Id, new LocalTime(13, 55), new LocalTime(14, 0), new LocalTime(14, 30))],
            }],
        };
        var again = published with { Id = $"20261210-{Guid.NewGuid():N}"[..20], Status = Scheduler.Core.HomeVisits.Planning.PlanRunStatus.Solved, Plan = moved };
        Assert.True(await runs.AddAsync(again, ct));
        await PublishAsync(again.Id);

        var after = await _host.Client.GetStringAsync(calendar, ct);
        Assert.Contains("20261210T060000Z", after); // 14:00 in Xiamen
        Assert.DoesNotContain("20261210T013000Z", after);
        // The resident is told the new time as well.
        var inbox = await Sms.WaitForAsync(_host.Client, visits[0].To, "visit-time-published", 2);
        Assert.Equal(2, Sms.Count(inbox, "visit-time-published"));
        var told = inbox.Where(m => m.GetProperty("kind").GetString() == "visit-time-published").Select(m => m.GetProperty("text").GetString()!).ToList();
        Assert.Contains(told, t => t.Contains("12月10日(周四)09:30"));
        Assert.Contains(told, t => t.Contains("12月10日(周四)14:00"));
    }
    [Fact]
    public async Task A_home_visits_rating_request_links_to_its_rating_page_which_records_the_rating_once()
    {
        // Friday 18 December: 罗艳 (s07) visits at 09:30-10:00; the evening's rating request carries a short link.
        var ct = TestContext.Current.CancellationToken;
        var day = new LocalDate(2026, 12, 18);
        var (runId, visits) = await SolvedPlanAsync(day, "s07", ("湖里区金山社区3号", new LocalTime(9, 30)));
        await PublishAsync(runId);
        var (id, to) = visits[0];
        _clock.Reset(Instant.FromUtc(2026, 12, 18, 11, 0)); // 19:00
        try
        {
            await RunTimerAsync("SendVisitRatingRequests");
            var inbox = await Sms.WaitForAsync(_host.Client, to, "visit-rating-request");
            var text = Sms.Latest(inbox, "visit-rating-request").GetProperty("text").GetString()!;
            Assert.Contains("回复1至5", text);
            var link = System.Text.RegularExpressions.Regex.Match(text, "/api/l/v/[A-Za-z0-9._-]+/[A-Za-z0-9_-]{11}").Value;
            Assert.NotEmpty(link);
            using (var forged = await _host.Client.GetAsync(link[..^2] + "xx", ct))
                Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);

            using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
            using var redirect = await noRedirect.GetAsync(link, ct);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            var page = redirect.Headers.Location!.OriginalString;
            Assert.StartsWith("/api/pages/rate?token=", page);
            var html = await _host.Client.GetStringAsync(page, ct);
            Assert.Contains("评价这次上门服务", html);
            Assert.Contains("您对这次上门服务满意吗？", html);
            Assert.Contains("养老金资格认证", html);
            Assert.Contains("上午9:30", html);
            Assert.DoesNotContain("金山社区", html); // the home's address stays off the page
            var action = System.Text.RegularExpressions.Regex.Match(html, "action=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&");

            async Task<(HttpStatusCode, string)> RateAsync(string? score)
            {
                var form = new Dictionary<string, string> { ["lang"] = "zh", ["reason"] = "上门很准时" };
                if (score is not null) form["score"] = score;
                using var posted = await _host.Client.PostAsync(action, new FormUrlEncodedContent(form), ct);
                return (posted.StatusCode, await posted.Content.ReadAsStringAsync(ct));
            }
            var (none, noneHtml) = await RateAsync(null);
            Assert.Equal(HttpStatusCode.BadRequest, none);
            Assert.Contains("请选择1到5分", noneHtml);
            var (rated, thanks) = await RateAsync("5");
            Assert.Equal(HttpStatusCode.OK, rated);
            Assert.Contains("感谢您的评价", thanks);
            var (again, already) = await RateAsync("1");
            Assert.Equal(HttpStatusCode.Conflict, again);
            Assert.Contains("已经评价过了", already);

            // Counted once, under home visits and the visit's item, from the web.
            var summary = await _staff.GetFromJsonAsync<JsonElement>("/api/ratings/summary?from=2026-12-18&to=2026-12-18", ct);
            Assert.Equal(1, summary.GetProperty("count").GetInt32());
            Assert.Equal(5, summary.GetProperty("average").GetDouble());
            Assert.Equal("home-visit", Assert.Single(summary.GetProperty("byCategory").EnumerateArray()).GetProperty("key").GetString());
            // A reply after the page's rating is not counted twice.
            _clock.Advance(Duration.FromSeconds(1));
            await Sms.ReplyAsync(_host.Client, to, "1");
            inbox = await Sms.WaitForAsync(_host.Client, to, "reply-not-possible");
            Assert.Contains("已经评价过了", Sms.Latest(inbox, "reply-not-possible").GetProperty("text").GetString());
            summary = await _staff.GetFromJsonAsync<JsonElement>("/api/ratings/summary?from=2026-12-18&to=2026-12-18", ct);
            Assert.Equal(1, summary.GetProperty("count").GetInt32());
        }
        finally
        {
            _clock.Reset(SchedulerHost.DemoNow);
        }
    }
}
