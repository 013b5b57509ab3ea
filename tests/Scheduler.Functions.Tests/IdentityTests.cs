using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

public sealed class IdentityTests(DemoHostFixture demo) : IClassFixture<DemoHostFixture>
{
    private readonly TestDevHost _host = demo.Host;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> IssueAsync(HttpClient staff, string subject)
    {
        using var response = await staff.PostAsync("/api/resident-links", Json($$"""{"subject":"{{subject}}","purpose":"manage","validForHours":2}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Anonymous_callers_are_anonymous()
    {
        var me = await _host.Client.GetFromJsonAsync<JsonElement>("/api/me", TestContext.Current.CancellationToken);
        Assert.Equal("anonymous", me.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Signed_in_staff_are_resolved_with_their_roles()
    {
        using var staff = await _host.SignedInClientAsync("王伟", "staff", "dispatcher");
        var me = await staff.GetFromJsonAsync<JsonElement>("/api/me", TestContext.Current.CancellationToken);

        Assert.Equal("staff", me.GetProperty("kind").GetString());
        Assert.Equal("王伟", me.GetProperty("displayName").GetString());
        Assert.Equal(["dispatcher", "staff"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToList());
        Assert.Equal("staff:local:王伟", me.GetProperty("auditName").GetString());
    }

    [Fact]
    public async Task A_link_issued_by_staff_identifies_the_resident_until_it_expires()
    {
        // The clock moves: a host of this test's own, so the shared one keeps standing at the demo's "now".
        var clock = SchedulerHost.DemoClock();
        await using var host = await SchedulerHost.StartAsync(demo.ConnectionString, clock);
        using var staff = await host.SignedInClientAsync("clerk", "staff");
        var link = await IssueAsync(staff, "appointment/a-100");
        var token = link.GetProperty("token").GetString()!;

        var me = await host.Client.GetFromJsonAsync<JsonElement>($"/api/me?token={Uri.EscapeDataString(token)}", TestContext.Current.CancellationToken);
        Assert.Equal("resident", me.GetProperty("kind").GetString());
        Assert.Equal("appointment/a-100", me.GetProperty("subject").GetString());
        Assert.Equal("2026-11-27T03:00:00Z", link.GetProperty("expires").GetString());

        using var viaHeader = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        viaHeader.Headers.Add("X-Resident-Token", token);
        using var headerResponse = await host.Client.SendAsync(viaHeader, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, headerResponse.StatusCode);

        clock.Advance(Duration.FromHours(2));
        using var expired = await host.Client.GetAsync($"/api/me?token={Uri.EscapeDataString(token)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_link_for_a_real_appointment_id_points_at_the_manage_page()
    {
        using var staff = await _host.SignedInClientAsync("clerk", "staff");
        var link = await IssueAsync(staff, "appointment/social.0a1b2c3d4e5f60718293");
        Assert.Contains("/api/pages/manage?token=", link.GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_booking_link_books_with_the_mobile_it_was_issued_for_only_and_cannot_be_issued_without_one()
    {
        using var staff = await _host.SignedInClientAsync("王伟", "staff");
        var mine = BookingClient.NewMobile();
        using var issued = await staff.PostAsync("/api/resident-links", Json($$"""{"purpose":"book","mobile":"{{mine}}","validForHours":2}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("token").GetString()!;
        using var noMobile = await staff.PostAsync("/api/resident-links", Json("""{"subject":"resident/r1","purpose":"book"}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, noMobile.StatusCode);

        async Task<(HttpStatusCode Status, JsonElement Body)> BookAsync(string mobile, string start)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments")
            {
                Content = BookingClient.Json(BookingClient.Booking("2026-12-10", start, mobile)),
            };
            request.Headers.Add("X-Resident-Token", token);
            using var response = await _host.Client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        var forwarded = await BookAsync(BookingClient.NewMobile(), "16:15");
        Assert.Equal(HttpStatusCode.Forbidden, forwarded.Status);
        Assert.Equal("verification-required", forwarded.Body.GetProperty("code").GetString());
        var own = await BookAsync(mine, "16:15");
        Assert.Equal(HttpStatusCode.Created, own.Status);
    }

    [Fact]
    public async Task A_booking_link_opens_the_booking_pages_which_carry_it_and_book_its_mobile_without_a_code()
    {
        using var staff = await _host.SignedInClientAsync("王伟", "staff");
        var mine = BookingClient.NewMobile();
        using var issued = await staff.PostAsync("/api/resident-links", Json($$"""{"purpose":"book","mobile":"{{mine}}","validForHours":2}"""), TestContext.Current.CancellationToken);
        var link = await issued.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var token = link.GetProperty("token").GetString()!;
        var url = new Uri(link.GetProperty("url").GetString()!);
        Assert.Equal("/api/pages/book", url.AbsolutePath);
        Assert.Equal($"?token={Uri.EscapeDataString(token)}", url.Query);
        var carried = $"token={Uri.EscapeDataString(token)}";

        // Every step carries the link, and every page that does is neither cached nor referred.
        using var services = await _host.Client.GetAsync(url.PathAndQuery, TestContext.Current.CancellationToken);
        using var slots = await _host.Client.GetAsync($"/api/pages/book/slots?service=item.pension-certification&date=2026-12-11&{carried}", TestContext.Current.CancellationToken);
        using var details = await _host.Client.GetAsync($"/api/pages/book/details?service=item.pension-certification&date=2026-12-11&start=15:45&{carried}", TestContext.Current.CancellationToken);
        foreach (var (page, next) in new[] { (services, "/api/pages/book/slots?"), (slots, "/api/pages/book/details?"), (details, "/api/pages/book?") })
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
            Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
            var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Matches(Regex.Escape(next) + "[^\"]*" + Regex.Escape(carried), html);
        }

        async Task<(HttpStatusCode Status, string Html)> BookAsync(HttpClient client, string mobile, string start, bool withLink = true)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["service"] = "item.pension-certification", ["date"] = "2026-12-11", ["start"] = start, ["name"] = "林秀英", ["mobile"] = mobile, ["lang"] = "zh",
                ["nonce"] = Guid.NewGuid().ToString("N"),
            });
            using var response = await client.PostAsync(withLink ? $"/api/pages/book?centre=huli&{carried}" : "/api/pages/book?centre=huli", form, TestContext.Current.CancellationToken);
            return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        }
        var codesBefore = await CodesSentAsync(mine);

        var other = await BookAsync(_host.Client, BookingClient.NewMobile(), "15:45");
        var asStaff = await BookAsync(staff, mine, "15:45");
        var withoutLink = await BookAsync(_host.Client, mine, "15:45", withLink: false);
        var codesAsked = await CodesSentAsync(mine);
        var own = await BookAsync(_host.Client, mine, "15:45");

        // Another number gets the code step, still carrying the link; a signed-in member of staff is one more member of
        // the public, and so is the resident without the link: both get the code step.
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Contains("输入短信验证码", other.Html);
        Assert.Contains($"/api/pages/book?{carried}", other.Html);
        Assert.Contains("输入短信验证码", asStaff.Html);
        Assert.Contains("输入短信验证码", withoutLink.Html);
        Assert.Equal(codesBefore + 2, codesAsked);
        // The link's own mobile books at once: no code screen, no code sent.
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Contains("预约成功", own.Html);
        Assert.DoesNotContain("输入短信验证码", own.Html);
        Assert.Equal(codesAsked, await CodesSentAsync(mine));
    }

    [Fact]
    public async Task A_forged_or_expired_booking_link_on_the_booking_pages_is_a_readable_401()
    {
        using var services = await _host.Client.GetAsync("/api/pages/book?token=forged.link", TestContext.Current.CancellationToken);
        using var details = await _host.Client.GetAsync("/api/pages/book/details?service=item.pension-certification&date=2026-12-11&start=15:45&token=forged.link", TestContext.Current.CancellationToken);
        using var post = await _host.Client.PostAsync("/api/pages/book?token=forged.link", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["service"] = "item.pension-certification", ["date"] = "2026-12-11", ["start"] = "16:00", ["name"] = "林秀英", ["mobile"] = BookingClient.NewMobile(),
        }), TestContext.Current.CancellationToken);

        foreach (var page in new[] { services, details, post })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("链接无效或已过期", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
    }

    private async Task<int> CodesSentAsync(string mobile)
    {
        var inbox = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/local/sms?to=%2B86{mobile}", TestContext.Current.CancellationToken);
        return inbox.EnumerateArray().Count(m => m.GetProperty("kind").GetString() == "verification-code");
    }

    [Fact]
    public async Task A_forged_token_is_401()
    {
        using var staff = await _host.SignedInClientAsync("clerk", "staff");
        var token = (await IssueAsync(staff, "appointment/a-101")).GetProperty("token").GetString()!;
        var forged = token[..^2] + (token[^2] == 'A' ? "BB" : "AA");

        using var response = await _host.Client.GetAsync($"/api/me?token={Uri.EscapeDataString(forged)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Issuing_a_link_needs_the_function_key_and_a_staff_sign_in()
    {
        var body = """{"subject":"appointment/a-1","purpose":"manage"}""";
        using var noKey = await _host.Client.PostAsync("/api/resident-links", Json(body), TestContext.Current.CancellationToken);
        using var keyed = _host.KeyedClient();
        using var keyNoPrincipal = await keyed.PostAsync("/api/resident-links", Json(body), TestContext.Current.CancellationToken);
        using var noRole = await _host.SignedInClientAsync("visitor");
        using var keyNoRole = await noRole.PostAsync("/api/resident-links", Json(body), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, keyNoPrincipal.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, keyNoRole.StatusCode);
    }

    [Fact]
    public async Task Issuing_a_link_is_recorded_in_the_audit_trail_with_who_and_when()
    {
        var subject = $"appointment/{Guid.NewGuid():N}";
        using var staff = await _host.SignedInClientAsync("clerk-zhang", "staff");
        await IssueAsync(staff, subject);

        using var admin = await _host.SignedInClientAsync("admin-li", "admin");
        var entries = await admin.GetFromJsonAsync<JsonElement>("/api/audit?date=2026-11-27", TestContext.Current.CancellationToken);
        var entry = entries.EnumerateArray().Single(e => e.GetProperty("subject").GetString() == subject);
        Assert.Equal("staff:local:clerk-zhang", entry.GetProperty("actor").GetString());
        Assert.Equal("resident-link.issued", entry.GetProperty("action").GetString());
        Assert.Equal("2026-11-27T01:00:00Z", entry.GetProperty("at").GetString());

        using var staffReadsAudit = await staff.GetAsync("/api/audit", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, staffReadsAudit.StatusCode);
    }
}
