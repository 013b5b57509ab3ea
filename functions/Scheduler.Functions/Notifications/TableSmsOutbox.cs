using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using NodaTime;
using Scheduler.Core.Notifications;
using Scheduler.Core.Privacy;

namespace Scheduler.Functions.Notifications;

/// <summary>A message of the outbox as stored: the message and where its sending stands.</summary>
public sealed record SmsRow(OutboundSms Message, string Status, int Attempts, Instant? AttemptAt, string? ProviderId, string? ProviderStatus, string? Error);

/// <summary>The sender's queue message: which outbox row to work on.</summary>
public sealed record SmsSendMessage(string Type, int Version, string To, string Key)
{
    public const string TypeName = "sms.send";
    public const int CurrentVersion = 1;
}

/// <summary>
/// Table <c>sms</c>, spread over 256 partitions by a keyed hash of the recipient (<c>out-xx</c>), so no one
/// partition carries a city's messages and one number's messages stay together (the local inbox reads one
/// partition). The row key is a hash of the idempotency key: taking a key is an add, and a 409 means it was taken
/// before. Beside the messages: the provider's id of each sent message (<c>sid-xx</c>, for status callbacks), each
/// number's conversation and opt-out (<c>contact-xx</c>, keyed by pseudonym) and the ids of inbound messages
/// handled (<c>in-xx</c>). A taken message is put on queue <c>sms-send</c>; a retry of the same key finds it
/// pending and puts it on the queue again (the sender's in-flight mark keeps that from sending twice).
/// Each message also gets an inbox row in its partition, <c>inbox|{pseudonym}|{newest first}|{row}</c>, added in the
/// same entity-group transaction (one request, one more entity), so the messages to a number (the local inbox) are
/// one range read of its newest rows and a point read of each, not a filter over the partition's 1/256 of all messages.
/// </summary>
public sealed partial class TableSmsOutbox(StorageClients storage, Func<Pseudonyms> pseudonymsOf) : ISmsOutbox, ISmsStore, ISmsSendQueue, ISmsContacts
{
    public TableSmsOutbox(StorageClients storage, Pseudonyms pseudonyms) : this(storage, () => pseudonyms)
    {
    }

    /// <summary>Read when first needed: the key behind it may be an unresolved Key Vault reference at start (health reports it).</summary>
    private Pseudonyms pseudonyms => pseudonymsOf();

    public static readonly RowSchema<SmsRow> SmsSchema = new("sms", 1);
    public static readonly RowSchema<Conversation> ConversationSchema = new("sms conversation", 1);

    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.SmsTable);
    private readonly QueueClient _queue = storage.Queues.GetQueueClient(StorageNames.SmsSendQueue);

    public string Partition(string to) => "out-" + pseudonyms.Mobile(to)[..2];

    public static string Row(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..40].ToLowerInvariant();

    private static string Bucket(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..2].ToLowerInvariant();

    public async Task<OutboxResult> EnqueueAsync(OutboundSms message, bool optedOut, CancellationToken cancellationToken)
    {
        var r = new SmsRef(message.To, message.Key);
        var row = Entity(r, new SmsRow(message, optedOut ? SmsStatuses.OptedOut : SmsStatuses.Pending, 0, null, null, null,
            optedOut ? "the recipient opted out: not sent" : null));
        try
        {
            await _table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, row),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(row.PartitionKey, InboxRow(message.To, message.At, row.RowKey))),
            ], cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Taken before. If it is still pending, the earlier handler may have died before queueing it: queue it again.
            var existing = await GetAsync(r, cancellationToken);
            if (existing is { Status: SmsStatuses.Pending }) await EnqueueAsync(r, Duration.Zero, cancellationToken);
            return OutboxResult.AlreadyTaken;
        }
        if (optedOut) return OutboxResult.OptedOut;
        await EnqueueAsync(r, Duration.Zero, cancellationToken);
        return OutboxResult.Queued;
    }

    public async Task EnqueueAsync(SmsRef message, Duration delay, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new SmsSendMessage(SmsSendMessage.TypeName, SmsSendMessage.CurrentVersion, message.To, message.Key), Json.Options);
        // The queue holds a message back at most seven days; the quiet hours and back-off are far shorter.
        var wait = delay <= Duration.Zero ? (TimeSpan?)null : TimeSpan.FromSeconds(Math.Min(Math.Ceiling(delay.TotalSeconds), 6 * 24 * 3600));
        await _queue.SendMessageAsync(body, visibilityTimeout: wait, cancellationToken: cancellationToken);
    }

    public async Task<StoredSms?> GetAsync(SmsRef message, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(message.To), Row(message.Key), cancellationToken: cancellationToken);
        return found.HasValue ? Read(found.Value!) : null;
    }

    public async Task<string?> ReplaceAsync(SmsRef message, StoredSms next, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.UpdateEntityAsync(Entity(message, new SmsRow(next.Message, next.Status, next.Attempts, next.AttemptAt, next.ProviderId,
                next.ProviderStatus, next.Error)), new ETag(next.ETag), TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag?.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    public async Task<(SmsRef Ref, StoredSms Sms)?> FindByProviderIdAsync(string providerId, CancellationToken cancellationToken)
    {
        var index = await _table.GetEntityIfExistsAsync<TableEntity>("sid-" + Bucket(providerId), providerId, cancellationToken: cancellationToken);
        if (!index.HasValue) return null;
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(index.Value!.GetString("P"), index.Value.GetString("R"), cancellationToken: cancellationToken);
        if (!found.HasValue) return null;
        var sms = Read(found.Value!);
        return (new SmsRef(sms.Message.To, sms.Message.Key), sms);
    }

    /// <summary>The message's partition and row: <c>out-3f.9a0c...</c> (a hash of the number's pseudonym and of the key; no number).</summary>
    public string CallbackRef(SmsRef message) => $"{Partition(message.To)}.{Row(message.Key)}";

    public async Task<(SmsRef Ref, StoredSms Sms)?> FindByCallbackRefAsync(string callbackRef, CancellationToken cancellationToken)
    {
        if (!CallbackRefPattern().IsMatch(callbackRef)) return null;
        var dot = callbackRef.IndexOf('.');
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(callbackRef[..dot], callbackRef[(dot + 1)..], cancellationToken: cancellationToken);
        if (!found.HasValue) return null;
        var sms = Read(found.Value!);
        return (new SmsRef(sms.Message.To, sms.Message.Key), sms);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^out-[0-9a-f]{2}\\.[0-9a-f]{40}$")]
    private static partial System.Text.RegularExpressions.Regex CallbackRefPattern();

    private string InboxPrefix(string to) => $"inbox|{pseudonyms.Mobile(to)}|";

    /// <summary>An inbox row: newest first by the time inverted, then the message's row.</summary>
    private string InboxRow(string to, Instant at, string row) => $"{InboxPrefix(to)}{long.MaxValue - at.ToUnixTimeTicks():D19}|{row}";

    /// <summary>
    /// The newest <paramref name="max"/> messages to one number (the local inbox): one range read of the number's inbox
    /// rows, newest first, and a point read of each message, however many the number or its partition ever got.
    /// </summary>
    public async Task<IReadOnlyList<StoredSms>> ListToAsync(string to, int max, CancellationToken cancellationToken)
    {
        var pk = Partition(to);
        var prefix = InboxPrefix(to);
        var rows = new List<string>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Range(pk, prefix, prefix + "~"),
                           maxPerPage: max, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            rows.Add(e.RowKey[(e.RowKey.LastIndexOf('|') + 1)..]);
            if (rows.Count == max) break;
        }
        var found = await Task.WhenAll(rows.Select(r => _table.GetEntityIfExistsAsync<TableEntity>(pk, r, cancellationToken: cancellationToken)));
        return found.Where(f => f.HasValue).Select(f => Read(f.Value!)).ToList();
    }

    /// <summary>Every message of every number, for the benchmark and tests (a scan: not for production paths).</summary>
    public async Task<IReadOnlyList<StoredSms>> ListAllAsync(CancellationToken cancellationToken)
    {
        var list = new List<StoredSms>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Partitions("out-", "out-~"), cancellationToken: cancellationToken))
            if (!e.RowKey.StartsWith("inbox|", StringComparison.Ordinal)) list.Add(Read(e));
        return list;
    }

    public async Task<Conversation?> GetConversationAsync(string e164, CancellationToken cancellationToken)
    {
        var found = await ContactAsync(e164, cancellationToken);
        return found?.GetString(JsonRow.JsonColumn) is { Length: > 0 } ? JsonRow.Read(found, ConversationSchema) : null;
    }

    public async Task SaveConversationAsync(string e164, Conversation conversation, CancellationToken cancellationToken)
    {
        var entity = JsonRow.Write(new TableEntity(ContactPartition(e164), pseudonyms.Mobile(e164)), ConversationSchema, conversation);
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>One read of the contact row, then a write guarded by its ETag (or an add): a race with another event's message is retried.</summary>
    public async Task<bool> KeepConversationAsync(string e164, Conversation conversation, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var found = await ContactAsync(e164, cancellationToken);
            if (found?.GetBoolean("OptedOut") == true) return true;
            var current = found?.GetString(JsonRow.JsonColumn) is { Length: > 0 } ? JsonRow.Read(found, ConversationSchema) : null;
            if (current?.At > conversation.At) return false;
            var entity = JsonRow.Write(new TableEntity(ContactPartition(e164), pseudonyms.Mobile(e164)), ConversationSchema, conversation);
            try
            {
                if (found is null) await _table.AddEntityAsync(entity, cancellationToken);
                else await _table.UpdateEntityAsync(entity, found.ETag, TableUpdateMode.Merge, cancellationToken);
                return false;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 5)
            {
                // Another message to this number changed the row meanwhile: read it again.
            }
        }
    }

    public async Task<bool> IsOptedOutAsync(string e164, CancellationToken cancellationToken) =>
        (await ContactAsync(e164, cancellationToken))?.GetBoolean("OptedOut") == true;

    public async Task SetOptedOutAsync(string e164, bool optedOut, Instant at, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(new TableEntity(ContactPartition(e164), pseudonyms.Mobile(e164)) { ["OptedOut"] = optedOut, ["OptedOutChangedAt"] = at.ToString() },
            TableUpdateMode.Merge, cancellationToken);

    public async Task<bool> ClaimInboundAsync(string messageSid, Instant at, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity("in-" + Bucket(messageSid), messageSid) { ["At"] = at.ToString() }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    private string ContactPartition(string e164) => "contact-" + pseudonyms.Mobile(e164)[..2];

    private async Task<TableEntity?> ContactAsync(string e164, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(ContactPartition(e164), pseudonyms.Mobile(e164), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    private TableEntity Entity(SmsRef r, SmsRow row) => JsonRow.Write(new TableEntity(Partition(r.To), Row(r.Key))
    {
        ["To"] = row.Message.To,
        ["Kind"] = row.Message.Kind,
        ["Text"] = row.Message.Text,
        ["At"] = row.Message.At.ToString(),
        ["Status"] = row.Status,
        ["ProviderId"] = row.ProviderId,
    }, SmsSchema, row);

    private static StoredSms Read(TableEntity e)
    {
        var row = JsonRow.Read(e, SmsSchema);
        return new StoredSms(row.Message, row.Status, row.Attempts, row.AttemptAt, row.ProviderId, row.ProviderStatus, row.Error, e.ETag.ToString());
    }
}
