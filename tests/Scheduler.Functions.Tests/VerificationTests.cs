using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>Verified mobiles over HTTP on the demo host: codes by SMS, the proof a device keeps, staff booking with consent.</summary>
public sealed class VerificationTests(DemoHostFixture demo) : IClassFixture<DemoHostFixture>
{
    private readonly TestDevHost _host = demo.Host;

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpClient client, string path, object body,
        string? proof = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        if (proof is not null) request.Headers.Add("X-Mobile-Proof", proof);
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    [Fact]
    public async Task Booking_without_a_verified_mobile_is_403_verification_required_and_takes_no_seat()
    {
        var mobile = NewMobile();
        // A slot no other class of this assembly books (they share one Azurite), so "no seat taken" means this request.
        var (status, body, response) = await SendAsync(_host.Client, "/api/appointments", Booking("2026-12-08", "16:45", mobile));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("verification-required", body.GetProperty("code").GetString());
        Assert.Equal((0, 0), Slot(demo.ConnectionString, "social", "2026-12-08", "16:45"));
    }

    [Fact]
    public async Task A_code_asked_for_arrives_by_sms_books_once_typed_and_the_proof_books_again_without_one()
    {
        var e164 = "+86" + NewMobile();
        var (sent, sentBody, _) = await SendAsync(_host.Client, "/api/phone-verifications", new { mobile = e164 });
        Assert.Equal(HttpStatusCode.Accepted, sent);
        Assert.DoesNotContain(e164[3..], sentBody.GetProperty("mobileMasked").GetString());
        var inbox = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/local/sms?to={Uri.EscapeDataString(e164)}");
        var code = System.Text.RegularExpressions.Regex.Match(inbox[0].GetProperty("text").GetString()!, "[0-9]{6}").Value;

        var wrong = await SendAsync(_host.Client, "/api/appointments", new { itemId = "pension-certification", date = "2026-12-08", start = "09:15", name = "李芳", mobile = e164,
            verificationCode = code == "000000" ? "111111" : "000000" });
        Assert.Equal((HttpStatusCode.Forbidden, "wrong-code"), (wrong.Status, wrong.Body.GetProperty("code").GetString()));

        var (status, _, response) = await SendAsync(_host.Client, "/api/appointments", new { itemId = "pension-certification", date = "2026-12-08", start = "09:15", name = "李芳",
            mobile = e164, verificationCode = code });
        Assert.Equal(HttpStatusCode.Created, status);
        var proof = response.Headers.GetValues("X-Mobile-Proof").Single();
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("mobile_proof=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/api", cookie, StringComparison.OrdinalIgnoreCase);

        var again = await SendAsync(_host.Client, "/api/appointments", new { itemId = "elderly-allowance", date = "2026-12-08", start = "09:30", name = "李芳", mobile = e164 }, proof);
        Assert.Equal(HttpStatusCode.Created, again.Status);
        var otherMobile = await SendAsync(_host.Client, "/api/appointments", Booking("2026-12-08", "09:30", NewMobile()), proof);
        Assert.Equal(HttpStatusCode.Forbidden, otherMobile.Status);
    }

    [Theory]
    [InlineData("12345", "invalid-mobile")]
    [InlineData("+12025550123", "invalid-mobile")]
    [InlineData("+85291234567", "invalid-mobile")]
    [InlineData("010-12345678", "invalid-mobile")]
    public async Task A_code_is_not_sent_to_what_is_not_a_mainland_mobile(string mobile, string code)
    {
        var (status, body, _) = await SendAsync(_host.Client, "/api/phone-verifications", new { mobile });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Asking_for_a_code_checking_it_and_booking_with_it_never_log_the_code_or_the_mobile()
    {
        // An Azurite of its own: on the shared one, other classes' hosts may take this code's and this booking's
        // messages off the queues, and their steps would be logged there, not here.
        await using var fresh = await AzuriteFixture.StartFreshAsync();
        var capture = new LogCapture();
        await using var host = await SchedulerHost.StartAsync(fresh.ConnectionString, replace: capture.AddTo);
        var mobile = NewMobile();
        var e164 = "+86" + mobile;

        var code = await SendCodeAsync(host.Client, e164);
        Assert.NotNull(code);
        await Sms.WaitForAsync(host.Client, e164, "verification-code");
        var wrong = await SendAsync(host.Client, "/api/phone-verifications/check", new { mobile = e164, code = code == "000000" ? "111111" : "000000" });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.Status);
        var right = await SendAsync(host.Client, "/api/phone-verifications/check", new { mobile = e164, code });
        Assert.Equal(HttpStatusCode.OK, right.Status);
        var booked = await SendAsync(host.Client, "/api/appointments", new { itemId = "pension-certification", date = "2026-12-10", start = "14:45", name = "李芳", mobile = e164,
            verificationCode = code });
        Assert.Equal(HttpStatusCode.Created, booked.Status);
        // The confirmation's delivery is logged too.
        await Sms.WaitForAsync(host.Client, e164, "booking-confirmation");
        await Task.Delay(500, TestContext.Current.CancellationToken);

        var entries = capture.Entries;
        Assert.Contains(entries, e => e.Text.Contains("SMS step", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Text.Contains(code!, StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Text.Contains(mobile, StringComparison.Ordinal) || e.Text.Contains(mobile[3..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_or_malformed_code_on_the_check_endpoint_is_refused_in_problem_json()
    {
        var e164 = "+86" + NewMobile();
        Assert.NotNull(await SendCodeAsync(_host.Client, e164));

        var malformed = await SendAsync(_host.Client, "/api/phone-verifications/check", new { mobile = e164, code = "12ab" });
        var neverSent = await SendAsync(_host.Client, "/api/phone-verifications/check", new { mobile = "+86" + NewMobile(), code = "123456" });

        Assert.Equal((HttpStatusCode.BadRequest, "invalid-code"), (malformed.Status, malformed.Body.GetProperty("code").GetString()));
        Assert.Equal((HttpStatusCode.Forbidden, "code-expired"), (neverSent.Status, neverSent.Body.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_replay_of_an_idempotency_key_with_another_body_is_422_and_carries_no_token()
    {
        var mobile = NewMobile();
        var first = await PostAsync(_host.Client, "/api/appointments", Json(Booking("2026-12-08", "10:00", mobile)), "replay-1");
        Assert.Equal(HttpStatusCode.Created, first.Status);

        var other = await PostAsync(_host.Client, "/api/appointments", Json(Booking("2026-12-09", "11:00", mobile, item: "elderly-allowance", name: "王伟")), "replay-1");
        var same = await PostAsync(_host.Client, "/api/appointments", Json(Booking("2026-12-08", "10:00", mobile)), "replay-1");
        using var elsewhere = new HttpClient { BaseAddress = _host.BaseAddress };
        var stranger = await SendAsync(elsewhere, "/api/appointments", Booking("2026-12-08", "10:00", mobile), key: "replay-1");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Equal("idempotency-key-reused", other.Body.GetProperty("code").GetString());
        Assert.False(other.Body.TryGetProperty("manageToken", out _));
        Assert.Equal(HttpStatusCode.OK, same.Status);
        Assert.Equal(first.Body.GetProperty("appointment").GetProperty("id").GetString(), same.Body.GetProperty("appointment").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, stranger.Status);
        Assert.False(stranger.Body.TryGetProperty("manageToken", out _));
    }

    [Fact]
    public async Task Staff_book_for_a_resident_with_consent_through_the_staff_endpoint_only_with_key_and_sign_in()
    {
        var body = new { itemId = "pension-certification", date = "2026-12-08", start = "10:15", name = "张秀英", mobile = NewMobile(),
            assisted = new { channel = "phone", residentConsented = true } };
        using var staff = await _host.SignedInClientAsync("clerk-wang", "staff");
        using var keyOnly = _host.KeyedClient();

        var noKey = await SendAsync(_host.Client, "/api/staff/assisted-bookings", body);
        var noSignIn = await SendAsync(keyOnly, "/api/staff/assisted-bookings", body);
        var noConsent = await SendAsync(staff, "/api/staff/assisted-bookings", body with { assisted = new { channel = "phone", residentConsented = false } });
        var booked = await SendAsync(staff, "/api/staff/assisted-bookings", body);

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, noSignIn.Status);
        Assert.Equal((HttpStatusCode.BadRequest, "consent-missing"), (noConsent.Status, noConsent.Body.GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.Created, booked.Status);
        Assert.Equal(0, (await _host.Client.GetFromJsonAsync<JsonElement>($"/api/local/sms?to=%2B86{body.mobile}")).EnumerateArray()
            .Count(m => m.GetProperty("kind").GetString() == "verification-code"));
    }

    [Fact]
    public async Task Problem_types_are_the_same_uri_scheme_from_the_host_and_from_every_function()
    {
        var noKey = await SendAsync(_host.Client, "/api/staff/assisted-bookings", new { });
        var unverified = await SendAsync(_host.Client, "/api/appointments", Booking("2026-12-08", "11:00", NewMobile()));
        var badCode = await SendAsync(_host.Client, "/api/phone-verifications", new { mobile = "12345" });

        Assert.Equal("https://httpstatuses.io/401", noKey.Body.GetProperty("type").GetString());
        Assert.Equal("https://httpstatuses.io/403", unverified.Body.GetProperty("type").GetString());
        Assert.Equal("https://httpstatuses.io/400", badCode.Body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_signed_in_member_of_staff_on_the_public_endpoint_is_one_more_member_of_the_public()
    {
        using var staff = await _host.SignedInClientAsync("clerk-li", "staff");

        var (status, body, _) = await SendAsync(staff, "/api/appointments", Booking("2026-12-08", "10:30", NewMobile()));

        Assert.Equal((HttpStatusCode.Forbidden, "verification-required"), (status, body.GetProperty("code").GetString()));
    }
}

public sealed class MainlandMobileTests
{
    [Theory]
    [InlineData("13912345678", "+8613912345678")]
    [InlineData("+85291234567", "+85291234567")]
    [InlineData("+447911123456", null)]
    [InlineData("+12025550123", null)]
    public void Only_mainland_mobiles_and_the_numbers_the_centre_allows_are_taken(string input, string? expected)
    {
        var phones = new Platform.LibPhoneNumbers(Microsoft.Extensions.Options.Options.Create(new Notifications.SmsOptions { AllowedNumbers = "+85291234567, +8613800000000" }));

        var e164 = phones.NormalizeMobile(input, out var reason);

        Assert.Equal(expected, e164);
        if (expected is null) Assert.Contains("mainland China", reason);
    }
}
