using NodaTime;

namespace Scheduler.Core.Auditing;

/// <summary>One state change: who made it, when, what and to what. Appended, never changed.</summary>
/// <param name="Actor">Who made the change, as <see cref="Identity.Caller.AuditName"/> gives it.</param>
/// <param name="Action">A dotted verb such as <c>resident-link.issued</c>.</param>
/// <param name="Subject">What was changed, for example <c>resident/r-001</c>.</param>
/// <param name="Detail">Short detail free of personal data.</param>
/// <param name="Key">When given, the entry is recorded once however often it is appended (an event's id).</param>
public sealed record AuditEntry(Instant At, string CentreId, string Actor, string Action, string Subject, string? Detail, string? Key = null);

/// <summary>Where audit entries go. Implementations append only.</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Entries of one centre on one UTC date, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadDayAsync(string centreId, LocalDate utcDate, int max, CancellationToken cancellationToken);
}

/// <summary>Records state changes with the time from the injected clock and the caller's audit name.</summary>
public sealed class AuditTrail(IAuditLog log, IClock clock)
{
    public Task RecordAsync(string centreId, Identity.Caller caller, string action, string subject, string? detail, CancellationToken cancellationToken) =>
        log.AppendAsync(new AuditEntry(clock.GetCurrentInstant(), centreId, caller.AuditName, action, subject, detail), cancellationToken);

    /// <summary>Records what an event says happened, at the event's time, once per event however often it is delivered.</summary>
    public Task RecordEventAsync(string centreId, string eventId, Instant at, string actor, string action, string subject, string? detail, CancellationToken cancellationToken) =>
        log.AppendAsync(new AuditEntry(at, centreId, actor, action, subject, detail, eventId), cancellationToken);
}
