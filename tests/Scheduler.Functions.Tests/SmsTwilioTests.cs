using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Scheduler.Core.Notifications;
using Scheduler.Testing;
using Xunit;
using Scheduler.Functions.Notifications;
using Scheduler.Functions.Platform;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The outbox sending through the Twilio SDK to a local stub of Twilio's REST API, on the dev host: retries through
/// the queue, a timeout after acceptance, delivery callbacks, and the local token refused with Twilio.
/// </summary>
/// Its storage is an Azurite of its own: the sender's queue is read by every dev host on one storage, and the other
/// tests' hosts keep their messages locally.
public sealed class SmsTwilioTests : IAsyncLifetime
{
    private const string Token = "test-auth-token-0123456789abcdef";
    private AzuriteFixture azurite = null!;
    private TwilioStub _stub = null!;
    private TestDevHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        azurite = await AzuriteFixture.StartFreshAsync();
        _stub = await TwilioStub.StartAsync();
        _host = await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s =>
        {
            s["Sms__Provider"] = "twilio";
            s["Twilio__AccountSid"] = "AC" + new string('0', 32);
            s["Twilio__AuthToken"] = Token;
            s["Twilio__FromNumber"] = "+8613800000000";
            s["Twilio__ApiBaseUrl"] = _stub.BaseAddress.ToString();
            s["Twilio__TimeoutSeconds"] = "1";
        }, replace: services => services.AddSingleton(new SmsRetryPolicy(
            [Duration.FromMilliseconds(200), Duration.FromMilliseconds(200), Duration.FromMilliseconds(200), Duration.FromMilliseconds(200), Duration.FromMilliseconds(200)],
            Duration.FromSeconds(3))));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _stub.DisposeAsync();
        await azurite.DisposeAsync();
    }

    private async Task<string> BookAsync(string start, params StubAnswer[] answers)
    {
        var mobile = NewMobile();
        _stub.ScriptFor("+86" + mobile, answers);
        // Booked by a resident's signed booking link for this mobile (no verification code, so the script answers the confirmation only).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments") { Content = Json(Booking("2026-11-30", start, mobile)) };
        request.Headers.Add("X-Resident-Token", _host.Services.GetRequiredService<Scheduler.Core.Identity.ResidentTokenService>()
            .Issue("huli", _host.Services.GetRequiredService<Scheduler.Core.Identity.PhoneVerification>().BookLinkSubject("+86" + mobile),
                Scheduler.Core.Identity.PhoneVerification.BookLinkPurpose, Duration.FromHours(1)));
        using var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return "+86" + mobile;
    }

    private async Task<StoredSms> WaitForFinalAsync(string to, string kind = SmsKinds.BookingConfirmation, double seconds = 30)
    {
        var outbox = _host.Services.GetRequiredService<TableSmsOutbox>();
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var list = await outbox.ListToAsync(to, 10, CancellationToken.None);
            if (list.FirstOrDefault(s => s.Message.Kind == kind) is { } sms && SmsStatuses.IsFinal(sms.Status)) return sms;
            if (DateTime.UtcNow > until) throw new TimeoutException($"No final status for the confirmation to {to}: {string.Join(", ", list.Select(s => s.Status))}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Twilio_answering_500_three_times_then_201_sends_exactly_one_message_recorded_sent()
    {
        var to = await BookAsync("09:30", StubAnswer.ServerError, StubAnswer.ServerError, StubAnswer.ServerError);

        var sms = await WaitForFinalAsync(to);
        await Task.Delay(1500, TestContext.Current.CancellationToken);

        Assert.Equal((SmsStatuses.Sent, 4), (sms.Status, sms.Attempts));
        var taken = Assert.Single(_stub.Taken, m => m.To == to);
        Assert.Equal(taken.Sid, sms.ProviderId);
        Assert.Contains("12345", taken.Body);
    }

    [Fact]
    public async Task Twilio_timing_out_after_accepting_is_looked_up_and_never_sent_twice_and_callbacks_never_go_backwards()
    {
        var to = await BookAsync("09:45", StubAnswer.TimeoutAfterAccept);

        var sms = await WaitForFinalAsync(to);
        await Task.Delay(1500, TestContext.Current.CancellationToken);

        Assert.Equal(SmsStatuses.Sent, sms.Status);
        var taken = Assert.Single(_stub.Taken, m => m.To == to);
        Assert.Equal(taken.Sid, sms.ProviderId);
        Assert.True(_stub.LookupRequests >= 1);

        // Twilio calls the address it was given with the message, which names the message (no number, no index row).
        var callback = new Uri(taken.StatusCallback!);
        Assert.Equal("/api/sms/status", callback.AbsolutePath);
        Assert.Matches("^\\?m=out-[0-9a-f]{2}\\.[0-9a-f]{40}$", callback.Query);
        Assert.DoesNotContain(to.TrimStart('+'), taken.StatusCallback);
        async Task<HttpStatusCode> Callback(string status, string? signWith = Token)
        {
            var form = new Dictionary<string, string> { ["MessageSid"] = taken.Sid, ["MessageStatus"] = status, ["To"] = to };
            return await Sms.PostAsync(_host.Client, callback.PathAndQuery, form, signWith is null ? null : Sms.Sign(Sms.PublicBase + callback.PathAndQuery, form, signWith));
        }
        Assert.Equal(HttpStatusCode.Forbidden, await Callback("delivered", null));
        Assert.Equal(HttpStatusCode.NoContent, await Callback("delivered"));
        Assert.Equal(HttpStatusCode.NoContent, await Callback("sent"));
        Assert.Equal(HttpStatusCode.NoContent, await Callback("delivered"));
        var outbox = _host.Services.GetRequiredService<TableSmsOutbox>();
        var after = (await outbox.ListToAsync(to, 10, CancellationToken.None)).Single(s => s.Message.Kind == SmsKinds.BookingConfirmation);
        Assert.Equal("delivered", after.ProviderStatus);
    }

    [Fact]
    public async Task An_unsubscribed_recipient_is_recorded_opted_out_and_a_bad_number_failed_with_its_code()
    {
        var to = await BookAsync("10:15", StubAnswer.Unsubscribed);
        var sms = await WaitForFinalAsync(to);
        Assert.Equal(SmsStatuses.OptedOut, sms.Status);
        Assert.True(await _host.Services.GetRequiredService<TableSmsOutbox>().IsOptedOutAsync(to, CancellationToken.None));

        var other = await BookAsync("10:30", StubAnswer.BadRequest);
        var failed = await WaitForFinalAsync(other);
        Assert.Equal(SmsStatuses.Failed, failed.Status);
        Assert.Contains("21211", failed.Error);
    }

    [Fact]
    public async Task A_verification_code_sent_or_refused_for_good_leaves_its_row_in_the_outbox_without_the_code()
    {
        var sentTo = "+86" + NewMobile();
        var refusedTo = "+86" + NewMobile();
        _stub.ScriptFor(refusedTo, StubAnswer.BadRequest);
        foreach (var to in new[] { sentTo, refusedTo })
            using (var asked = await _host.Client.PostAsync("/api/phone-verifications", Json(new { mobile = to }), TestContext.Current.CancellationToken))
                Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);

        var sent = await WaitForFinalAsync(sentTo, SmsKinds.VerificationCode);
        var refused = await WaitForFinalAsync(refusedTo, SmsKinds.VerificationCode);

        Assert.Equal((SmsStatuses.Sent, SmsStatuses.Failed), (sent.Status, refused.Status));
        var code = System.Text.RegularExpressions.Regex.Match(_stub.Taken.Single(m => m.To == sentTo).Body, "[0-9]{6}").Value;
        Assert.Equal(6, code.Length);
        // The stored row itself, as table sms holds it: every text column, not only what the outbox reads back.
        var rows = new Azure.Data.Tables.TableClient(azurite.ConnectionString, StorageNames.SmsTable).Query<Azure.Data.Tables.TableEntity>()
            .Where(e => e.GetString("To") is { } to && (to == sentTo || to == refusedTo)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal(SmsTextRetention.RedactedCode, row.GetString("Text"));
            Assert.DoesNotContain(row.Select(p => p.Value).OfType<string>(), v => v.Contains(code, StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task The_local_inbox_and_phone_page_do_not_exist_when_sending_through_twilio()
    {
        using var inbox = await _host.Client.GetAsync("/api/local/sms?to=%2B8613912345678", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, inbox.StatusCode);
        using var phone = await _host.Client.GetAsync("/api/pages/phone?to=%2B8613912345678", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, phone.StatusCode);
    }

    [Fact]
    public async Task A_deployment_with_the_local_twilio_token_is_unhealthy_and_refuses_webhooks()
    {
        await using var host = await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s =>
        {
            s["Sms__Provider"] = "twilio";
            s["Twilio__AccountSid"] = "AC" + new string('0', 32);
            s["Twilio__AuthToken"] = Sms.LocalToken;
            s["Twilio__FromNumber"] = "+8613800000000";
        });
        using var response = await host.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("local development token", body.GetProperty("checks").GetProperty("sms").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, await Sms.ReplyAsync(host.Client, "+8613912345678", "1"));
    }
}
