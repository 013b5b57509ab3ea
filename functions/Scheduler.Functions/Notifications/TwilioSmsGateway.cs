using Microsoft.Extensions.Options;
using Scheduler.Core.HomeVisits.Requests;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Scheduler.Functions.Notifications;

/// <summary>
/// SMS through Twilio's Messages API with the injected <see cref="ITwilioRestClient"/> (never the static client):
/// from the Messaging Service when one is configured, else from the number. A recipient who opted out (error 21610)
/// is a fact to record, not a failure to retry.
/// </summary>
public sealed class TwilioSmsGateway(ITwilioRestClient client, IOptions<TwilioOptions> options) : ISmsGateway
{
    public const int OptedOut = 21610;

    public async Task<SmsDelivery> DeliverAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var create = new CreateMessageOptions(new PhoneNumber(message.To)) { Body = message.Text };
        if (!string.IsNullOrWhiteSpace(o.MessagingServiceSid)) create.MessagingServiceSid = o.MessagingServiceSid.Trim();
        else create.From = new PhoneNumber(o.FromNumber.Trim());
        try
        {
            var sent = await MessageResource.CreateAsync(create, client);
            return new SmsDelivery(true, sent.Sid, sent.Status?.ToString() ?? "queued", null);
        }
        catch (ApiException e) when (e.Code == OptedOut)
        {
            return new SmsDelivery(false, null, "opted-out", $"{e.Code}: the recipient opted out");
        }
        catch (ApiException e)
        {
            return new SmsDelivery(false, null, "failed", $"{e.Code}: {e.Message}");
        }
        catch (TwilioException e)
        {
            return new SmsDelivery(false, null, "failed", $"{e.GetType().Name}: {e.Message}");
        }
    }
}
