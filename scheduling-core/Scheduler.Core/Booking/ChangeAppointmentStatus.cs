using NodaTime;
using Scheduler.Core.Identity;
using Scheduler.Core.Privacy;
using Scheduler.Core.Results;

namespace Scheduler.Core.Booking;

/// <summary>
/// Cancel, confirm, check in, serve, no-show and lapse: the appointment's state machine
/// (<see cref="Appointment.Apply"/>) applied in one atomic change that gives seats back where the action does and
/// keeps the number's ledger in step (an appointment that is no longer active no longer counts; a no-show is counted).
/// </summary>
public sealed class ChangeAppointmentStatus(IAppointmentStore store, ICentreDirectory centres, Pseudonyms pseudonyms, IClock clock)
{
    public async Task<Outcome<Appointment>> ApplyAsync(string centreId, string appointmentId, AppointmentAction action, Caller caller, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        return await ConflictRetry.RunAsync<Outcome<Appointment>>(async _ =>
        {
            var stored = await store.GetAsync(centreId, appointmentId, cancellationToken);
            if (stored is null) return Attempt<Outcome<Appointment>>.Done(Problem.UnknownAppointment());
            if (stored.Archived) return Attempt<Outcome<Appointment>>.Done(Problem.ArchivedAppointment());
            var current = stored.Appointment;
            var now = clock.GetCurrentInstant();
            var applied = current.Apply(action, now, centre.Calendar);
            if (applied.Error is not null || applied.Value == current) return Attempt<Outcome<Appointment>>.Done(applied);
            var changed = applied.Value!;

            var outcome = await store.CommitAsync(new SlotChange(changed, stored.ETag, [], action.ReleasesSlots() ? BookingChecks.HeldKeys(centre, current) : [],
                _ => true, AppointmentEvent.Of(action.EventType(), changed, caller, now), await LedgerWriteAsync(centreId, current, changed, cancellationToken)), cancellationToken);
            return outcome switch
            {
                CommitOutcome.Committed => Attempt<Outcome<Appointment>>.Done(applied),
                CommitOutcome.Full => Attempt<Outcome<Appointment>>.Done(Problem.Conflict("appointment", ErrorCodes.Busy, "The slot is very busy right now; try again in a moment.")),
                _ => Attempt<Outcome<Appointment>>.Again,
            };
        }, () => BookingChecks.Busy());
    }

    /// <summary>
    /// Staff at the window check a green-channel claim (the age on the ID card, a disability certificate, ...): it holds
    /// (<see cref="GreenCheck.Confirmed"/>) or it does not (<see cref="GreenCheck.Downgraded"/>, served as an ordinary
    /// appointment). The decision and who made it go to the audit trail through the appointment's event.
    /// </summary>
    public async Task<Outcome<Appointment>> CheckGreenClaimAsync(string centreId, string appointmentId, bool holds, Caller caller, CancellationToken cancellationToken)
    {
        if (await centres.GetAsync(centreId, cancellationToken) is null) return Problem.UnknownCentre(centreId);
        return await ConflictRetry.RunAsync<Outcome<Appointment>>(async _ =>
        {
            var stored = await store.GetAsync(centreId, appointmentId, cancellationToken);
            if (stored is null) return Attempt<Outcome<Appointment>>.Done(Problem.UnknownAppointment());
            if (stored.Archived) return Attempt<Outcome<Appointment>>.Done(Problem.ArchivedAppointment());
            var current = stored.Appointment;
            if (!current.Green) return Attempt<Outcome<Appointment>>.Done(Problem.Conflict("appointment", ErrorCodes.NotGreen, "This appointment claims no green channel."));
            if (current.Status is not (AppointmentStatus.Booked or AppointmentStatus.AwaitingConfirmation or AppointmentStatus.CheckedIn))
                return Attempt<Outcome<Appointment>>.Done(Problem.Conflict("appointment", ErrorCodes.NotActive, $"The appointment is {current.Status}."));
            var check = holds ? GreenCheck.Confirmed : GreenCheck.Downgraded;
            if (current.GreenCheck == check) return Attempt<Outcome<Appointment>>.Done(Outcome<Appointment>.Ok(current));
            var now = clock.GetCurrentInstant();
            var changed = current with { GreenCheck = check, UpdatedAt = now };
            // The number's ledger in the same change: the claim no longer waits, and a downgrade counts against the
            // number's next claims (ADR 0014, addendum). The ledger is replaced under its ETag, so a racing booking
            // or check reads it again.
            var mobileKey = pseudonyms.Mobile(current.Mobile);
            var ledger = await store.ReadLedgerAsync(centreId, mobileKey, cancellationToken);
            var outcome = await store.CommitAsync(new SlotChange(changed, stored.ETag, [], [], _ => true,
                AppointmentEvent.Of(holds ? AppointmentEventTypes.GreenConfirmed : AppointmentEventTypes.GreenDowngraded, changed, caller, now),
                new LedgerWrite(mobileKey, (ledger?.Ledger ?? BookerLedger.Empty).CheckGreen(current.Id, holds), ledger?.ETag)), cancellationToken);
            return outcome == CommitOutcome.Committed ? Attempt<Outcome<Appointment>>.Done(Outcome<Appointment>.Ok(changed)) : Attempt<Outcome<Appointment>>.Again;
        }, () => BookingChecks.Busy());
    }

    /// <summary>
    /// Lets every appointment that waited for a confirmation past its deadline lapse, giving its seats back.
    /// Returns how many lapsed.
    /// </summary>
    public async Task<int> LapseUnconfirmedAsync(string centreId, Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var lapsed = 0;
        foreach (var a in await store.ListConfirmationsDueAsync(centreId, now, cancellationToken))
        {
            if (a.ConfirmBy is not { } deadline || now <= deadline) continue;
            if ((await ApplyAsync(centreId, a.Id, AppointmentAction.Lapse, caller, cancellationToken)).Error is null) lapsed++;
        }
        return lapsed;
    }

    private async Task<LedgerWrite?> LedgerWriteAsync(string centreId, Appointment before, Appointment after, CancellationToken cancellationToken)
    {
        var noShow = after.Status == AppointmentStatus.NoShow;
        if (!noShow && (after.IsActive || !before.IsActive)) return null;
        var mobileKey = pseudonyms.Mobile(before.Mobile);
        var stored = await store.ReadLedgerAsync(centreId, mobileKey, cancellationToken);
        var ledger = stored?.Ledger ?? BookerLedger.Empty;
        if (!noShow && !ledger.Holds(before.Id)) return null;
        return new LedgerWrite(mobileKey, noShow ? ledger.RecordNoShow(before.Id) : ledger.Release(before.Id), stored?.ETag);
    }
}
