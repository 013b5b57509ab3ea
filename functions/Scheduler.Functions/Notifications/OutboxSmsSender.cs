using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using NodaTime;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Privacy;

namespace Scheduler.Functions.Notifications;

/// <summary>What a gateway did with one SMS: its provider id and status, or why it was not sent.</summary>
public sealed record SmsDelivery(bool Sent, string? ProviderId, string Status, string? Error);

/// <summary>Where an SMS actually goes: Twilio in Azure, nowhere but the outbox locally.</summary>
public interface ISmsGateway
{
    Task<SmsDelivery> DeliverAsync(SmsMessage message, CancellationToken cancellationToken);
}

/// <summary>The local gateway: the outbox row is the delivery.</summary>
public sealed class ConsoleSmsGateway : ISmsGateway
{
    public Task<SmsDelivery> DeliverAsync(SmsMessage message, CancellationToken cancellationToken) =>
        Task.FromResult(new SmsDelivery(true, null, "sent-locally", null));
}

/// <summary>
/// Every SMS first claims its idempotency key in table <c>sms</c> with an add: a second send of the same message
/// (a retried function, a repeated click) finds the claim and does nothing. Then the gateway delivers it and the row
/// records the outcome (provider id, status, error). A delivery that fails is recorded, not retried: an SMS sent
/// twice to an elderly resident is worse than one an operator re-sends by hand. The number is logged only masked.
/// </summary>
public sealed class OutboxSmsSender(StorageClients storage, ISmsGateway gateway, IClock clock, ILogger<OutboxSmsSender> logger) : ISmsSender
{
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.SmsTable);

    public async Task SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(message.IdempotencyKey)))[..40];
        var row = new TableEntity("outbox", key)
        {
            ["To"] = message.To,
            ["Text"] = message.Text,
            ["At"] = clock.GetCurrentInstant().ToString(),
            ["Status"] = "claimed",
        };
        try
        {
            await _table.AddEntityAsync(row, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            logger.LogInformation("SMS {Key} was sent before; not sending it again", key[..8]);
            return;
        }
        var delivery = await gateway.DeliverAsync(message, cancellationToken);
        row["Status"] = delivery.Status;
        row["ProviderId"] = delivery.ProviderId;
        row["Error"] = delivery.Error;
        await _table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken);
        if (delivery.Sent) logger.LogInformation("SMS to {To}: {Status}", Redact.Phone(message.To), delivery.Status);
        else logger.LogWarning("SMS to {To} not sent: {Status} {Error}", Redact.Phone(message.To), delivery.Status, delivery.Error);
    }
}
