using System.Collections.Concurrent;
using Azure;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Appointments;

/// <summary>
/// What this instance last knew of each slot counter (from its own transactions and reads): the seats and the ETag,
/// or that the counter did not exist. A change may try its transaction on what is known instead of reading the
/// counters first (ADR 0029); the transaction's conditions (replace only under that ETag, add only if absent) make a
/// wrong guess fail, never admit, and the change then reads and tries again. A slot never seen is guessed empty.
/// Guessing pays while most guesses hold; the hints keep the odds and stop guessing, but for a probe one change in
/// <see cref="ProbeEvery"/>, while fewer than half hold (many instances booking the same slots, or a burst on one
/// slot), and start again once probes hold.
/// </summary>
/// <param name="turnWait">How long a change waits for its turn (<see cref="TakeTurnAsync"/>); <see cref="TurnWait"/> unless given.</param>
public sealed class CounterHints(TimeSpan? turnWait = null)
{
    /// <summary>How many rows are remembered before the memory is cleared (a row is under 100 bytes).</summary>
    public const int Capacity = 100_000;

    public const int ProbeEvery = 16;
    private const double Weight = 0.1;

    private readonly ConcurrentDictionary<string, (SlotUsage Usage, ETag ETag)> _known = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private double _odds = 1;
    private long _changes;

    /// <summary>The share of recent guesses that held (a moving average; 1 at start).</summary>
    public double Odds
    {
        get
        {
            lock (_gate) return _odds;
        }
    }

    /// <summary>Whether this change should try its transaction on the hints.</summary>
    public bool ShouldGuess()
    {
        var n = Interlocked.Increment(ref _changes);
        lock (_gate) return _odds >= 0.5 || n % ProbeEvery == 0;
    }

    /// <summary>How the guess turned out: the transaction went through on it, or one of its conditions failed.</summary>
    public void Record(bool held)
    {
        lock (_gate) _odds = (1 - Weight) * _odds + Weight * (held ? 1 : 0);
    }

    /// <summary>The counter as last known; false when this instance never saw it.</summary>
    public bool TryGet(string partition, string rowKey, out SlotUsage usage, out ETag etag)
    {
        if (_known.TryGetValue(Key(partition, rowKey), out var known))
        {
            (usage, etag) = known;
            return true;
        }
        (usage, etag) = (SlotUsage.Empty, default);
        return false;
    }

    /// <summary>What a read or a transaction showed of a counter; <paramref name="etag"/> null: it is absent.</summary>
    public void Learn(string partition, string rowKey, SlotUsage usage, ETag? etag)
    {
        if (_known.Count >= Capacity) _known.Clear();
        if (etag is { } tag) _known[Key(partition, rowKey)] = (usage, tag);
        else _known.TryRemove(Key(partition, rowKey), out _);
    }

    public void Forget(string partition, string rowKey) => _known.TryRemove(Key(partition, rowKey), out _);

    /// <summary>How long a change waits for another change of its counters in this instance before going on without its turn.</summary>
    public static readonly TimeSpan TurnWait = TimeSpan.FromMilliseconds(250);

    private readonly TimeSpan _turnWait = turnWait ?? TurnWait;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits until no other change in this instance is trying a guess on these counters, so this one guesses on what
    /// that one wrote instead of failing on the same ETag (two bookings of neighbouring slots, one of them an item of
    /// two slots). Turns are taken in key order; after the turn's wait (<see cref="TurnWait"/>) the change goes on
    /// without the rest of its turn (its transaction's conditions still decide). Dispose the result to hand it on.
    /// </summary>
    public async Task<IDisposable> TakeTurnAsync(string partition, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        if (_turns.Count >= Capacity) _turns.Clear();
        var held = new List<SemaphoreSlim>();
        try
        {
            foreach (var key in rowKeys.Select(r => Key(partition, r)).Distinct().Order(StringComparer.Ordinal))
            {
                var turn = _turns.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
                if (!await turn.WaitAsync(_turnWait, cancellationToken)) break;
                held.Add(turn);
            }
        }
        catch (OperationCanceledException)
        {
            // Cancelled while waiting: hand on the turns already taken, or those counters would wait out every change.
            foreach (var turn in held) turn.Release();
            throw;
        }
        return new Turn(held);
    }

    private sealed class Turn(List<SemaphoreSlim> held) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            foreach (var turn in held) turn.Release();
        }
    }

    private static string Key(string partition, string rowKey) => partition + "\u001f" + rowKey;
}
