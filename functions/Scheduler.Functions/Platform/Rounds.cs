using System.Collections.Concurrent;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Work coalesced into rounds, one lane per key: while a round of a lane runs, the items that arrive wait for the
/// next round, which starts as soon as the running one has ended and takes them all at once. A lone item goes at once;
/// under load each round takes what arrived during the last. Each caller returns when the round holding its item has
/// ended (with that round's exception, if it failed), so the round always starts after the caller's call.
/// Used where many callers in an instance would each make the same storage call: the availability summary's refresh
/// (ADR 0028) and the appointment events' queue sends (ADR 0029).
/// </summary>
public sealed class Rounds<TKey, TItem>(Func<TKey, IReadOnlyList<TItem>, Task> work) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lane> _lanes = new();

    public Task RunAsync(TKey key, IEnumerable<TItem> items, CancellationToken cancellationToken)
    {
        var lane = _lanes.GetOrAdd(key, _ => new Lane());
        Round round;
        var start = false;
        lock (lane)
        {
            round = lane.Waiting ??= new Round();
            round.Items.AddRange(items);
            if (!lane.Running) lane.Running = start = true;
        }
        if (start) _ = Task.Run(() => RunLaneAsync(key, lane), CancellationToken.None);
        return round.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunLaneAsync(TKey key, Lane lane)
    {
        while (true)
        {
            Round round;
            lock (lane)
            {
                if (lane.Waiting is null)
                {
                    lane.Running = false;
                    return;
                }
                round = lane.Waiting;
                lane.Waiting = null;
            }
            try
            {
                await work(key, round.Items);
                round.Done.SetResult();
            }
            catch (Exception e)
            {
                round.Done.SetException(e);
            }
        }
    }

    private sealed class Lane
    {
        public bool Running;
        public Round? Waiting;
    }

    private sealed class Round
    {
        public readonly List<TItem> Items = [];
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
