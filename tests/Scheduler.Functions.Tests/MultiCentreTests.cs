using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// One deployment, two centres (ADR 0018): the dev host's demo loads Huli (the default) and Siming; a request names
/// its centre with <c>centre=</c>, a resident's link is its centre's, dispatchers act at the centres they serve, and
/// administrators see the city. On an Azurite of the class's own, so the centres' lists are the class's.
/// </summary>
public sealed class MultiCentreTests(FreshAzuriteFixture azurite) : IClassFixture<FreshAzuriteFixture>, IAsyncLifetime
{
    private TestDevHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await SchedulerHost.StartAsync(azurite.ConnectionString);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private TableClient Appointments => new(azurite.ConnectionString, Scheduler.Functions.Platform.StorageNames.AppointmentsTable);

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static Dictionary<string, object?> VisitRequest(string mobile, string date) => new()
    {
        ["name"] = "苏秀英", ["mobile"] = mobile, ["idNumber"] = "350206195001011230", ["reason"] = "Aged60Plus",
        ["location"] = new { latitude = 24.452, longitude = 118.081 }, ["address"] = "福建省厦门市思明区中华街道12号301室",
        ["itemId"] = "pension-certification", ["windows"] = new[] { new { date, from = "09:00", to = "11:00" } }, ["urgency"] = "Soon",
    };

    [Theory]
    [InlineData("nowhere")]
    [InlineData("Siming")]
    [InlineData("../huli")]
    public async Task A_centre_that_does_not_exist_is_404_unknown_centre_and_books_nothing(string centre)
    {
        using var availability = await _host.Client.GetAsync($"/api/availability?itemId=pension-certification&from=2026-12-08&centre={Uri.EscapeDataString(centre)}",
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, availability.StatusCode);
        Assert.Equal("application/problem+json", availability.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unknown-centre", (await ProblemOf(availability)).GetProperty("code").GetString());

        var (status, problem) = await PostAsync(_host.Client, $"/api/appointments?centre={Uri.EscapeDataString(centre)}", Json(Booking("2026-12-08", "10:00", NewMobile())));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("unknown-centre", problem.GetProperty("code").GetString());
        // No seat was taken at any centre (no test of this class books 10:00 on that day).
        foreach (var partition in new[] { "huli", "siming" })
            Assert.False(Appointments.GetEntityIfExists<TableEntity>(partition, "slot|social|20261208|1000").HasValue, partition);
    }

    [Fact]
    public async Task Each_centre_offers_its_own_seats_and_a_booking_at_one_leaves_the_other_as_it_was()
    {
        var ct = TestContext.Current.CancellationToken;
        async Task<int> FreeAt(string centre, string time)
        {
            var days = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/availability?itemId=pension-certification&from=2026-12-08&to=2026-12-08&centre={centre}", ct);
            return days.EnumerateArray().SelectMany(d => d.GetProperty("slots").EnumerateArray())
                .Where(s => s.GetProperty("start").GetString()!.StartsWith(time)).Sum(s => s.GetProperty("free").GetInt32());
        }
        // Huli has eight social-affairs windows, Siming two.
        var huliBefore = await FreeAt("huli", "09:30");
        var simingBefore = await FreeAt("siming", "09:30");
        Assert.True(huliBefore > simingBefore && simingBefore > 0, $"huli {huliBefore}, siming {simingBefore}");

        var mobile = NewMobile();
        var (status, booked) = await PostAsync(_host.Client, "/api/appointments?centre=siming", Json(Booking("2026-12-08", "09:30", mobile)));
        Assert.Equal(HttpStatusCode.Created, status);
        // Offers follow the booking once its event is handled (ADR 0028): a few seconds at most.
        var simingAfter = simingBefore;
        for (var i = 0; i < 75 && simingAfter == simingBefore; i++)
        {
            await Task.Delay(200, ct);
            simingAfter = await FreeAt("siming", "09:30");
        }
        Assert.Equal(simingBefore - 1, simingAfter);
        Assert.Equal(huliBefore, await FreeAt("huli", "09:30"));

        // The resident's link is Siming's: it opens without naming the centre, and naming another is 403 wrong-centre.
        var id = booked.GetProperty("appointment").GetProperty("id").GetString()!;
        var token = Uri.EscapeDataString(booked.GetProperty("manageToken").GetString()!);
        using var mine = await _host.Client.GetAsync($"/api/appointments/{id}?token={token}", ct);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        using var elsewhere = await _host.Client.GetAsync($"/api/appointments/{id}?token={token}&centre=huli", ct);
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.Equal("wrong-centre", (await ProblemOf(elsewhere)).GetProperty("code").GetString());

        // Its confirmation's short link names Siming under the MAC and opens the manage page.
        var inbox = await Sms.WaitForAsync(_host.Client, "+86" + mobile, "booking-confirmation");
        var text = Sms.Latest(inbox, "booking-confirmation").GetProperty("text").GetString()!;
        var link = new Uri(System.Text.RegularExpressions.Regex.Match(text, @"https?://\S+/api/l/a/\S+").Value);
        Assert.StartsWith("/api/l/a/siming~", link.AbsolutePath);
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
        using var opened = await noRedirect.GetAsync(link.PathAndQuery, ct);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        using var page = await _host.Client.GetAsync(opened.Headers.Location!.ToString(), ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("思明", await page.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task Dispatchers_act_at_the_centres_they_serve_and_nowhere_else()
    {
        var ct = TestContext.Current.CancellationToken;
        using var huliDispatcher = await _host.SignedInClientAsync("dispatcher-lin", "staff", "dispatcher");
        using var simingDispatcher = await _host.SignedInClientAsync("dispatcher-chen", "staff", "dispatcher", "centre.siming");

        // A request at Siming, from its page's API.
        var (submitted, request) = await PostAsync(_host.Client, "/api/home-visits?centre=siming", Json(VisitRequest(NewMobile(), "2026-12-09")));
        Assert.Equal(HttpStatusCode.Accepted, submitted);
        var id = request.GetProperty("id").GetString()!;

        // Siming's dispatcher sees it without naming the centre; Huli's list does not hold it.
        var simingList = await simingDispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/home-visits?pageSize=200", ct);
        Assert.Contains(simingList.EnumerateArray(), r => r.GetProperty("id").GetString() == id);
        var huliList = await huliDispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/home-visits?pageSize=200", ct);
        Assert.DoesNotContain(huliList.EnumerateArray(), r => r.GetProperty("id").GetString() == id);

        // Huli's dispatcher cannot act at Siming: 403 wrong-centre, and the request stays undecided.
        using var refused = await huliDispatcher.PostAsync($"/api/dispatch/home-visits/{id}/decision?centre=siming", Json(new { decision = "Approve" }), ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("wrong-centre", (await ProblemOf(refused)).GetProperty("code").GetString());
        // Nor reach it by its id at their own centre.
        using var notHere = await huliDispatcher.PostAsync($"/api/dispatch/home-visits/{id}/decision", Json(new { decision = "Approve" }), ct);
        Assert.Equal(HttpStatusCode.NotFound, notHere.StatusCode);
        // Siming's dispatcher cannot list Huli's requests.
        using var huliFromSiming = await simingDispatcher.GetAsync("/api/dispatch/home-visits?centre=huli", ct);
        Assert.Equal(HttpStatusCode.Forbidden, huliFromSiming.StatusCode);
        var still = await simingDispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/home-visits?pageSize=200", ct);
        Assert.Equal("Submitted", still.EnumerateArray().Single(r => r.GetProperty("id").GetString() == id).GetProperty("status").GetString());

        // Siming's dispatcher decides it.
        using var approved = await simingDispatcher.PostAsync($"/api/dispatch/home-visits/{id}/decision", Json(new { decision = "Approve" }), ct);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

        // Siming's dispatcher's page is Siming's, and its calls name Siming; Huli's page tells them it is not theirs.
        var page = await simingDispatcher.GetStringAsync("/api/pages/dispatch", ct);
        Assert.Contains("&quot;centreId&quot;:&quot;siming&quot;", page.Replace("\"", "&quot;"));
        using var huliPage = await simingDispatcher.GetAsync("/api/pages/dispatch?centre=huli", ct);
        Assert.Equal(HttpStatusCode.Forbidden, huliPage.StatusCode);
        Assert.Contains("您不是这个中心的调度员", await huliPage.Content.ReadAsStringAsync(ct));

        // A request Siming's dispatcher makes on a resident's behalf, naming no centre, is Siming's too.
        var (onBehalf, behalf) = await PostAsync(simingDispatcher, "/api/home-visits", Json(VisitRequest(NewMobile(), "2026-12-10")));
        Assert.Equal(HttpStatusCode.Accepted, onBehalf);
        var behalfId = behalf.GetProperty("id").GetString()!;
        var afterBehalf = await simingDispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/home-visits?pageSize=200", ct);
        Assert.Contains(afterBehalf.EnumerateArray(), r => r.GetProperty("id").GetString() == behalfId);
    }

    [Fact]
    public async Task A_queued_request_names_its_centre_and_an_unknown_one_is_poisoned_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = new QueueClient(azurite.ConnectionString, "home-visit-requests", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var good = VisitRequest(NewMobile(), "2026-12-10");
        good["centre"] = "siming";
        await queue.SendMessageAsync(JsonSerializer.Serialize(good), ct);
        var bad = VisitRequest(NewMobile(), "2026-12-10");
        bad["centre"] = "nowhere";
        var badText = JsonSerializer.Serialize(bad);
        await queue.SendMessageAsync(badText, ct);

        using var simingDispatcher = await _host.SignedInClientAsync("dispatcher-chen", "staff", "dispatcher", "centre.siming");
        var found = false;
        for (var i = 0; i < 100 && !found; i++)
        {
            var list = await simingDispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/home-visits?pageSize=200", ct);
            found = list.EnumerateArray().Any(r => r.GetProperty("channel").GetString() == "queue");
            if (!found) await Task.Delay(200, ct);
        }
        Assert.True(found, "the queued request did not reach Siming's list");

        var poison = new TableClient(azurite.ConnectionString, "poison");
        var key = Scheduler.Core.Operations.PoisonWatch.KeyOf(badText);
        Azure.NullableResponse<TableEntity>? reason = null;
        for (var i = 0; i < 100 && reason?.HasValue != true; i++)
        {
            reason = await poison.GetEntityIfExistsAsync<TableEntity>("failure|home-visit-requests", key, cancellationToken: ct);
            if (!reason.HasValue) await Task.Delay(200, ct);
        }
        Assert.True(reason!.HasValue);
        Assert.Contains("Centre 'nowhere' is not known", reason.Value!.GetString("Reason"));
    }

    [Fact]
    public async Task Administrators_see_every_centres_day_and_dispatchers_do_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var (booked, _) = await PostAsync(_host.Client, "/api/appointments?centre=siming", Json(Booking("2026-12-11", "10:15", NewMobile())));
        Assert.Equal(HttpStatusCode.Created, booked);

        using var admin = await _host.SignedInClientAsync("city-admin", "admin");
        var city = await admin.GetFromJsonAsync<JsonElement>("/api/city/summary?date=2026-12-11", ct);
        var centres = city.GetProperty("centres").EnumerateArray().ToList();
        Assert.Equal(new[] { "huli", "siming" }, centres.Select(c => c.GetProperty("centreId").GetString()));
        var siming = centres[1];
        Assert.True(siming.GetProperty("appointments").GetInt32() >= 1);
        Assert.Equal("思明区中华街道便民服务中心", siming.GetProperty("name").GetString());

        using var dispatcher = await _host.SignedInClientAsync("dispatcher-lin", "staff", "dispatcher");
        using var refused = await dispatcher.GetAsync("/api/city/summary?date=2026-12-11", ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var undated = await admin.GetAsync("/api/city/summary", ct);
        Assert.Equal(HttpStatusCode.BadRequest, undated.StatusCode);
    }

    [Fact]
    public async Task A_residents_pages_stay_at_the_centre_they_started_at()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = await _host.Client.GetStringAsync("/api/pages/book?centre=siming", ct);
        Assert.Contains("思明区中华街道便民服务中心", services);
        Assert.DoesNotContain("湖里区政务服务中心", services);
        var slots = System.Text.RegularExpressions.Regex.Match(services, "/api/pages/book/slots\\?service=item\\.pension-certification[^\"]*").Value;
        Assert.Contains("centre=siming", System.Net.WebUtility.HtmlDecode(slots));

        // The day's times and the details form carry the centre on to the booking's post.
        var day = await _host.Client.GetStringAsync(System.Net.WebUtility.HtmlDecode(slots) + "&date=2026-12-08", ct);
        var details = System.Text.RegularExpressions.Regex.Match(day, "/api/pages/book/details\\?[^\"]*").Value;
        Assert.True(System.Net.WebUtility.HtmlDecode(details).Contains("centre=siming"), details);
        var form = await _host.Client.GetStringAsync(System.Net.WebUtility.HtmlDecode(details), ct);
        Assert.Contains("action=\"/api/pages/book?centre=siming\"", form);
        Assert.Contains("思明", form);

        // Huli's pages, without naming a centre, are Huli's as before.
        Assert.Contains("湖里区政务服务中心", await _host.Client.GetStringAsync("/api/pages/book", ct));
        using var unknown = await _host.Client.GetAsync("/api/pages/book?centre=nowhere", ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
