namespace Scheduler.Core.Roster;

/// <summary>
/// The M/M/c queue (Erlang C): residents arrive at random at rate lambda, each window serves one at a time with
/// an exponential service time of mean S. All rates in minutes. A slot is treated as stationary on its own.
/// </summary>
public static class ErlangC
{
    /// <summary>The probability that an arriving resident has to wait at all, with <paramref name="windows"/> open and
    /// offered load <paramref name="load"/> (arrival rate x mean service time, in erlangs). 1 when the queue is unstable.</summary>
    public static double ProbabilityOfWaiting(int windows, double load)
    {
        if (load <= 0) return 0;
        if (windows <= load) return 1;
        // Erlang B by recursion, then C from B: stable for any size.
        var b = 1.0;
        for (var k = 1; k <= windows; k++) b = load * b / (k + load * b);
        return windows * b / (windows - load * (1 - b));
    }

    /// <summary>P(wait &gt; <paramref name="minutes"/>).</summary>
    public static double ProbabilityOfWaitingLongerThan(int windows, double arrivalsPerMinute, double meanServiceMinutes, double minutes)
    {
        var load = arrivalsPerMinute * meanServiceMinutes;
        var c = ProbabilityOfWaiting(windows, load);
        if (c >= 1 && windows <= load) return 1;
        return c * Math.Exp(-(windows - load) * minutes / meanServiceMinutes);
    }

    /// <summary>The mean wait in minutes; +infinity when the queue is unstable.</summary>
    public static double MeanWaitMinutes(int windows, double arrivalsPerMinute, double meanServiceMinutes)
    {
        var load = arrivalsPerMinute * meanServiceMinutes;
        if (load <= 0) return 0;
        if (windows <= load) return double.PositiveInfinity;
        return ProbabilityOfWaiting(windows, load) * meanServiceMinutes / (windows - load);
    }

    /// <summary>
    /// The fewest windows that meet <paramref name="level"/> for the given arrivals: at least
    /// <see cref="ServiceLevel.Share"/> start within <see cref="ServiceLevel.TargetWaitMinutes"/>, and at most
    /// <see cref="ServiceLevel.OverMaxShare"/> wait over <see cref="ServiceLevel.MaxWaitMinutes"/>. 0 without arrivals.
    /// </summary>
    public static int WindowsNeeded(double arrivalsPerMinute, double meanServiceMinutes, ServiceLevel level, int limit = 1000)
    {
        if (arrivalsPerMinute <= 0) return 0;
        var c = Math.Max(1, (int)Math.Floor(arrivalsPerMinute * meanServiceMinutes) + 1);
        for (; c < limit; c++)
        {
            var withinTarget = 1 - ProbabilityOfWaitingLongerThan(c, arrivalsPerMinute, meanServiceMinutes, level.TargetWaitMinutes);
            var overMax = ProbabilityOfWaitingLongerThan(c, arrivalsPerMinute, meanServiceMinutes, level.MaxWaitMinutes);
            if (withinTarget >= level.Share && overMax <= level.OverMaxShare) return c;
        }
        return limit;
    }
}

/// <summary>
/// The service level a centre sets: <see cref="Share"/> of residents start service within
/// <see cref="TargetWaitMinutes"/>, and nobody waits over <see cref="MaxWaitMinutes"/> (taken as: at most
/// <see cref="OverMaxShare"/> of them, since a random queue has no hard maximum).
/// </summary>
public sealed record ServiceLevel(double Share, double TargetWaitMinutes, double MaxWaitMinutes, double OverMaxShare = 0.01)
{
    public static ServiceLevel Default { get; } = new(0.8, 10, 30);

    /// <summary>What is wrong with the level, or null.</summary>
    public string? Problem()
    {
        if (double.IsNaN(Share) || Share <= 0 || Share > 1) return "The share must be above 0% and at most 100%.";
        if (double.IsNaN(OverMaxShare) || OverMaxShare < 0 || OverMaxShare >= 1) return "The share allowed over the maximum wait must be at least 0% and below 100%.";
        if (double.IsNaN(TargetWaitMinutes) || TargetWaitMinutes < 0) return "The target wait cannot be negative.";
        if (double.IsNaN(MaxWaitMinutes) || MaxWaitMinutes < TargetWaitMinutes) return "The maximum wait cannot be below the target wait.";
        return null;
    }
}
