using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using NodaTime;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Privacy;
using Scheduler.Functions.Storage;

namespace Scheduler.Functions.HomeVisits;

/// <summary>
/// Every SMS first claims its idempotency key in table <c>sms</c> with an add: a second send of the same message
/// (a retried function, a repeated click) finds the claim and does nothing. With the local provider the row is the
/// delivery (the SMS outbox a developer reads); the number is logged only masked.
/// </summary>
public sealed class OutboxSmsSender(StorageClients storage, IClock clock, ILogger<OutboxSmsSender> logger) : ISmsSender
{
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.SmsTable);

    public async Task SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(message.IdempotencyKey)))[..40];
        try
        {
            await _table.AddEntityAsync(new TableEntity("outbox", key)
            {
                ["To"] = message.To,
                ["Text"] = message.Text,
                ["At"] = clock.GetCurrentInstant().ToString(),
                ["Status"] = "sent-locally",
            }, cancellationToken);
            logger.LogInformation("SMS to {To}: {Length} characters", Redact.Phone(message.To), message.Text.Length);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            logger.LogInformation("SMS {Key} was sent before; not sending it again", key[..8]);
        }
    }
}
