using Microsoft.Extensions.Caching.Memory;
using NodaTime;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Values an instance reuses for a short, fixed time after reading them, with one read per key at a time: callers
/// that miss while a read of their key is under way wait for that read instead of making their own (no stampede when
/// an entry expires under load). A value put in by the instance's own writer (<see cref="Put"/>) replaces what is held
/// and what is being read: a read that started before the write does not put its older value back. Time is the
/// injected <see cref="IClock"/>'s (the expiry runs on <see cref="MemoryCache"/> with that clock), never the system's.
/// A failed read is not kept: the next caller reads again. A lifetime of zero keeps nothing (every call reads).
/// Used by the availability summaries (ADR 0017, addendum).
/// </summary>
public sealed class ShortLivedCache<TKey, TValue> : IDisposable where TKey : notnull
{
    private readonly MemoryCache _entries;
    private readonly TimeSpan _lifetime;
    private readonly Lock _gate = new();

    public ShortLivedCache(IClock clock, Duration lifetime)
    {
        if (lifetime < Duration.Zero) throw new ArgumentOutOfRangeException(nameof(lifetime), "A lifetime cannot be negative.");
        _lifetime = lifetime.ToTimeSpan();
        _entries = new MemoryCache(new MemoryCacheOptions { Clock = new ClockAdapter(clock) });
    }

    private long _asked;
    private long _reads;

    /// <summary>Calls of <see cref="GetAsync"/> so far, and the reads they started (the rest were answered from what was held).</summary>
    public (long Asked, long Reads) Counts => (Interlocked.Read(ref _asked), Interlocked.Read(ref _reads));

    /// <summary>How long a value is reused after its read started (or after it was put).</summary>
    public Duration Lifetime => Duration.FromTimeSpan(_lifetime);

    /// <summary>
    /// The value held for <paramref name="key"/> if its time has not run out, else the one <paramref name="read"/>
    /// gives (started once for all the callers that miss meanwhile; its lifetime counts from its start, so a value is
    /// never reused longer than the lifetime after storage was asked). <paramref name="cancellationToken"/> stops this
    /// caller's wait, not the read others wait for (the shared read is given none).
    /// </summary>
    public Task<TValue> GetAsync(TKey key, Func<CancellationToken, Task<TValue>> read, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _asked);
        if (_lifetime <= TimeSpan.Zero)
        {
            Interlocked.Increment(ref _reads);
            return read(cancellationToken);
        }
        Task<TValue> reading;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out Task<TValue>? held) && held is not null && !held.IsFaulted && !held.IsCanceled)
                return held.WaitAsync(cancellationToken);
            Interlocked.Increment(ref _reads);
            // Started on the thread pool, so nothing of the read runs under the lock.
            reading = Task.Run(() => read(CancellationToken.None), CancellationToken.None);
            _entries.Set(key, reading, _lifetime);
        }
        return reading.WaitAsync(cancellationToken);
    }

    /// <summary>Holds <paramref name="value"/> for <paramref name="key"/> from now on, over whatever was held or is being read.</summary>
    public void Put(TKey key, TValue value)
    {
        if (_lifetime <= TimeSpan.Zero) return;
        lock (_gate) _entries.Set(key, Task.FromResult(value), _lifetime);
    }

    /// <summary>Forgets <paramref name="key"/>: the next caller reads.</summary>
    public void Remove(TKey key)
    {
        lock (_gate) _entries.Remove(key);
    }

    public void Dispose() => _entries.Dispose();

    /// <summary>The injected clock as the cache's clock.</summary>
    private sealed class ClockAdapter(IClock clock) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => clock.GetCurrentInstant().ToDateTimeOffset();
    }
}
