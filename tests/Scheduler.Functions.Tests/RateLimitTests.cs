using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Each rate limit of ADR 0015 over HTTP on a dev host of its own per test, its limits set low through the
/// <c>RateLimits__*</c> settings, the client's address from <c>X-Forwarded-For</c>. The counters live in the assembly's
/// shared Azurite under pseudonyms of addresses and numbers, so every test speaks from addresses and numbers of its own.
/// </summary>
public sealed class RateLimitTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static int _nextAddress = Random.Shared.Next(0, 200) * 250;
    private TestDevHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await StartAsync(_ => { });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    /// <summary>A host with the deployment's limits, then <paramref name="limits"/>' changes to them.</summary>
    private Task<TestDevHost> StartAsync(Action<Dictionary<string, string?>> limits) =>
        SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s =>
        {
            SchedulerHost.WithRateLimits(s);
            s["RateLimits__BookingPerMobile"] = "2";
            s["RateLimits__BookingPerAddress"] = "2";
            s["RateLimits__TokenPagesPerAddress"] = "3";
            s["RateLimits__HomeVisitPerAddress"] = "2";
            s["RateLimits__CodesPerAddress"] = "2";
            s["RateLimits__ReadsPerAddress"] = "3";
            limits(s);
        });

    /// <summary>An address no other test uses (198.18.0.0/15, the benchmarking range).</summary>
    private static string NewAddress()
    {
        var n = Interlocked.Increment(ref _nextAddress);
        return $"198.{18 + n / 65536 % 2}.{n / 256 % 256}.{n % 256}";
    }

    private static async Task<HttpResponseMessage> SendAsync(TestDevHost host, HttpMethod method, string path, string address, HttpContent? content = null,
        string? proof = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Forwarded-For", address);
        if (proof is not null) request.Headers.Add("X-Mobile-Proof", proof);
        return await host.Client.SendAsync(request);
    }

    private static async Task AssertLimitedAsync(HttpResponseMessage response, string? field = null)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single()) is > 0 and <= 24 * 3600);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rate-limited", problem.GetProperty("code").GetString());
        if (field is not null) Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    /// <summary>A page answers 429 with Retry-After (how the page reads is the page's own affair).</summary>
    private static void AssertPageLimited(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single()) > 0);
    }

    [Fact]
    public async Task Bookings_for_one_mobile_from_several_addresses_stop_at_the_per_mobile_limit()
    {
        var mobile = NewMobile();
        var proof = await ProofAsync(_host.Client, "+86" + mobile);
        Assert.NotNull(proof);
        var answers = new List<HttpResponseMessage>();
        // One item a day per resident: three days.
        foreach (var date in new[] { "2026-12-08", "2026-12-09", "2026-12-10" })
            answers.Add(await SendAsync(_host, HttpMethod.Post, "/api/appointments", NewAddress(), Json(Booking(date, "12:15", mobile)), proof));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created], answers.Take(2).Select(a => a.StatusCode));
        await AssertLimitedAsync(answers[2], "mobile");
    }

    [Fact]
    public async Task Unverified_bookings_with_a_residents_mobile_do_not_use_up_the_residents_own_limit()
    {
        var mobile = NewMobile();
        // Someone else types the resident's number from three addresses, with no code and no proof: each is refused.
        foreach (var date in new[] { "2026-12-08", "2026-12-09", "2026-12-10" })
        {
            using var refused = await SendAsync(_host, HttpMethod.Post, "/api/appointments", NewAddress(), Json(Booking(date, "13:45", mobile)));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("verification-required", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        // The resident, verified (from an address of their own), still has both bookings of the per-mobile limit.
        var proof = await EarnProofAsync(_host.Client, "+86" + mobile, NewAddress());
        Assert.NotNull(proof);
        foreach (var date in new[] { "2026-12-08", "2026-12-09" })
        {
            using var booked = await SendAsync(_host, HttpMethod.Post, "/api/appointments", NewAddress(), Json(Booking(date, "13:45", mobile)), proof);
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        }
    }

    [Fact]
    public async Task A_token_page_and_the_token_api_are_limited_per_address()
    {
        var address = NewAddress();
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) answers.Add(await SendAsync(_host, HttpMethod.Get, "/api/pages/manage?token=not-a-token", address));
        var api = await SendAsync(_host, HttpMethod.Get, "/api/appointments/social.none?token=not-a-token", address);
        var elsewhere = await SendAsync(_host, HttpMethod.Get, "/api/pages/manage?token=not-a-token", NewAddress());

        Assert.All(answers.Take(3), a => Assert.NotEqual(HttpStatusCode.TooManyRequests, a.StatusCode));
        AssertPageLimited(answers[3]);
        await AssertLimitedAsync(api, "address");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, elsewhere.StatusCode);
    }

    private static Dictionary<string, object?> VisitRequest(string mobile, string date, string name = "林秀兰", string? idNumber = null) => new()
    {
        ["name"] = name, ["mobile"] = mobile, ["idNumber"] = idNumber, ["reason"] = "Aged60Plus", ["location"] = new { latitude = 24.52, longitude = 118.12 },
        ["address"] = "福建省厦门市湖里区县后社区12号", ["itemId"] = "pension-certification",
        ["windows"] = new[] { new { date, from = "09:00", to = "11:00" } }, ["urgency"] = "Soon",
    };

    [Fact]
    public async Task Anonymous_reads_are_limited_per_address_and_other_addresses_still_read()
    {
        var address = NewAddress();
        var reads = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) reads.Add(await SendAsync(_host, HttpMethod.Get, "/api/availability?itemId=pension-certification&from=2026-12-08&to=2026-12-08", address));
        // The same address's other reads share its budget: the centre, who-am-i and the OpenAPI document are refused too.
        var centre = await SendAsync(_host, HttpMethod.Get, "/api/centre", address);
        var me = await SendAsync(_host, HttpMethod.Get, "/api/me", address);
        var document = await SendAsync(_host, HttpMethod.Get, "/api/openapi.json", address);
        var elsewhere = await SendAsync(_host, HttpMethod.Get, "/api/availability?itemId=pension-certification&from=2026-12-08&to=2026-12-08", NewAddress());
        // Health is never limited: a monitor behind one address must always get an answer.
        var health = await SendAsync(_host, HttpMethod.Get, "/api/health", address);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], reads.Take(3).Select(r => r.StatusCode));
        await AssertLimitedAsync(reads[3], "address");
        await AssertLimitedAsync(centre, "address");
        await AssertLimitedAsync(me, "address");
        await AssertLimitedAsync(document, "address");
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, health.StatusCode);
    }

    [Fact]
    public async Task The_booking_pages_reads_are_limited_per_address_with_a_readable_page()
    {
        var address = NewAddress();
        var pages = new List<HttpResponseMessage>();
        foreach (var path in new[] { "/api/pages/book", "/api/pages/book/slots?service=item.pension-certification", "/api/pages/book/details?service=item.pension-certification&date=2026-12-08&start=10:00",
                     "/api/pages/home-visit", "/api/pages/book?lang=en" })
            pages.Add(await SendAsync(_host, HttpMethod.Get, path, address));
        var elsewhere = await SendAsync(_host, HttpMethod.Get, "/api/pages/book", NewAddress());

        Assert.All(pages.Take(3), p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
        foreach (var refused in pages.Skip(3))
        {
            AssertPageLimited(refused);
            Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        }
        Assert.Contains("Too many", await pages[4].Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    /// <summary>
    /// Every anonymous HTTP function is counted per address, but for these, each for its reason: health (a monitor
    /// must always get an answer; it reads nothing a caller can steer), Twilio's webhooks (signed by Twilio, refused
    /// unsigned before any work), the local inbox and phone page (404 on a deployment), static assets (no storage
    /// call to protect; a CDN or the browser keeps them) and the not-found catch-all (answers 404 at once).
    /// </summary>
    [Fact]
    public void Every_anonymous_function_is_rate_limited_but_the_named_few()
    {
        var unlimited = typeof(Scheduler.Functions.Platform.ServiceRegistration).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false).Length > 0)
            .Where(m => m.GetParameters().Any(p => p.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false)
                .Cast<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>().Any(a => a.AuthLevel == Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous)))
            .Where(m => m.GetCustomAttributes(typeof(Scheduler.Functions.Platform.RateLimitedAttribute), false).Length == 0)
            .Select(m => ((Microsoft.Azure.Functions.Worker.FunctionAttribute)m.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false)[0]).Name)
            .Order().ToList();

        Assert.Equal(["Asset", "Health", "LocalSms", "NotFound", "PagePhone", "SmsInbound", "SmsStatus"], unlimited);
    }

    [Fact]
    public async Task Home_visit_requests_over_http_are_limited_per_address_whatever_the_mobile()
    {
        var address = NewAddress();
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            var mobile = NewMobile();
            var proof = await EarnProofAsync(_host.Client, "+86" + mobile, NewAddress());
            answers.Add(await SendAsync(_host, HttpMethod.Post, "/api/home-visits", address, Json(VisitRequest(mobile, "2026-12-10", "林秀兰" + i)), proof));
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted], answers.Take(2).Select(a => a.StatusCode));
        await AssertLimitedAsync(answers[2], "address");
    }

    /// <summary>A valid resident ID number of someone born in the 1940s that no other test uses (its check digit by GB 11643).</summary>
    private static string NewIdNumber()
    {
        var body = $"350206194{Random.Shared.Next(0, 10)}0{Random.Shared.Next(1, 10)}1{Random.Shared.Next(0, 10)}{Random.Shared.Next(100, 1000)}";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }

    [Fact]
    public async Task Unverified_home_visit_requests_with_a_residents_mobile_and_id_do_not_use_up_the_residents_own_limits()
    {
        var mobile = NewMobile();
        var idNumber = NewIdNumber();
        var dates = new[] { "2026-12-08", "2026-12-09", "2026-12-10" };
        // Someone else types the resident's number and ID from three addresses, with no code and no proof: each is refused.
        foreach (var date in dates)
        {
            using var refused = await SendAsync(_host, HttpMethod.Post, "/api/home-visits", NewAddress(), Json(VisitRequest(mobile, date, idNumber: idNumber)));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("verification-required", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        // Nothing was sent to the resident for them.
        Assert.Empty((await _host.Client.GetFromJsonAsync<List<JsonElement>>($"/api/local/sms?to={Uri.EscapeDataString("+86" + mobile)}"))!);

        // The resident, verified (from an address of their own), still has all three requests a day, per mobile and per ID.
        var proof = await EarnProofAsync(_host.Client, "+86" + mobile, NewAddress());
        Assert.NotNull(proof);
        foreach (var date in dates)
        {
            using var taken = await SendAsync(_host, HttpMethod.Post, "/api/home-visits", NewAddress(), Json(VisitRequest(mobile, date, idNumber: idNumber)), proof);
            Assert.Equal(HttpStatusCode.Accepted, taken.StatusCode);
        }
        using var fourth = await SendAsync(_host, HttpMethod.Post, "/api/home-visits", NewAddress(), Json(VisitRequest(mobile, "2026-12-11", idNumber: idNumber)), proof);
        await AssertLimitedAsync(fourth, "mobile");
    }

    [Fact]
    public async Task Unverified_extended_hours_requests_with_a_residents_mobile_do_not_use_up_the_residents_own_limit()
    {
        var mobile = NewMobile();
        object Wish(string date) => new { itemId = "pension-certification", date, wanted = "Evening", name = "王五", mobile };
        foreach (var date in new[] { "2026-12-08", "2026-12-09", "2026-12-10" })
        {
            using var refused = await SendAsync(_host, HttpMethod.Post, "/api/extended-hours-requests", NewAddress(), Json(Wish(date)));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("verification-required", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        // The per-mobile limit is three: had the refused ones counted, the resident's own first request would be the fourth.
        var proof = await EarnProofAsync(_host.Client, "+86" + mobile, NewAddress());
        Assert.NotNull(proof);
        using var taken = await SendAsync(_host, HttpMethod.Post, "/api/extended-hours-requests", NewAddress(), Json(Wish("2026-12-08")), proof);
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
    }

    [Fact]
    public async Task The_booking_page_and_its_code_page_posts_are_limited_per_address()
    {
        var address = NewAddress();
        HttpContent Form(string mobile) => new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["service"] = "item.pension-certification", ["date"] = "2026-12-10", ["start"] = "10:00", ["name"] = "李芳", ["mobile"] = mobile, ["lang"] = "zh",
        });
        var books = new List<HttpResponseMessage>();
        var codes = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            books.Add(await SendAsync(_host, HttpMethod.Post, "/api/pages/book", address, Form(NewMobile())));
            codes.Add(await SendAsync(_host, HttpMethod.Post, "/api/pages/book/code", address, Form(NewMobile())));
        }

        Assert.All(books.Take(2).Concat(codes.Take(2)), a => Assert.NotEqual(HttpStatusCode.TooManyRequests, a.StatusCode));
        AssertPageLimited(books[2]);
        AssertPageLimited(codes[2]);
    }

    [Fact]
    public async Task A_changed_setting_changes_the_limit()
    {
        // Codes per mobile: the deployment's five, then the same host configured for two.
        async Task<List<HttpStatusCode>> AskAsync(TestDevHost host, int times)
        {
            var e164 = "+86" + NewMobile();
            var answers = new List<HttpStatusCode>();
            for (var i = 0; i < times; i++)
                using (var response = await SendAsync(host, HttpMethod.Post, "/api/phone-verifications", NewAddress(), Json(new { mobile = e164 })))
                    answers.Add(response.StatusCode);
            return answers;
        }

        var byDefault = await AskAsync(_host, 6);
        await using var changed = await StartAsync(s => s["RateLimits__CodesPerMobile"] = "2");
        var lowered = await AskAsync(changed, 3);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Accepted, 5), HttpStatusCode.TooManyRequests], byDefault);
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], lowered);
    }
}
