using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The real dev host with the deployment's own rate limits, attacked from outside: the client's address comes from
/// <c>X-Forwarded-For</c> (as App Service gives it), so one test can speak from an attacker's address and a
/// resident's. The attacker is given every advantage: it owns every number it rotates through (it reads the codes
/// from the local SMS inbox).
/// </summary>
public sealed class AbuseTests : IAsyncLifetime
{
    private const string Attacker = "203.0.113.7";
    private const string Resident = "198.51.100.23";
    private AzuriteFixture _azurite = null!;
    private TestDevHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _azurite = await AzuriteFixture.StartFreshAsync();
        _host = await SchedulerHost.StartAsync(_azurite.ConnectionString, adjust: SchedulerHost.WithRateLimits);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostFromAsync(string address, string path, object body)
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        request.Headers.Add("X-Forwarded-For", address);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private async Task<string?> CodeAsync(string e164)
    {
        var inbox = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/local/sms?to={Uri.EscapeDataString(e164)}");
        return inbox.EnumerateArray().Where(m => m.GetProperty("kind").GetString() == "verification-code")
            .Select(m => System.Text.RegularExpressions.Regex.Match(m.GetProperty("text").GetString()!, "[0-9]{6}").Value).FirstOrDefault();
    }

    private int AppointmentsOn(string date) =>
        new TableClient(_azurite.ConnectionString, StorageNames.AppointmentsTable)
            .Query<TableEntity>(e => e.PartitionKey == "huli" && e.GetString("Date") == date).Count(TableAppointmentStore.IsAppointmentRow);

    [Fact]
    public async Task Three_hundred_bookings_from_rotating_mobiles_at_one_address_take_only_what_the_limits_allow_and_a_resident_still_books()
    {
        const string date = "2026-12-02";
        var starts = Enumerable.Range(0, 34).Select(i => new TimeOnly(8, 30).AddMinutes(15 * i).ToString("HH:mm")).ToList();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var limited = new ConcurrentBag<HttpResponseMessage>();
        var next = -1;
        var residentBooked = new TaskCompletionSource<HttpStatusCode>();

        async Task AttackAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < 300)
            {
                var e164 = "+86" + NewMobile();
                var (sent, _, sentResponse) = await PostFromAsync(Attacker, "/api/phone-verifications", new { mobile = e164 });
                if (sent == HttpStatusCode.TooManyRequests) limited.Add(sentResponse);
                var code = sent == HttpStatusCode.Accepted ? await CodeAsync(e164) : null;
                var (status, _, response) = await PostFromAsync(Attacker, "/api/appointments",
                    new { itemId = "pension-certification", date, start = starts[i % starts.Count], name = $"张{i:D3}", mobile = e164, verificationCode = code });
                statuses.Add(status);
                if (status == HttpStatusCode.TooManyRequests) limited.Add(response);
                if (i == 150) _ = Task.Run(async () =>
                {
                    // A resident books in the middle of the attack, from their own address.
                    var mine = "+86" + NewMobile();
                    await PostFromAsync(Resident, "/api/phone-verifications", new { mobile = mine });
                    var booked = await PostFromAsync(Resident, "/api/appointments",
                        new { itemId = "pension-certification", date, start = "10:00", name = "李芳", mobile = mine, verificationCode = await CodeAsync(mine) });
                    residentBooked.SetResult(booked.Status);
                });
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => AttackAsync()));

        Assert.Equal(HttpStatusCode.Created, await residentBooked.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        var created = statuses.Count(s => s == HttpStatusCode.Created);
        Assert.Equal(300, statuses.Count);
        Assert.InRange(created, 1, 10); // codes per address per hour: the attacker verified at most ten numbers
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 300 - 30, "bookings per address per hour are thirty");
        Assert.Equal(created + 1, AppointmentsOn(date));
        Assert.All(limited, r =>
        {
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            Assert.True(int.Parse(r.Headers.GetValues("Retry-After").Single()) is > 0 and <= 3600);
        });
    }

    private async Task<HttpResponseMessage> PostFormFromAsync(string address, string path, string form)
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Forwarded-For", address);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task A_page_over_its_limit_answers_a_page_in_the_readers_language_and_an_api_keeps_its_problem()
    {
        const string address = "192.0.2.201";
        // Codes per address per hour are ten: the page that sends a code counts as the API does.
        for (var i = 0; i < 10; i++)
        {
            using var sent = await PostFormFromAsync(address, "/api/pages/book/code", $"mobile=%2B86{NewMobile()}&lang=zh&service=item.pension-certification");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, sent.StatusCode);
        }

        using var chinese = await PostFormFromAsync(address, "/api/pages/book/code", $"mobile=%2B86{NewMobile()}&lang=zh");
        Assert.Equal(HttpStatusCode.TooManyRequests, chinese.StatusCode);
        Assert.Equal("text/html", chinese.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(chinese.Headers.GetValues("Retry-After").Single()) is > 0 and <= 3600);
        var zh = await chinese.Content.ReadAsStringAsync();
        Assert.Contains("操作太频繁了", zh);
        Assert.Contains("分钟后再试", zh);
        Assert.DoesNotContain("Too many", zh);
        Assert.Contains("frame-ancestors 'none'", chinese.Headers.GetValues("Content-Security-Policy").Single());

        // The form's language, or the query's.
        using var english = await PostFormFromAsync(address, "/api/pages/book/code", $"mobile=%2B86{NewMobile()}&lang=en");
        Assert.Equal(HttpStatusCode.TooManyRequests, english.StatusCode);
        Assert.Contains("please try again in", await english.Content.ReadAsStringAsync());
        using var byQuery = await PostFormFromAsync(address, "/api/pages/book/code?lang=en", "");
        Assert.Contains("<html lang=\"en\"", await byQuery.Content.ReadAsStringAsync());
        Assert.True(byQuery.Headers.Contains("Retry-After"));

        // Too many codes for one number (from addresses under their own limit): the code screen says when, in words.
        var mobile = NewMobile();
        HttpResponseMessage? perMobile = null;
        for (var i = 0; i < 6; i++)
        {
            perMobile?.Dispose();
            perMobile = await PostFormFromAsync($"192.0.2.{210 + i}", "/api/pages/book/code", $"mobile=%2B86{mobile}&lang=zh");
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, perMobile!.StatusCode);
        Assert.Equal("text/html", perMobile.Content.Headers.ContentType?.MediaType);
        Assert.True(perMobile.Headers.Contains("Retry-After"));
        Assert.Contains("分钟后再试", await perMobile.Content.ReadAsStringAsync());
        perMobile.Dispose();

        // The API from the same address: still problem+json.
        var (status, body, response) = await PostFromAsync(address, "/api/phone-verifications", new { mobile = "+86" + NewMobile() });
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rate-limited", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Codes_for_one_mobile_are_limited_whatever_address_asks()
    {
        var e164 = "+86" + NewMobile();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            answers.Add((await PostFromAsync($"192.0.2.{i + 1}", "/api/phone-verifications", new { mobile = e164 })).Status);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Accepted, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)), answers);
        var refused = await PostFromAsync("192.0.2.99", "/api/phone-verifications", new { mobile = e164 });
        Assert.Equal("rate-limited", refused.Body.GetProperty("code").GetString());
        Assert.Equal("mobile", refused.Body.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_forged_forwarded_address_in_front_of_the_real_one_does_not_escape_the_address_limit()
    {
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
            answers.Add((await PostFromAsync($"10.9.8.{i}, {Attacker}", "/api/phone-verifications", new { mobile = "+86" + NewMobile() })).Status);

        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        Assert.Equal(10, answers.Count(s => s == HttpStatusCode.Accepted));
    }

    [Fact]
    public async Task Extended_hours_requests_from_one_mobile_stop_at_the_limit()
    {
        var mobile = NewMobile();
        var proof = await ProofAsync(_host.Client, "+86" + mobile);
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/extended-hours-requests")
            {
                Content = Json(new { itemId = "pension-certification", date = "2026-12-03", wanted = "Evening", name = $"王{i}", mobile }),
            };
            request.Headers.Add("X-Mobile-Proof", proof);
            request.Headers.Add("X-Forwarded-For", $"192.0.2.{50 + i}");
            using var response = await _host.Client.SendAsync(request);
            answers.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        Assert.Equal(3, answers.Count(s => s == HttpStatusCode.Created));
    }
}
