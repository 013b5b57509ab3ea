using Azure;
using Azure.Data.Tables;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Group commit for one table: writes that arrive within a few milliseconds of each other for the same partition go
/// as one entity-group transaction (at most 100 rows), and each caller's task completes only once its own write is
/// stored, so a caller that goes on after <see cref="SubmitAsync"/> knows its row is there, as after a single call.
/// When the transaction fails as a whole (one row refused: a delete of a row already gone, say), each write of the
/// group is made again on its own and answers for itself, so one caller's failure is never another's.
/// </summary>
public sealed class TableBatcher(TableClient table, TimeSpan window)
{
    /// <summary>The most rows an entity-group transaction may hold.</summary>
    public const int MaxRows = 100;

    private readonly object _gate = new();
    private readonly Dictionary<string, List<Pending>> _open = [];

    /// <summary>One write, and what its caller tolerates when it is made on its own (a 404 of a delete, a 409 of an add).</summary>
    private sealed record Pending(TableTransactionAction Action, Func<RequestFailedException, bool> Tolerated, TaskCompletionSource Done);

    /// <summary>Stores <paramref name="action"/> with others of its partition; completes when it is stored (or throws why not).</summary>
    public Task SubmitAsync(TableTransactionAction action, Func<RequestFailedException, bool>? tolerated = null)
    {
        var pending = new Pending(action, tolerated ?? (_ => false), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var partition = action.Entity.PartitionKey;
        List<Pending>? full = null;
        var first = false;
        lock (_gate)
        {
            if (!_open.TryGetValue(partition, out var group))
            {
                _open[partition] = group = [];
                first = true;
            }
            group.Add(pending);
            if (group.Count >= MaxRows)
            {
                _open.Remove(partition);
                full = group;
                first = false;
            }
        }
        if (full is not null) _ = FlushAsync(full);
        else if (first) _ = FlushLaterAsync(partition);
        return pending.Done.Task;
    }

    private async Task FlushLaterAsync(string partition)
    {
        await Task.Delay(window);
        List<Pending>? group;
        lock (_gate)
        {
            if (_open.Remove(partition, out group) is false) return;
        }
        await FlushAsync(group!);
    }

    private async Task FlushAsync(List<Pending> group)
    {
        // Two writes of one row cannot share a transaction: the later ones go on their own.
        var distinct = group.DistinctBy(p => p.Action.Entity.RowKey).ToList();
        var alone = group.Except(distinct).ToList();
        try
        {
            if (distinct.Count == 1) await OneAsync(distinct[0]);
            else
            {
                await table.SubmitTransactionAsync(distinct.Select(p => p.Action));
                foreach (var p in distinct) p.Done.TrySetResult();
            }
        }
        catch (RequestFailedException)
        {
            await Task.WhenAll(distinct.Select(OneAsync));
        }
        catch (Exception e)
        {
            foreach (var p in distinct) p.Done.TrySetException(e);
        }
        foreach (var p in alone) await OneAsync(p);
    }

    private async Task OneAsync(Pending p)
    {
        try
        {
            var entity = p.Action.Entity;
            switch (p.Action.ActionType)
            {
                case TableTransactionActionType.Add:
                    await table.AddEntityAsync(entity);
                    break;
                case TableTransactionActionType.Delete:
                    await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, p.Action.ETag == default ? ETag.All : p.Action.ETag);
                    break;
                case TableTransactionActionType.UpsertReplace:
                    await table.UpsertEntityAsync(entity, TableUpdateMode.Replace);
                    break;
                case TableTransactionActionType.UpsertMerge:
                    await table.UpsertEntityAsync(entity, TableUpdateMode.Merge);
                    break;
                default:
                    throw new NotSupportedException($"{p.Action.ActionType} is not batched.");
            }
            p.Done.TrySetResult();
        }
        catch (RequestFailedException e) when (p.Tolerated(e))
        {
            p.Done.TrySetResult();
        }
        catch (Exception e)
        {
            p.Done.TrySetException(e);
        }
    }
}
