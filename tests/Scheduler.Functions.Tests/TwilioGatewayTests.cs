using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Notifications;
using Scheduler.Testing;
using Twilio.Clients;
using Xunit;
using Scheduler.Functions.Notifications;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The Twilio gateway through the real Twilio SDK and a real HTTP exchange with a local stub of Twilio's REST API:
/// the exact request, and what each answer means for the sender.
/// </summary>
public sealed class TwilioGatewayTests : IAsyncLifetime
{
    private static readonly string FakeSid = "AC" + new string('0', 32);
    private TwilioStub _stub = null!;

    public async ValueTask InitializeAsync() => _stub = await TwilioStub.StartAsync();

    public async ValueTask DisposeAsync() => await _stub.DisposeAsync();

    private static TwilioSmsGateway Gateway(Uri api, string? service = null)
    {
        var http = new HttpClient(new TwilioBaseAddressHandler(api)) { Timeout = TimeSpan.FromSeconds(1) };
        ITwilioRestClient client = new TwilioRestClient(FakeSid, "token", httpClient: new Twilio.Http.SystemNetHttpClient(http));
        return new TwilioSmsGateway(client, Options.Create(new TwilioOptions { AccountSid = FakeSid, AuthToken = "token", FromNumber = "+8613800000000", MessagingServiceSid = service ?? "" }),
            Options.Create(new SchedulerOptions { PublicBaseUrl = "https://scheduler.example.cn" }));
    }

    private const string CallbackRef = "out-3f.0123456789abcdef0123456789abcdef01234567";

    private static OutboundSms Message(string text = "【湖里政务】您好") =>
        new("k", "huli", "+8613912345678", text, SmsKinds.BookingConfirmation, "zh", SystemClock.Instance.GetCurrentInstant(), SystemClock.Instance.GetCurrentInstant());

    [Fact]
    public async Task A_201_is_accepted_with_the_messaging_service_the_text_and_the_status_callback()
    {
        var result = await Gateway(_stub.BaseAddress, "MG0123456789abcdef0123456789abcdef").SendAsync(Message(), CallbackRef, CancellationToken.None);

        Assert.Equal(ProviderOutcome.Accepted, result.Outcome);
        var taken = Assert.Single(_stub.Taken);
        Assert.Equal(taken.Sid, result.ProviderId);
        Assert.Equal(("+8613912345678", "【湖里政务】您好", "MG0123456789abcdef0123456789abcdef", (string?)null), (taken.To, taken.Body, taken.MessagingServiceSid, taken.From));
        Assert.Equal("https://scheduler.example.cn/api/sms/status?m=out-3f.0123456789abcdef0123456789abcdef01234567", taken.StatusCallback);
    }

    [Fact]
    public async Task Without_a_messaging_service_the_number_sends()
    {
        await Gateway(_stub.BaseAddress).SendAsync(Message(), CallbackRef, CancellationToken.None);
        Assert.Equal("+8613800000000", Assert.Single(_stub.Taken).From);
    }

    [Theory]
    [InlineData(StubAnswer.ServerError, ProviderOutcome.Retryable, "500")]
    [InlineData(StubAnswer.TooManyRequests, ProviderOutcome.Retryable, "429")]
    [InlineData(StubAnswer.BadRequest, ProviderOutcome.Rejected, "21211")]
    [InlineData(StubAnswer.Unsubscribed, ProviderOutcome.OptedOut, "21610")]
    public async Task Each_refusal_says_whether_a_retry_is_safe(StubAnswer answer, ProviderOutcome outcome, string code)
    {
        _stub.Script.Enqueue(answer);
        var result = await Gateway(_stub.BaseAddress).SendAsync(Message(), CallbackRef, CancellationToken.None);
        Assert.Equal(outcome, result.Outcome);
        Assert.Contains(code, result.Error);
        Assert.Empty(_stub.Taken);
    }

    [Fact]
    public async Task A_timeout_after_acceptance_is_ambiguous_and_the_look_up_finds_the_message()
    {
        _stub.Script.Enqueue(StubAnswer.TimeoutAfterAccept);
        var gateway = Gateway(_stub.BaseAddress);
        var message = Message("【湖里政务】超时测试");
        var result = await gateway.SendAsync(message, CallbackRef, CancellationToken.None);

        Assert.Equal(ProviderOutcome.Ambiguous, result.Outcome);
        var found = await gateway.FindAsync(message, message.At - Duration.FromMinutes(1), CancellationToken.None);
        Assert.True(found.Succeeded);
        Assert.Equal(Assert.Single(_stub.Taken).Sid, found.ProviderId);
    }

    [Fact]
    public async Task A_failed_look_up_says_so()
    {
        _stub.FailLookups = true;
        var found = await Gateway(_stub.BaseAddress).FindAsync(Message(), Instant.MinValue, CancellationToken.None);
        Assert.False(found.Succeeded);
    }

    [Fact]
    public async Task No_connection_before_sending_is_safe_to_retry()
    {
        var result = await Gateway(new Uri("http://127.0.0.1:1")).SendAsync(Message(), CallbackRef, CancellationToken.None);
        Assert.Equal(ProviderOutcome.Retryable, result.Outcome);
    }
}
