using Scheduler.Core.Auditing;
using Scheduler.Core.Notifications;

namespace Scheduler.Core.Booking;

/// <summary>Where appointment events wait from their commit until their consumer has handled them.</summary>
public interface IAppointmentEventOutbox
{
    /// <summary>The event is handled: it need not be sent again.</summary>
    Task AcknowledgeAsync(AppointmentEvent appointmentEvent, CancellationToken cancellationToken);
}

/// <summary>
/// What follows an appointment change, off the request's path: the offers of the slots whose seats it changed are
/// brought in step with the counters (ADR 0028; a copy, so a repeated event changes nothing), the audit entry (once
/// per event however often it is delivered), the resident's message (once per event: its key is the event's id),
/// then the event leaves the outbox.
/// </summary>
public sealed class HandleAppointmentEvent(IAppointmentStore appointments, AuditTrail audit, IAppointmentEventOutbox outbox, NotifyAppointmentEvent notify)
{
    public async Task<NotificationOutcome> HandleAsync(AppointmentEvent e, CancellationToken cancellationToken)
    {
        // Events older than version 3 do not say which seats they changed: the summary's periodic rebuild covers them.
        if (e is { CategoryId: { } category, Seats: { Count: > 0 } seats })
            await appointments.RefreshUsageAsync(e.CentreId, category, seats, cancellationToken);
        await audit.RecordEventAsync(e.CentreId, e.EventId, e.At, e.Actor, e.Type, ManageLinks.Subject(e.AppointmentId), Detail(e), cancellationToken);
        var notified = await notify.HandleAsync(e, cancellationToken);
        await outbox.AcknowledgeAsync(e, cancellationToken);
        return notified;
    }

    private static string Detail(AppointmentEvent e) => e.PreviousDate is { } before
        ? $"{before:yyyy-MM-dd} {e.PreviousStart:HH:mm} -> {e.Date:yyyy-MM-dd} {e.Start:HH:mm}"
        : $"{e.BookableId}{(e.BookableId is null ? "" : " ")}{e.Date:yyyy-MM-dd} {e.Start:HH:mm}".Trim();
}
