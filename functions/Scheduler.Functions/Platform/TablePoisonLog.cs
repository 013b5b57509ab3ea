using Azure;
using Azure.Data.Tables;
using NodaTime;
using NodaTime.Text;
using Scheduler.Core.Operations;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Table <c>poison</c>: the latest failure of each queue message (partition <c>failure|{queue}</c>, row the message's
/// key) and the messages given up on (partition <c>poisoned</c>, row the inverted time and the key, newest first).
/// </summary>
public sealed class TablePoisonLog(StorageClients storage) : IPoisonLog
{
    private const string Poisoned = "poisoned";
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.PoisonTable);

    public Task NoteFailureAsync(string queue, string key, string reason, Instant at, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(new TableEntity($"failure|{queue}", key) { ["Reason"] = Clip(reason), ["At"] = InstantPattern.ExtendedIso.Format(at) },
            TableUpdateMode.Replace, cancellationToken);

    public async Task<string?> LastFailureAsync(string queue, string key, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>($"failure|{queue}", key, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.GetString("Reason") : null;
    }

    public async Task RecordAsync(PoisonedMessage message, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(Poisoned, $"{long.MaxValue - message.At.ToUnixTimeTicks():D19}-{message.Key}")
        {
            ["Queue"] = message.Queue,
            ["Key"] = message.Key,
            ["At"] = InstantPattern.ExtendedIso.Format(message.At),
            ["Reason"] = Clip(message.Reason),
            ["Summary"] = Clip(message.Summary),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<PoisonedMessage>> SinceAsync(Instant since, CancellationToken cancellationToken)
    {
        var before = $"{long.MaxValue - since.ToUnixTimeTicks():D19}";
        var result = new List<PoisonedMessage>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Before(Poisoned, before), maxPerPage: 200, cancellationToken: cancellationToken))
        {
            result.Add(new PoisonedMessage(e.GetString("Queue"), e.GetString("Key"), InstantPattern.ExtendedIso.Parse(e.GetString("At")).Value,
                e.GetString("Reason"), e.GetString("Summary")));
            if (result.Count >= 200) break;
        }
        return result;
    }

    private static string Clip(string text) => text.Length <= 1000 ? text : text[..1000] + "…";
}
