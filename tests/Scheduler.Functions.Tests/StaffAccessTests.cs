using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// ADR 0003, "neither alone is enough": a sign-in without the function key reaches no appointment, and staff read their
/// own day only, known by the staff id their sign-in carries, never by a display name.
/// </summary>
public sealed class StaffAccessTests(DemoHostFixture demo) : IClassFixture<DemoHostFixture>
{
    private readonly TestDevHost _host = demo.Host;

    /// <summary>A client carrying the local sign-in cookie for a principal made of exactly these claims, and no function key unless asked.</summary>
    private HttpClient WithPrincipal(object[] claims, bool key = false)
    {
        var json = JsonSerializer.Serialize(new { auth_typ = "local", name_typ = "name", role_typ = "roles", claims });
        var cookies = new CookieContainer();
        cookies.Add(_host.BaseAddress, new Cookie(Scheduler.DevHost.LocalSignIn.CookieName, Convert.ToBase64String(Encoding.UTF8.GetBytes(json))));
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = _host.BaseAddress };
        if (key) client.DefaultRequestHeaders.Add("x-functions-key", _host.Keys.FunctionKey);
        return client;
    }

    [Fact]
    public async Task A_signed_in_member_of_staff_without_the_function_key_can_neither_read_move_nor_cancel_an_appointment()
    {
        var (booked, body) = await PostAsync(_host.Client, "/api/appointments", Json(Booking("2026-12-10", "15:30")));
        Assert.Equal(HttpStatusCode.Created, booked);
        var id = body.GetProperty("appointment").GetProperty("id").GetString()!;
        var token = body.GetProperty("manageToken").GetString()!;
        using var staff = await _host.SignedInClientAsync("clerk-no-key", "staff", "dispatcher", "admin");
        staff.DefaultRequestHeaders.Remove("x-functions-key");

        using var read = await staff.GetAsync($"/api/appointments/{id}", TestContext.Current.CancellationToken);
        using var moved = await staff.PostAsync($"/api/appointments/{id}/reschedule", Json(new { date = "2026-12-10", start = "15:45" }), TestContext.Current.CancellationToken);
        using var cancelled = await staff.PostAsync($"/api/appointments/{id}/cancel", Json(new { }), TestContext.Current.CancellationToken);
        using var staffRead = await staff.GetAsync($"/api/staff/appointments/{id}", TestContext.Current.CancellationToken);
        using var staffCancel = await staff.PostAsync($"/api/staff/appointments/{id}/cancel", Json(new { }), TestContext.Current.CancellationToken);

        foreach (var response in new[] { read, moved, cancelled, staffRead, staffCancel })
        {
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{response.RequestMessage!.RequestUri}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var now = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/appointments/{id}?token={Uri.EscapeDataString(token)}", TestContext.Current.CancellationToken);
        Assert.Equal(("Booked", "15:30"), (now.GetProperty("status").GetString(), now.GetProperty("start").GetString()![..5]));
    }

    [Fact]
    public async Task Staff_read_their_own_day_by_the_staff_id_of_their_sign_in_and_another_staff_members_day_is_403()
    {
        using var s01 = await _host.SignedInClientAsync("s01", "staff");
        using var own = await s01.GetAsync("/api/staff/schedule?date=2026-11-30&staffId=s01", TestContext.Current.CancellationToken);
        using var other = await s01.GetAsync("/api/staff/schedule?date=2026-11-30&staffId=s02", TestContext.Current.CancellationToken);
        // A display name that happens to be another member's id is not that member's sign-in.
        using var namedLikeS02 = WithPrincipal([new { typ = "name", val = "s02" }, new { typ = "roles", val = "staff" }], key: true);
        using var byName = await namedLikeS02.GetAsync("/api/staff/schedule?date=2026-11-30&staffId=s02", TestContext.Current.CancellationToken);
        using var dispatcher = await _host.SignedInClientAsync("dispatcher-access", "dispatcher", "staff");
        using var anyone = await dispatcher.GetAsync("/api/staff/schedule?date=2026-11-30&staffId=s02", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anyone.StatusCode);
        foreach (var refused in new[] { other, byName })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Staff_at_the_window_see_a_green_claim_pending_then_downgrade_it_and_the_audit_names_who()
    {
        var (booked, body) = await PostAsync(_host.Client, "/api/appointments", Json(Booking("2026-12-10", "11:15", priority: "Elderly")));
        Assert.Equal(HttpStatusCode.Created, booked);
        var id = body.GetProperty("appointment").GetProperty("id").GetString()!;
        var token = body.GetProperty("manageToken").GetString()!;
        using var staff = await _host.SignedInClientAsync("window-chen", "staff");

        var seen = await staff.GetFromJsonAsync<JsonElement>($"/api/staff/appointments/{id}", TestContext.Current.CancellationToken);
        var day = await staff.GetFromJsonAsync<JsonElement>("/api/staff/appointments?categoryId=social&date=2026-12-10", TestContext.Current.CancellationToken);
        var residentSees = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/appointments/{id}?token={Uri.EscapeDataString(token)}", TestContext.Current.CancellationToken);
        Assert.Equal("Pending", seen.GetProperty("greenCheck").GetString());
        Assert.Equal("Pending", day.EnumerateArray().Single(a => a.GetProperty("id").GetString() == id).GetProperty("greenCheck").GetString());
        Assert.False(residentSees.TryGetProperty("greenCheck", out var shown) && shown.ValueKind != JsonValueKind.Null);

        using var downgraded = await staff.PostAsync($"/api/staff/appointments/{id}/green-downgrade", Json(new { }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, downgraded.StatusCode);
        Assert.Equal("Downgraded", (await downgraded.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("greenCheck").GetString());
        using var confirmed = await staff.PostAsync($"/api/staff/appointments/{id}/green-confirm", Json(new { }), TestContext.Current.CancellationToken);
        Assert.Equal("Confirmed", (await confirmed.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("greenCheck").GetString());

        using var admin = await _host.SignedInClientAsync("admin-green", "admin");
        JsonElement[] entries = [];
        for (var i = 0; i < 50 && entries.Length < 2; i++)
        {
            // The audit is written from the appointment's event, through its queue.
            var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit?date=2026-11-27&max=1000", TestContext.Current.CancellationToken);
            entries = audit.EnumerateArray().Where(e => e.GetProperty("subject").GetString()!.Contains(id, StringComparison.Ordinal)
                                                        && e.GetProperty("action").GetString()!.Contains("green", StringComparison.Ordinal)).ToArray();
            if (entries.Length < 2) await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        Assert.Equal(["appointment.green-confirmed", "appointment.green-downgraded"], entries.Select(e => e.GetProperty("action").GetString()).Order());
        Assert.All(entries, e => Assert.Equal("staff:local:window-chen", e.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task A_number_whose_green_claims_staff_downgraded_twice_is_refused_the_green_channel_but_still_books()
    {
        var mobile = NewMobile();
        using var staff = await _host.SignedInClientAsync("window-lin", "staff");
        async Task<(HttpStatusCode Status, JsonElement Body)> BookAsync(string date, string? priority) =>
            await PostAsync(_host.Client, "/api/appointments", Json(Booking(date, "15:15", mobile, priority: priority)));
        async Task DowngradeAsync(JsonElement booked)
        {
            var id = booked.GetProperty("appointment").GetProperty("id").GetString()!;
            using var downgraded = await staff.PostAsync($"/api/staff/appointments/{id}/green-downgrade", Json(new { }), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, downgraded.StatusCode);
        }

        var first = await BookAsync("2026-12-08", "Elderly");
        var whileWaiting = await BookAsync("2026-12-09", "Elderly");
        await DowngradeAsync(first.Body);
        var second = await BookAsync("2026-12-09", "Elderly");
        await DowngradeAsync(second.Body);
        var third = await BookAsync("2026-12-11", "Disabled");
        // The booking page says it in the resident's words.
        using var pagePost = new HttpRequestMessage(HttpMethod.Post, "/api/pages/book")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["service"] = "item.pension-certification", ["date"] = "2026-12-11", ["start"] = "15:15", ["name"] = "李芳", ["mobile"] = mobile,
                ["priority"] = "Elderly", ["lang"] = "zh", ["nonce"] = Guid.NewGuid().ToString("N"),
            }),
        };
        pagePost.Headers.Add("X-Mobile-Proof", (await ProofAsync(_host.Client, "+86" + mobile))!);
        using var page = await _host.Client.SendAsync(pagePost, TestContext.Current.CancellationToken);
        var plain = await BookAsync("2026-12-11", null);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal((HttpStatusCode.Conflict, "green-claim-pending"), (whileWaiting.Status, whileWaiting.Body.GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(HttpStatusCode.Conflict, third.Status);
        Assert.Equal(("green-claims-refused", "priority"), (third.Body.GetProperty("code").GetString(), third.Body.GetProperty("field").GetString()));
        Assert.Equal(409, third.Body.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
        Assert.Contains("不能再选绿色通道", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Created, plain.Status);
        Assert.False(plain.Body.GetProperty("appointment").TryGetProperty("priority", out _));
    }
}
