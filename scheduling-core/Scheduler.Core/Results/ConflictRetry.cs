namespace Scheduler.Core.Results;

/// <summary>What one optimistic attempt ended in: done with a result, or lost a race and should read again.</summary>
public readonly record struct Attempt<T>(bool Retry, T? Result)
{
    public static Attempt<T> Again => new(true, default);
    public static Attempt<T> Done(T result) => new(false, result);
}

/// <summary>
/// The one read-decide-write loop for optimistic concurrency: each attempt reads fresh state and writes guarded by
/// its ETag; a lost race is tried again, a bounded number of times, then <c>whenExhausted</c> answers.
/// </summary>
public static class ConflictRetry
{
    public const int DefaultAttempts = 5;

    public static async Task<T> RunAsync<T>(Func<int, Task<Attempt<T>>> attempt, Func<T> whenExhausted, int attempts = DefaultAttempts)
    {
        for (var i = 0; i < attempts; i++)
        {
            var outcome = await attempt(i);
            if (!outcome.Retry) return outcome.Result!;
        }
        return whenExhausted();
    }
}
