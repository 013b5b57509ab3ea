using System.ComponentModel.DataAnnotations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Appointments;

/// <summary>Settings under <c>Archive</c> (app settings <c>Archive__Name</c>): when past appointments leave the hot partition (ADR 0027).</summary>
public sealed class ArchiveOptions
{
    public const string Section = "Archive";

    /// <summary>Days an appointment stays in the hot partition after its day; older days move to the archive.</summary>
    [Range(ArchiveSettings.MinimumRetentionDays, 3650)]
    public int RetentionDays { get; set; } = ArchiveSettings.Default.RetentionDays;

    /// <summary>Days of one centre one nightly run moves at most (a backlog drains over several nights).</summary>
    [Range(1, 366)]
    public int DaysPerRun { get; set; } = ArchiveSettings.Default.DaysPerRun;

    public ArchiveSettings ToSettings() => new(RetentionDays, DaysPerRun);
}

/// <summary>
/// Every night, each centre's days past the retention window move from the hot partition to the archive (ADR 0027).
/// 18:30 UTC is 02:30 in Asia/Shanghai, when no one books. A run stopped halfway is taken up by the next one.
/// </summary>
public sealed class ArchiveFunction(ArchivePastAppointments archiving, ICentreList centres, ILogger<ArchiveFunction> logger)
{
    [Function("ArchivePastAppointments")]
    public async Task Run([TimerTrigger("0 30 18 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        foreach (var centre in await centres.ListAsync(cancellationToken))
        {
            var run = await archiving.RunAsync(centre, cancellationToken);
            if (run.Error is { } error)
                logger.LogWarning("Centre {Centre}: not archived: {Code} {Message}", centre, error.Code, error.Message);
            else if (run.Value!.Days.Count > 0)
                logger.LogInformation("Centre {Centre}: archived {Days} days before {Cutoff}: {Appointments} appointments, {Rows} rows; {Left} rows changed meanwhile and stay for the next run",
                    centre, run.Value.Days.Count, run.Value.Cutoff, run.Value.Appointments, run.Value.Rows, run.Value.Left);
        }
    }
}
