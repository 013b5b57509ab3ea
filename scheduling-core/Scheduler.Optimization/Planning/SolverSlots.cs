using Scheduler.Optimization.Routing;

namespace Scheduler.Optimization.Planning;

/// <summary>
/// How many plans this process solves at once, so that each solve gets the cores its time limit assumes. A plan's
/// searches run side by side, one per core (<see cref="RoutePlannerOptions.Searches"/>); the queue trigger hands an
/// instance up to its batch size of plan messages together, and without this gate they would share the cores and each
/// would get a fraction of its limit in CPU. A solve waits here for a slot, and its time limit starts when it has one.
/// </summary>
public sealed class SolverSlots
{
    private readonly SemaphoreSlim slots;

    public SolverSlots(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        slots = new SemaphoreSlim(count, count);
    }

    /// <summary>One slot per <paramref name="coresPerSolve"/> cores of this machine, at least one.</summary>
    public static SolverSlots ForMachine(int coresPerSolve) => new(Math.Max(1, Environment.ProcessorCount / Math.Max(1, coresPerSolve)));

    /// <summary>Plans solved at once.</summary>
    public int Count { get; }

    /// <summary>Solves now waiting for a slot.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    private int waiting;

    /// <summary>Runs <paramref name="solve"/> once a slot is free (cancellable while waiting).</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> solve, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref waiting);
        try
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
        try
        {
            return await solve().ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }
}
