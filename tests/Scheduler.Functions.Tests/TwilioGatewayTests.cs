using System.Net;
using Microsoft.Extensions.Options;
using Scheduler.Core.HomeVisits.Requests;
using Twilio.Clients;
using Twilio.Http;
using Xunit;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.HomeVisits;
using Scheduler.Functions.Identity;
using Scheduler.Functions.Notifications;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The Twilio gateway through the real Twilio SDK: the SDK builds the API request and parses the answer; only the
/// HTTP exchange is answered here, as Twilio answers it.
/// </summary>
public sealed class TwilioGatewayTests
{
    /// <summary>Answers the SDK's HTTP requests as Twilio would; the SDK's own client turns errors into exceptions.</summary>
    private sealed class TwilioAnswers(HttpStatusCode status, string body) : Twilio.Http.HttpClient
    {
        public List<Request> Requests { get; } = [];
        public override Response MakeRequest(Request request) { Requests.Add(request); return new Response(status, body); }
        public override Task<Response> MakeRequestAsync(Request request) { Requests.Add(request); return Task.FromResult(new Response(status, body)); }
    }

    private static ITwilioRestClient Client(TwilioAnswers answers) =>
        new TwilioRestClient(FakeSid, "token", httpClient: answers);

    /// <summary>A made-up SID of the right shape.</summary>
    private static readonly string FakeSid = "AC" + new string('0', 32);

    private static IOptions<TwilioOptions> Options(string? service = null) => Microsoft.Extensions.Options.Options.Create(new TwilioOptions
    {
        AccountSid = FakeSid, AuthToken = "token", FromNumber = "+8613800000000", MessagingServiceSid = service ?? "",
    });

    [Fact]
    public async Task A_message_is_created_from_the_messaging_service_and_its_sid_recorded()
    {
        var twilio = new TwilioAnswers(HttpStatusCode.Created, """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","to":"+8613912345678"}""");
        var gateway = new TwilioSmsGateway(Client(twilio), Options("MG0123456789abcdef0123456789abcdef"));

        var delivery = await gateway.DeliverAsync(new SmsMessage("k1", "+8613912345678", "【政务服务中心】您好"), CancellationToken.None);

        Assert.True(delivery.Sent);
        Assert.Equal("SM0123456789abcdef0123456789abcdef", delivery.ProviderId);
        var request = Assert.Single(twilio.Requests);
        Assert.EndsWith("/Messages.json", request.ConstructUrl().AbsolutePath);
        var form = request.PostParams.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("+8613912345678", form["To"]);
        Assert.Equal("MG0123456789abcdef0123456789abcdef", form["MessagingServiceSid"]);
        Assert.False(form.ContainsKey("From"));
        Assert.Equal("【政务服务中心】您好", form["Body"]);
    }

    [Fact]
    public async Task An_opted_out_recipient_is_recorded_not_retried()
    {
        var twilio = new TwilioAnswers(HttpStatusCode.BadRequest, """{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}""");
        var delivery = await new TwilioSmsGateway(Client(twilio), Options()).DeliverAsync(new SmsMessage("k2", "+8613912345678", "x"), CancellationToken.None);

        Assert.False(delivery.Sent);
        Assert.Equal("opted-out", delivery.Status);
        Assert.Equal("+8613800000000", twilio.Requests.Single().PostParams.Single(p => p.Key == "From").Value);
    }
}
