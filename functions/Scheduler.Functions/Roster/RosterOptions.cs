using System.ComponentModel.DataAnnotations;

namespace Scheduler.Functions.Roster;

/// <summary>Settings under <c>Roster</c>: how long the roster solver searches and the seeds of the forecast's history and the waiting simulation.</summary>
public sealed class RosterOptions
{
    public const string Section = "Roster";

    /// <summary>Seconds CP-SAT may search one day's roster (the request waits for it).</summary>
    [Range(1, 120)]
    public double TimeLimitSeconds { get; set; } = 10;

    /// <summary>The search stops once proven this close to optimal (0.01 = 1%).</summary>
    [Range(0, 1)]
    public double RelativeGap { get; set; } = 0.01;

    /// <summary>CP-SAT workers.</summary>
    [Range(1, 16)]
    public int Workers { get; set; } = 2;

    /// <summary>Seed of the generated hall history the walk-in forecast learns from.</summary>
    public int HistorySeed { get; set; } = 1;

    /// <summary>Residents (extended-hours requests plus forecast walk-ins) a lunch, evening or weekend period must expect before it is proposed as an extended session.</summary>
    [Range(1, 10000)]
    public int SessionThreshold { get; set; } = 10;

    /// <summary>Days of recorded check-ins (up to the day before the roster's) the walk-in forecast reads.</summary>
    [Range(1, 366)]
    public int RecordedHistoryDays { get; set; } = 56;

    /// <summary>Days with check-ins the record must hold before the forecast learns from it rather than from the generated history.</summary>
    [Range(1, 366)]
    public int RecordedHistoryMinDays { get; set; } = 10;

    /// <summary>Seed of the residents drawn for the waiting curve (one seed, one curve).</summary>
    public int SimulationSeed { get; set; } = 1;
}
