using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Testing;
using Xunit;
using Scheduler.Functions.Platform;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>Signed Twilio webhooks and the local inbox, for tests.</summary>
internal static partial class Sms
{
    public const string LocalToken = "local-development-only-twilio-token";
    public const string PublicBase = "http://localhost:7071";

    /// <summary>Twilio's signature: HMAC-SHA1 with the auth token over the URL and every form field sorted by name, name then value.</summary>
    public static string Sign(string url, IReadOnlyDictionary<string, string> form, string token)
    {
        var data = new StringBuilder(url);
        foreach (var (k, v) in form.OrderBy(p => p.Key, StringComparer.Ordinal)) data.Append(k).Append(v);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data.ToString())));
    }

    public static async Task<HttpStatusCode> PostAsync(HttpClient client, string path, Dictionary<string, string> form, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (signature is not null) request.Headers.Add("X-Twilio-Signature", signature);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    public static Task<HttpStatusCode> ReplyAsync(HttpClient client, string from, string body, string? sid = null, string token = LocalToken)
    {
        var form = new Dictionary<string, string> { ["MessageSid"] = sid ?? "SM" + Guid.NewGuid().ToString("N"), ["From"] = from, ["To"] = "+8613800000000", ["Body"] = body };
        return PostAsync(client, "/api/sms/inbound", form, Sign(PublicBase + "/api/sms/inbound", form, token));
    }

    public static async Task<List<JsonElement>> InboxAsync(HttpClient client, string to) =>
        (await client.GetFromJsonAsync<List<JsonElement>>($"/api/local/sms?to={Uri.EscapeDataString(to)}"))!;

    /// <summary>Waits (at most <paramref name="seconds"/>) until the number's inbox holds <paramref name="count"/> messages of the kind; the inbox then.</summary>
    public static async Task<List<JsonElement>> WaitForAsync(HttpClient client, string to, string kind, int count = 1, double seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var inbox = await InboxAsync(client, to);
            if (inbox.Count(m => m.GetProperty("kind").GetString() == kind) >= count || DateTime.UtcNow > until) return inbox;
            await Task.Delay(200);
        }
    }

    public static int Count(List<JsonElement> inbox, string kind) => inbox.Count(m => m.GetProperty("kind").GetString() == kind);

    public static JsonElement Latest(List<JsonElement> inbox, string kind) => inbox.First(m => m.GetProperty("kind").GetString() == kind);

    [GeneratedRegex(@"https?://\S+/api/l/\S+")]
    public static partial Regex Link();
}

/// <summary>
/// The SMS loop on the dev host with the local provider: a booking's confirmation in the local inbox with a short
/// link to its manage page; replies that cancel, move, book and rate; signatures; retries of the same webhook.
/// </summary>
public sealed class SmsLoopTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeClock _clock = SchedulerHost.DemoClock();
    private TestDevHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await SchedulerHost.StartAsync(azurite.ConnectionString, _clock, s => { s["Sms__Provider"] = "local"; s["Twilio__AuthToken"] = Sms.LocalToken; });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<(string Mobile, string Id, string Token)> BookAsync(string start = "10:00", string date = "2026-12-11", string? mobile = null)
    {
        mobile ??= NewMobile();
        var (status, body) = await PostAsync(_host.Client, "/api/appointments", Json(Booking(date, start, mobile)));
        Assert.Equal(HttpStatusCode.Created, status);
        return ("+86" + mobile, body.GetProperty("appointment").GetProperty("id").GetString()!, body.GetProperty("manageToken").GetString()!);
    }

    private async Task<string> StatusAsync(string id, string token) =>
        (await _host.Client.GetFromJsonAsync<JsonElement>($"/api/appointments/{id}?token={Uri.EscapeDataString(token)}")).GetProperty("status").GetString()!;

    [Fact]
    public async Task A_booking_gets_a_confirmation_whose_short_link_opens_its_manage_page_and_a_signed_reply_2_cancels_it()
    {
        var (to, id, token) = await BookAsync();

        var inbox = await Sms.WaitForAsync(_host.Client, to, "booking-confirmation");
        var confirmation = Sms.Latest(inbox, "booking-confirmation");
        var text = confirmation.GetProperty("text").GetString()!;
        Assert.Contains("12345", text);
        Assert.Equal(to, confirmation.GetProperty("to").GetString());
        var link = new Uri(Sms.Link().Match(text).Value);
        Assert.StartsWith(Sms.PublicBase, link.ToString());

        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
        using var redirect = await noRedirect.GetAsync(link.PathAndQuery, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var page = await _host.Client.GetStringAsync(redirect.Headers.Location!.OriginalString, TestContext.Current.CancellationToken);
        Assert.Contains("李芳", page);
        using var forged = await noRedirect.GetAsync(link.PathAndQuery[..^2] + "xx", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);

        var form = new Dictionary<string, string> { ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"), ["From"] = to, ["To"] = "+8613800000000", ["Body"] = "2" };
        Assert.Equal(HttpStatusCode.Forbidden, await Sms.PostAsync(_host.Client, "/api/sms/inbound", form, null));
        Assert.Equal(HttpStatusCode.Forbidden, await Sms.PostAsync(_host.Client, "/api/sms/inbound", form, Sms.Sign(Sms.PublicBase + "/api/sms/inbound", form, "another-token")));
        Assert.Equal(HttpStatusCode.Forbidden, await Sms.PostAsync(_host.Client, "/api/sms/inbound", form, Sms.Sign("http://elsewhere/api/sms/inbound", form, Sms.LocalToken)));
        Assert.Equal("Booked", await StatusAsync(id, token));

        _clock.Advance(Duration.FromSeconds(1));
        var signature = Sms.Sign(Sms.PublicBase + "/api/sms/inbound", form, Sms.LocalToken);
        Assert.Equal(HttpStatusCode.OK, await Sms.PostAsync(_host.Client, "/api/sms/inbound", form, signature));
        // Twilio retries the same MessageSid: handled once.
        Assert.Equal(HttpStatusCode.OK, await Sms.PostAsync(_host.Client, "/api/sms/inbound", form, signature));

        Assert.Equal("Cancelled", await StatusAsync(id, token));
        inbox = await Sms.WaitForAsync(_host.Client, to, "cancelled-by-resident");
        Assert.Equal(1, Sms.Count(inbox, "cancelled-by-resident"));
        Assert.Contains("预约", Sms.Latest(inbox, "cancelled-by-resident").GetProperty("text").GetString());
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        inbox = await Sms.InboxAsync(_host.Client, to);
        // The code that verified the number beforehand shares the fixed clock's instant with the confirmation, so its place is not asserted.
        Assert.Equal(["cancelled-by-resident", "booking-confirmation"], inbox.Select(m => m.GetProperty("kind").GetString()).Where(k => k != "verification-code"));
        Assert.Equal(1, Sms.Count(inbox, "verification-code"));
    }

    [Fact]
    public async Task A_reply_from_a_number_the_centre_never_wrote_to_gets_the_help_text()
    {
        var stranger = "+86" + NewMobile();
        Assert.Equal(HttpStatusCode.OK, await Sms.ReplyAsync(_host.Client, stranger, "1"));
        var inbox = await Sms.WaitForAsync(_host.Client, stranger, "reply-help");
        Assert.Contains("12345", Sms.Latest(inbox, "reply-help").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Reply_3_offers_three_times_and_a_number_moves_the_appointment_then_choices_expire_after_30_minutes()
    {
        var (to, id, token) = await BookAsync("11:00");
        await Sms.WaitForAsync(_host.Client, to, "booking-confirmation");

        await Sms.ReplyAsync(_host.Client, to, "改期");
        var inbox = await Sms.WaitForAsync(_host.Client, to, "reply-choices");
        var choices = Sms.Latest(inbox, "reply-choices").GetProperty("text").GetString()!;
        Assert.Contains("1) ", choices);
        Assert.Contains("3) ", choices);

        await Sms.ReplyAsync(_host.Client, to, "1");
        inbox = await Sms.WaitForAsync(_host.Client, to, "rescheduled");
        Assert.Equal(1, Sms.Count(inbox, "rescheduled"));
        var moved = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/appointments/{id}?token={Uri.EscapeDataString(token)}", TestContext.Current.CancellationToken);
        Assert.NotEqual("11:00:00", moved.GetProperty("start").GetString());

        await Sms.ReplyAsync(_host.Client, to, "3");
        await Sms.WaitForAsync(_host.Client, to, "reply-choices", 2);
        _clock.Advance(Duration.FromMinutes(31));
        await Sms.ReplyAsync(_host.Client, to, "2");
        inbox = await Sms.WaitForAsync(_host.Client, to, "reply-choices-expired");
        Assert.Equal(1, Sms.Count(inbox, "reply-choices-expired"));
        Assert.Equal("Booked", await StatusAsync(id, token));
    }

    [Fact]
    public async Task A_choice_taken_meanwhile_gets_fresh_choices_instead()
    {
        var (to, _, _) = await BookAsync("14:00", "2026-12-11");
        await Sms.WaitForAsync(_host.Client, to, "booking-confirmation");
        await Sms.ReplyAsync(_host.Client, to, "CHANGE");
        var inbox = await Sms.WaitForAsync(_host.Client, to, "reply-choices");
        var first = Regex.Match(Sms.Latest(inbox, "reply-choices").GetProperty("text").GetString()!, @"1\) (\d+)月(\d+)日\(周.\)(\d\d:\d\d)");
        Assert.True(first.Success);
        var date = $"2026-{int.Parse(first.Groups[1].Value):D2}-{int.Parse(first.Groups[2].Value):D2}";
        for (var i = 0; i < 20; i++)
        {
            var (status, _) = await PostAsync(_host.Client, "/api/appointments", Json(Booking(date, first.Groups[3].Value)));
            if (status == HttpStatusCode.Conflict) break;
        }

        await Sms.ReplyAsync(_host.Client, to, "1");
        inbox = await Sms.WaitForAsync(_host.Client, to, "reply-choices", 2);
        Assert.Equal(2, Sms.Count(inbox, "reply-choices"));
        Assert.Equal(0, Sms.Count(inbox, "rescheduled"));
    }

    [Fact]
    public async Task Stop_opts_the_number_out_so_later_messages_are_recorded_not_sent_and_start_opts_it_in()
    {
        var (to, _, _) = await BookAsync("15:00");
        await Sms.WaitForAsync(_host.Client, to, "booking-confirmation");
        await Sms.ReplyAsync(_host.Client, to, "退订");
        await Sms.WaitForAsync(_host.Client, to, "reply-opted-out");
        await Sms.ReplyAsync(_host.Client, to, "帮助");
        var inbox = await Sms.WaitForAsync(_host.Client, to, "reply-help");
        Assert.Equal("opted-out", Sms.Latest(inbox, "reply-help").GetProperty("status").GetString());

        _clock.Advance(Duration.FromSeconds(1));
        await Sms.ReplyAsync(_host.Client, to, "START");
        await Sms.WaitForAsync(_host.Client, to, "reply-opted-in");
        await Sms.ReplyAsync(_host.Client, to, "HELP");
        inbox = await Sms.WaitForAsync(_host.Client, to, "reply-help", 2);
        for (var i = 0; i < 50 && Sms.Latest(inbox, "reply-help").GetProperty("status").GetString() is "pending" or "in-flight" or "retrying"; i++)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            inbox = await Sms.InboxAsync(_host.Client, to);
        }
        Assert.Equal("delivered", Sms.Latest(inbox, "reply-help").GetProperty("status").GetString());
    }

    [Fact]
    public async Task After_service_a_rating_request_is_answered_by_reply_and_a_low_rating_opens_a_follow_up_in_the_summary()
    {
        var (to, id, _) = await BookAsync("16:00");
        await Sms.WaitForAsync(_host.Client, to, "booking-confirmation");
        _clock.Advance(Duration.FromSeconds(1));
        using var staff = await _host.SignedInClientAsync("staff-chen", "staff", "dispatcher");
        var (served, _) = await PostAsync(staff, $"/api/staff/appointments/{id}/served", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, served);
        var asked = await Sms.WaitForAsync(_host.Client, to, "rating-request");
        // The request's short link opens the rating page of this appointment (a reply works as well, below).
        var ratingLink = System.Text.RegularExpressions.Regex.Match(Sms.Latest(asked, "rating-request").GetProperty("text").GetString()!, "/api/l/r/[A-Za-z0-9._-]+/[A-Za-z0-9_-]{11}").Value;
        Assert.NotEmpty(ratingLink);
        using (var opened = await _host.Client.GetAsync(ratingLink, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
            Assert.Equal("/api/pages/rate", opened.RequestMessage!.RequestUri!.AbsolutePath);
        }

        await Sms.ReplyAsync(_host.Client, to, "2 等了很久");
        var inbox = await Sms.WaitForAsync(_host.Client, to, "rating-thanks");
        Assert.Contains("2", Sms.Latest(inbox, "rating-thanks").GetProperty("text").GetString());

        var summary = await staff.GetFromJsonAsync<JsonElement>("/api/ratings/summary?from=2026-11-27&to=2026-11-27", TestContext.Current.CancellationToken);
        Assert.True(summary.GetProperty("count").GetInt32() >= 1);
        Assert.True(summary.GetProperty("followUpsOpen").GetInt32() >= 1);
        Assert.Contains(summary.GetProperty("byItem").EnumerateArray(), g => g.GetProperty("key").GetString() == "pension-certification");
        using var bad = await staff.GetAsync("/api/ratings/summary?from=2026-11-27", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var followUps = await staff.GetFromJsonAsync<List<JsonElement>>("/api/dispatch/follow-ups", TestContext.Current.CancellationToken);
        var mine = followUps!.Single(f => f.GetProperty("subject").GetString() == $"appointment/{id}");
        Assert.Equal(("Open", false, "等了很久"), (mine.GetProperty("status").GetString(), mine.GetProperty("overdue").GetBoolean(), mine.GetProperty("reason").GetString()));
        // Rated on Friday 27 November: due by the end of the third working day after it (Mon 30, Tue 1, Wed 2 December),
        // midnight in Xiamen, 16:00 UTC.
        var due = Instant.FromUtc(2026, 12, 2, 16, 0);
        Assert.Equal(due, NodaTime.Text.InstantPattern.ExtendedIso.Parse(mine.GetProperty("due").GetString()!).Value);

        var rated = _clock.GetCurrentInstant();
        try
        {
            // The summary counts the follow-ups open and overdue now and those closed in its period (here up to the day it is closed).
            async Task<(int Open, int Closed, int Overdue)> CountsAsync()
            {
                var s = await staff.GetFromJsonAsync<JsonElement>("/api/ratings/summary?from=2026-11-27&to=2026-12-03", TestContext.Current.CancellationToken);
                return (s.GetProperty("followUpsOpen").GetInt32(), s.GetProperty("followUpsClosed").GetInt32(), s.GetProperty("followUpsOverdue").GetInt32());
            }
            async Task<bool> OverdueAsync() => (await staff.GetFromJsonAsync<List<JsonElement>>("/api/dispatch/follow-ups", TestContext.Current.CancellationToken))!
                .Single(f => f.GetProperty("subject").GetString() == $"appointment/{id}").GetProperty("overdue").GetBoolean();

            _clock.Reset(due);
            Assert.False(await OverdueAsync());
            var atDue = await CountsAsync();
            _clock.Reset(due + Duration.FromSeconds(1));
            Assert.True(await OverdueAsync());
            var late = await CountsAsync();
            Assert.Equal((atDue.Closed, atDue.Overdue + 1), (late.Closed, late.Overdue));

            var (noNote, _) = await PostAsync(staff, "/api/dispatch/follow-ups/close", Json(new { subject = $"appointment/{id}" }));
            Assert.Equal(HttpStatusCode.BadRequest, noNote);
            var (closed, closedBody) = await PostAsync(staff, "/api/dispatch/follow-ups/close", Json(new { subject = $"appointment/{id}", note = "已电话回访并致歉" }));
            Assert.Equal(HttpStatusCode.OK, closed);
            Assert.Equal("Closed", closedBody.GetProperty("status").GetString());
            // Closed: one more closed, one fewer overdue. (Open counts every open follow-up of the centre, which other
            // classes on this storage may add to meanwhile, so it is not compared.)
            var after = await CountsAsync();
            Assert.Equal((late.Closed + 1, late.Overdue - 1), (after.Closed, after.Overdue));
            var outside = await staff.GetFromJsonAsync<JsonElement>("/api/ratings/summary?from=2026-11-27&to=2026-11-27", TestContext.Current.CancellationToken);
            Assert.True(outside.GetProperty("followUpsClosed").GetInt32() < after.Closed, "closed on 3 December: not in a summary that ends on 27 November");
            Assert.False(await OverdueAsync());
        }
        finally
        {
            _clock.Reset(rated);
        }
    }

    [Fact]
    public async Task Book_after_cancelling_by_reply_offers_numbered_times_and_a_number_books_one()
    {
        var (to, id, token) = await BookAsync("14:15", "2026-12-09");
        await Sms.WaitForAsync(_host.Client, to, "booking-confirmation");
        _clock.Advance(Duration.FromSeconds(1));
        await Sms.ReplyAsync(_host.Client, to, "2");
        await Sms.WaitForAsync(_host.Client, to, "cancelled-by-resident");
        Assert.Equal("Cancelled", await StatusAsync(id, token));

        _clock.Advance(Duration.FromSeconds(1));
        await Sms.ReplyAsync(_host.Client, to, "预约");
        var inbox = await Sms.WaitForAsync(_host.Client, to, "reply-book-choices");
        var offer = Sms.Latest(inbox, "reply-book-choices").GetProperty("text").GetString()!;
        var second = Regex.Match(offer, @"2\) (\d+)月(\d+)日\(周.\)(\d\d:\d\d)");
        Assert.True(second.Success, offer);

        _clock.Advance(Duration.FromSeconds(1));
        await Sms.ReplyAsync(_host.Client, to, "2");
        inbox = await Sms.WaitForAsync(_host.Client, to, "booking-confirmation", 2);
        Assert.Equal(2, Sms.Count(inbox, "booking-confirmation"));
        // The new confirmation is for the time offered as 2, with a link to the new appointment's page.
        var confirmation = Sms.Latest(inbox, "booking-confirmation").GetProperty("text").GetString()!;
        Assert.Contains($"{second.Groups[1].Value}月{second.Groups[2].Value}日", confirmation);
        Assert.Contains(second.Groups[3].Value, confirmation);
        var link = new Uri(Sms.Link().Match(confirmation).Value);
        Assert.DoesNotContain(id, link.ToString());
        var page = await _host.Client.GetStringAsync(link.PathAndQuery, TestContext.Current.CancellationToken);
        Assert.Contains("李芳", page);
    }

    [Fact]
    public async Task A_rejection_and_a_request_for_more_information_reach_the_resident_with_the_dispatchers_reason()
    {
        using var dispatcher = await _host.SignedInClientAsync("dispatcher-he", "dispatcher");
        foreach (var (decision, reason, kind) in new[]
                 {
                     ("Reject", "该事项须本人到窗口办理", "home-visit-rejected"),
                     ("AskForInformation", "请提供户口簿首页照片", "home-visit-more-information"),
                 })
        {
            var mobile = NewMobile();
            var (status, receipt) = await PostAsync(_host.Client, "/api/home-visits", Json(new Dictionary<string, object?>
            {
                ["name"] = "林秀兰", ["mobile"] = mobile, ["reason"] = "BedriddenOrSeriouslyIll", ["location"] = new { latitude = 24.52, longitude = 118.12 },
                ["address"] = "福建省厦门市湖里区县后社区12号301室", ["itemId"] = "pension-certification",
                ["windows"] = new[] { new { date = "2026-12-10", from = "09:00", to = "11:00" } },
            }));
            Assert.Equal(HttpStatusCode.Accepted, status);
            var to = "+86" + mobile;
            await Sms.WaitForAsync(_host.Client, to, "home-visit-received");
            _clock.Advance(Duration.FromSeconds(1));
            var (decided, _) = await PostAsync(dispatcher, $"/api/dispatch/home-visits/{receipt.GetProperty("id").GetString()}/decision", Json(new { decision, reason }));
            Assert.Equal(HttpStatusCode.OK, decided);
            var inbox = await Sms.WaitForAsync(_host.Client, to, kind);
            Assert.Equal(1, Sms.Count(inbox, kind));
            var text = Sms.Latest(inbox, kind).GetProperty("text").GetString()!;
            Assert.Contains(reason, text);
            Assert.Contains("养老金资格认证", text);
            Assert.Contains("12345", text);
        }
    }

    [Fact]
    public async Task A_home_visit_request_is_acknowledged_by_sms_and_replying_2_cancels_it()
    {
        var mobile = NewMobile();
        var (status, receipt) = await PostAsync(_host.Client, "/api/home-visits", Json(new Dictionary<string, object?>
        {
            ["name"] = "林秀兰", ["mobile"] = mobile, ["reason"] = "BedriddenOrSeriouslyIll", ["location"] = new { latitude = 24.52, longitude = 118.12 },
            ["address"] = "福建省厦门市湖里区县后社区12号301室", ["itemId"] = "pension-certification",
            ["windows"] = new[] { new { date = "2026-12-11", from = "09:00", to = "11:00" } },
        }));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var to = "+86" + mobile;
        await Sms.WaitForAsync(_host.Client, to, "home-visit-received");
        _clock.Advance(Duration.FromSeconds(1));
        await Sms.ReplyAsync(_host.Client, to, "取消");
        var inbox = await Sms.WaitForAsync(_host.Client, to, "visit-cancelled");
        Assert.Equal(1, Sms.Count(inbox, "visit-cancelled"));
        using var dispatcher = await _host.SignedInClientAsync("dispatcher-he", "dispatcher");
        var list = await dispatcher.GetFromJsonAsync<List<JsonElement>>("/api/dispatch/home-visits", TestContext.Current.CancellationToken);
        Assert.Equal("Cancelled", list!.Single(r => r.GetProperty("id").GetString() == receipt.GetProperty("id").GetString()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_english_home_visit_request_hears_in_english_and_its_replies_are_answered_in_english()
    {
        var mobile = NewMobile();
        var to = "+86" + mobile;
        Dictionary<string, object?> Request(string? language) => new()
        {
            ["name"] = "Lin Xiulan", ["mobile"] = mobile, ["reason"] = "BedriddenOrSeriouslyIll", ["location"] = new { latitude = 24.52, longitude = 118.12 },
            ["address"] = "Room 301, No. 12 Xianhou Community, Huli", ["itemId"] = "pension-certification",
            ["windows"] = new[] { new { date = "2026-12-10", from = "09:00", to = "11:00" } }, ["language"] = language,
        };
        // Only zh and en: anything else is a 400 problem and stores nothing.
        var (refused, problem) = await PostAsync(_host.Client, "/api/home-visits", Json(Request("fr")));
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal(("language", "unknown-language"), (problem.GetProperty("field").GetString(), problem.GetProperty("code").GetString()));
        Assert.Equal(0, Sms.Count(await Sms.InboxAsync(_host.Client, to), "home-visit-received"));

        var (status, receipt) = await PostAsync(_host.Client, "/api/home-visits", Json(Request("en")));
        Assert.True(status == HttpStatusCode.Accepted, receipt.ToString());
        var received = Sms.Latest(await Sms.WaitForAsync(_host.Client, to, "home-visit-received"), "home-visit-received").GetProperty("text").GetString()!;
        Assert.Contains("we have your request for a home visit (Pension", received);
        Assert.DoesNotContain("您好", received);

        _clock.Advance(Duration.FromSeconds(1));
        using var dispatcher = await _host.SignedInClientAsync("dispatcher-he", "dispatcher");
        var (decided, _) = await PostAsync(dispatcher, $"/api/dispatch/home-visits/{receipt.GetProperty("id").GetString()}/decision", Json(new { decision = "Approve" }));
        Assert.Equal(HttpStatusCode.OK, decided);
        var approved = Sms.Latest(await Sms.WaitForAsync(_host.Client, to, "home-visit-approved"), "home-visit-approved").GetProperty("text").GetString()!;
        Assert.Contains("is approved", approved);

        // A reply about the visit is answered in the request's language, whatever script the reply is in.
        _clock.Advance(Duration.FromSeconds(1));
        await Sms.ReplyAsync(_host.Client, to, "取消");
        var cancelled = Sms.Latest(await Sms.WaitForAsync(_host.Client, to, "visit-cancelled"), "visit-cancelled").GetProperty("text").GetString()!;
        Assert.Contains("your home visit (Pension", cancelled);
        Assert.Contains("is cancelled", cancelled);
    }

    public static TheoryData<string, string, int, bool> HostileForms()
    {
        var data = new TheoryData<string, string, int, bool>();
        foreach (var path in new[] { "/api/sms/inbound", "/api/sms/status" })
        {
            data.Add(path, new string('k', 2049) + "=v", 400, false);
            data.Add(path, string.Join('&', Enumerable.Range(0, 51).Select(i => $"f{i}=1")), 400, false);
            data.Add(path, "Body=" + new string('a', 17 * 1024), 413, false);
            data.Add(path, "Body=" + new string('a', 17 * 1024), 413, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileForms))]
    public async Task A_webhook_form_beyond_the_limits_is_a_4xx_problem_before_any_signature_is_checked(string path, string body, int status, bool chunked)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        HttpContent content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (chunked) request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("X-Twilio-Signature", "c2lnbmF0dXJl");

        using var response = await _host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_phone_page_shows_the_inbox_and_the_local_inbox_refuses_a_malformed_number()
    {
        var (to, _, _) = await BookAsync("16:30");
        await Sms.WaitForAsync(_host.Client, to, "booking-confirmation");
        using var page = await _host.Client.GetAsync($"/api/pages/phone?to={Uri.EscapeDataString(to)}", TestContext.Current.CancellationToken);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/api/sms/inbound", html);
        Assert.Contains("12345", html);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        using var bad = await _host.Client.GetAsync("/api/local/sms?to=12345", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task An_event_whose_appointment_has_a_malformed_number_ends_in_poison_with_the_reason_and_an_alert_for_dispatchers()
    {
        // An appointment stored with a number that is not E.164 (as a row written by older code or by hand could be):
        // its booking event cannot become a message.
        var storage = new StorageClients(new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString),
            new Azure.Storage.Queues.QueueServiceClient(azurite.ConnectionString, new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 }));
        var publisher = new Scheduler.Functions.Appointments.AppointmentEventPublisher(storage, _clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Scheduler.Functions.Appointments.AppointmentEventPublisher>.Instance);
        var store = new Scheduler.Functions.Appointments.TableAppointmentStore(storage, publisher, new Scheduler.Functions.Appointments.AvailabilitySummaries(storage, _clock),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Scheduler.Functions.Appointments.TableAppointmentStore>.Instance);
        const string Malformed = "139-0000-1234";
        var a = new Scheduler.Core.Booking.Appointment($"social.{Guid.NewGuid():N}"[..27], "huli", "social", "pension-certification", false, ["pension-certification"],
            new LocalDate(2026, 12, 21), new LocalTime(9, 0), new LocalTime(9, 15), 1, "Asia/Shanghai", "李芳", Malformed, "resident-key",
            null, null, "zh", Scheduler.Core.Booking.AppointmentStatus.Booked, SchedulerHost.DemoNow, "anonymous", null, SchedulerHost.DemoNow);
        var e = Scheduler.Core.Booking.AppointmentEvent.Of(Scheduler.Core.Booking.AppointmentEventTypes.Booked, a, Scheduler.Core.Identity.AnonymousCaller.Instance, SchedulerHost.DemoNow);
        var change = new Scheduler.Core.Booking.SlotChange(a, null, [new Scheduler.Core.Booking.SlotKey(a.Date, a.Start)], [], _ => true, e,
            new Scheduler.Core.Booking.LedgerWrite($"key-{a.Id}", Scheduler.Core.Booking.BookerLedger.Empty, null));
        Assert.Equal(Scheduler.Core.Booking.CommitOutcome.Committed, await store.CommitAsync(change, CancellationToken.None));

        // The consumer fails on it with the reason, noted under the key of the message sent (the event as recorded), without the number.
        var message = JsonSerializer.Serialize(change.RecordedEvent, Scheduler.Functions.Platform.Json.Options);
        var key = Scheduler.Core.Operations.PoisonWatch.KeyOf(message);
        var failures = new Azure.Data.Tables.TableClient(azurite.ConnectionString, StorageNames.PoisonTable);
        Azure.NullableResponse<Azure.Data.Tables.TableEntity>? failure = null;
        for (var i = 0; i < 100 && failure?.HasValue != true; i++)
        {
            failure = await failures.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>($"failure|{StorageNames.AppointmentEventsQueue}", key,
                cancellationToken: TestContext.Current.CancellationToken);
            if (!failure.HasValue) await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        Assert.True(failure!.HasValue, "the failure is noted");
        Assert.StartsWith("InvalidDataException:", failure.Value!.GetString("Reason"));
        Assert.Contains("E.164", failure.Value.GetString("Reason"));
        Assert.DoesNotContain("1234", failure.Value.GetString("Reason"));

        // After five tries the host moves it to appointment-events-poison (sent here at once instead of waiting for
        // the retries): it is recorded with that reason for dispatchers and raises an alert in health.
        var poisonQueue = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, StorageNames.AppointmentEventsQueue + "-poison",
            new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });
        await poisonQueue.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        await poisonQueue.SendMessageAsync(message, TestContext.Current.CancellationToken);
        using var dispatcher = await _host.SignedInClientAsync("dispatcher-he", "dispatcher");
        JsonElement? listed = null;
        for (var i = 0; i < 100 && listed is null; i++)
        {
            var poisoned = await dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/poisoned", TestContext.Current.CancellationToken);
            listed = poisoned.EnumerateArray().Where(p => p.GetProperty("key").GetString() == key).Cast<JsonElement?>().FirstOrDefault();
            if (listed is null) await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        Assert.NotNull(listed);
        Assert.Equal(StorageNames.AppointmentEventsQueue, listed.Value.GetProperty("queue").GetString());
        Assert.Contains("E.164", listed.Value.GetProperty("reason").GetString());
        Assert.Contains(e.EventId, listed.Value.GetProperty("summary").GetString());
        Assert.DoesNotContain("1234", listed.Value.ToString());
        var health = await _host.Client.GetFromJsonAsync<JsonElement>("/api/health", TestContext.Current.CancellationToken);
        Assert.Contains(health.GetProperty("alerts").EnumerateArray(), alert => alert.GetString()!.Contains(StorageNames.AppointmentEventsQueue));
    }

    [Fact]
    public async Task An_sms_send_message_that_cannot_be_read_ends_in_poison_with_the_reason_and_an_alert_for_dispatchers()
    {
        // A message on sms-send of a version this code does not read (as a newer deployment rolled back could leave).
        var ct = TestContext.Current.CancellationToken;
        var mobile = "+86" + NewMobile();
        var message = JsonSerializer.Serialize(new { type = "sms.send", version = 99, to = mobile, key = $"poison-{Guid.NewGuid():N}" }, Scheduler.Functions.Platform.Json.Options);
        var key = Scheduler.Core.Operations.PoisonWatch.KeyOf(message);
        var queueOptions = new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 };
        var queue = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, StorageNames.SmsSendQueue, queueOptions);
        await queue.CreateIfNotExistsAsync(cancellationToken: ct);
        await queue.SendMessageAsync(message, ct);

        // The sender fails on it with the reason, noted under the message's key, without the number.
        var failures = new Azure.Data.Tables.TableClient(azurite.ConnectionString, StorageNames.PoisonTable);
        Azure.NullableResponse<Azure.Data.Tables.TableEntity>? failure = null;
        for (var i = 0; i < 100 && failure?.HasValue != true; i++)
        {
            failure = await failures.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>($"failure|{StorageNames.SmsSendQueue}", key, cancellationToken: ct);
            if (!failure.HasValue) await Task.Delay(200, ct);
        }
        Assert.True(failure!.HasValue, "the failure is noted");
        Assert.StartsWith("InvalidDataException:", failure.Value!.GetString("Reason"));
        Assert.Contains("version 99", failure.Value.GetString("Reason"));
        Assert.DoesNotContain(mobile[3..], failure.Value.GetString("Reason"));

        // After five tries the host moves it to sms-send-poison (sent here at once instead of waiting for the retries):
        // it is recorded with that reason for dispatchers and raises an alert in health.
        var poisonQueue = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, StorageNames.SmsSendQueue + "-poison", queueOptions);
        await poisonQueue.CreateIfNotExistsAsync(cancellationToken: ct);
        await poisonQueue.SendMessageAsync(message, ct);
        using var dispatcher = await _host.SignedInClientAsync("dispatcher-he", "dispatcher");
        JsonElement? listed = null;
        for (var i = 0; i < 100 && listed is null; i++)
        {
            var poisoned = await dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/poisoned", ct);
            listed = poisoned.EnumerateArray().Where(p => p.GetProperty("key").GetString() == key).Cast<JsonElement?>().FirstOrDefault();
            if (listed is null) await Task.Delay(200, ct);
        }
        Assert.NotNull(listed);
        Assert.Equal(StorageNames.SmsSendQueue, listed.Value.GetProperty("queue").GetString());
        Assert.Contains("version 99", listed.Value.GetProperty("reason").GetString());
        Assert.Contains("type=sms.send", listed.Value.GetProperty("summary").GetString());
        Assert.DoesNotContain(mobile[3..], listed.Value.ToString());
        var health = await _host.Client.GetFromJsonAsync<JsonElement>("/api/health", ct);
        Assert.Contains(health.GetProperty("alerts").EnumerateArray(), alert => alert.GetString()!.Contains(StorageNames.SmsSendQueue + ":"));
    }
}
