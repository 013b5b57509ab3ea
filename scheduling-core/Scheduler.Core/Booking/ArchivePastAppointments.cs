using NodaTime;
using Scheduler.Core.Results;

namespace Scheduler.Core.Booking;

/// <summary>
/// How long appointments stay in the hot partition after their day (<see cref="RetentionDays"/>), and how many days of
/// a centre one run moves at most (<see cref="DaysPerRun"/>), so a backlog drains over several nights instead of one long run.
/// </summary>
public sealed record ArchiveSettings(int RetentionDays, int DaysPerRun)
{
    public static ArchiveSettings Default { get; } = new(90, 31);

    /// <summary>The shortest retention allowed: a day more recent than this was never archived, whatever the setting was when it ran.</summary>
    public const int MinimumRetentionDays = 7;

    /// <summary>The first date still hot on <paramref name="today"/>: days before it are archived.</summary>
    public LocalDate Cutoff(LocalDate today) => today.PlusDays(-RetentionDays);
}

/// <summary>What a centre's archiving run did.</summary>
public sealed record ArchiveRun(string CentreId, LocalDate Cutoff, IReadOnlyList<ArchivedDay> Days, bool HeldElsewhere = false)
{
    public int Appointments => Days.Sum(d => d.Appointments);
    public int Rows => Days.Sum(d => d.Rows);
    public int Left => Days.Sum(d => d.Left);
}

/// <summary>
/// The nightly archiving of a centre (ADR 0027): the oldest days before the retention cutoff leave the hot partition,
/// oldest first, at most <see cref="ArchiveSettings.DaysPerRun"/> days a run. Nothing is remembered between runs:
/// each run starts from the oldest day still hot, so a run cut short loses nothing and repeats nothing harmful (every
/// copy is an upsert, every delete is guarded by the ETag read). A lease keeps two runs from moving one centre at
/// once: the second finds it held and does nothing (<see cref="ArchiveRun.HeldElsewhere"/>).
/// </summary>
public sealed class ArchivePastAppointments(IAppointmentArchive archive, ICentreDirectory centres, IClock clock, ArchiveSettings settings)
{
    public async Task<Outcome<ArchiveRun>> RunAsync(string centreId, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        var cutoff = settings.Cutoff(centre.Calendar.Today(clock.GetCurrentInstant()));
        var categories = centre.Profile.Categories.Select(c => c.Id).ToList();
        var days = new List<ArchivedDay>();
        await using var lease = await archive.TryLeaseAsync(centreId, cancellationToken);
        if (lease is null) return Outcome<ArchiveRun>.Ok(new ArchiveRun(centreId, cutoff, days, HeldElsewhere: true));
        var from = LocalDate.MinIsoValue;
        while (days.Count < settings.DaysPerRun && await archive.OldestHotDayAsync(centreId, from, cutoff, cancellationToken) is { } day)
        {
            if (!await lease.RenewAsync(cancellationToken)) break;
            days.Add(await archive.ArchiveDayAsync(centreId, categories, day, cancellationToken));
            // A day with rows left (changed while being moved) is tried again by the next run, not by this one.
            from = day.PlusDays(1);
        }
        return Outcome<ArchiveRun>.Ok(new ArchiveRun(centreId, cutoff, days));
    }
}
