using NodaTime;
using Scheduler.Core.Identity;
using Scheduler.Core.Privacy;
using Scheduler.Core.Results;

namespace Scheduler.Core.Booking;

/// <summary>
/// Moves an appointment to another slot: the new seats are taken and the old ones given back in one atomic change,
/// with the ledger moved to the new day when the day changes (one item per resident and day still holds).
/// </summary>
public sealed class RescheduleAppointment(IAppointmentStore store, ICentreDirectory centres, AvailabilityQuery availability, Pseudonyms pseudonyms, IClock clock)
{
    public async Task<Outcome<Appointment>> RescheduleAsync(string centreId, string appointmentId, LocalDate? date, LocalTime? start, Caller caller, CancellationToken cancellationToken)
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
            if (current.ChangeableAt(now, centre.Calendar) is { } notChangeable) return Attempt<Outcome<Appointment>>.Done(notChangeable);
            var bookable = Bookable.Find(centre.Profile, current.IsBundle ? null : current.BookableId, current.IsBundle ? current.BookableId : null);
            if (bookable is null)
                return Attempt<Outcome<Appointment>>.Done(Problem.Conflict("appointment", ErrorCodes.ServiceWithdrawn, "This service is no longer offered; cancel the appointment instead."));
            var run = BookingChecks.CheckSlot(centre, bookable, date, start, now, out var slotError);
            if (run is null) return Attempt<Outcome<Appointment>>.Done(slotError!);
            if (run[0].Date == current.Date && run[0].Start == current.Start) return Attempt<Outcome<Appointment>>.Done(Outcome<Appointment>.Ok(current));

            LedgerWrite? ledgerWrite = null;
            var moved = current with { Date = run[0].Date, Start = run[0].Start, End = run[^1].End, Slots = run.Count, UpdatedAt = now };
            if (moved.Date != current.Date && await store.ReadLedgerAsync(centreId, pseudonyms.Mobile(current.Mobile), cancellationToken) is { } ledger)
            {
                var (next, refusal) = ledger.Ledger.Move(appointmentId, moved.Date);
                if (refusal == LedgerRefusal.Duplicate)
                    return Attempt<Outcome<Appointment>>.Done(Problem.Conflict("date", ErrorCodes.Duplicate, "This resident already has an appointment for this service on that day."));
                ledgerWrite = new LedgerWrite(pseudonyms.Mobile(current.Mobile), next, ledger.ETag);
            }
            var oldKeys = BookingChecks.HeldKeys(centre, current);
            var newKeys = BookingChecks.Keys(run);
            var take = newKeys.Except(oldKeys).ToList();
            var takeSlots = run.Where(s => take.Contains(new SlotKey(s.Date, s.Start))).ToList();
            var outcome = await store.CommitAsync(new SlotChange(moved, stored.ETag, take, oldKeys.Except(newKeys).ToList(),
                usage => BookingChecks.Fits(centre, takeSlots, usage, moved.Green, now),
                AppointmentEvent.Of(AppointmentEventTypes.Rescheduled, moved, caller, now, current), ledgerWrite), cancellationToken);
            return outcome switch
            {
                CommitOutcome.Committed => Attempt<Outcome<Appointment>>.Done(Outcome<Appointment>.Ok(moved)),
                CommitOutcome.Full => Attempt<Outcome<Appointment>>.Done(BookingChecks.SlotFull(await availability.NearestAsync(centre, bookable, run[0], moved.Green, cancellationToken))),
                _ => Attempt<Outcome<Appointment>>.Again,
            };
        }, () => BookingChecks.Busy());
    }
}
