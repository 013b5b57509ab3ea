using NodaTime;
using Scheduler.Core.Identity;
using Scheduler.Core.Privacy;
using Scheduler.Core.Results;

namespace Scheduler.Core.Booking;

public sealed record ProxyInput(string? Name, string? Relationship, bool ResidentConsented);

public sealed record BookCommand(
    string? ItemId, string? BundleId, LocalDate? Date, LocalTime? Start, string? Name, string? Mobile,
    PriorityReason? Priority, ProxyInput? Proxy, string? Language, string? IdempotencyKey);

public sealed record Booked(Appointment Appointment, string ManageToken, bool Repeated);

/// <summary>
/// Books a slot. The seats, the mobile number's ledger (at most so many active appointments, one item per resident
/// and day), the appointment and its event are one atomic change. A number that never booked here is assumed to
/// have no ledger: then a booking is three storage calls (read the counters, commit, send the event); a number that
/// has one is read and decided again when the commit says so.
/// </summary>
public sealed class BookAppointment(IAppointmentStore store, ICentreDirectory centres, IPhoneNumbers phones, AvailabilityQuery availability,
    ManageLinks links, Pseudonyms pseudonyms, IClock clock)
{
    /// <summary>Enough for every one of many simultaneous bookings from one number to see the others' outcome.</summary>
    private const int Attempts = 25;

    public async Task<Outcome<Booked>> BookAsync(string centreId, BookCommand command, Caller caller, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        if (BookingChecks.ValidateName(command.Name, "name") is { } nameError) return nameError;
        var mobile = phones.NormalizeMobile(command.Mobile, out var phoneReason);
        if (mobile is null) return Problem.Invalid("mobile", ErrorCodes.InvalidMobile, phoneReason);
        var language = command.Language ?? "zh";
        if (language is not ("zh" or "en")) return Problem.Invalid("language", ErrorCodes.UnknownLanguage, "language must be 'zh' or 'en'.");
        if (command.Proxy is { } proxy)
        {
            if (BookingChecks.ValidateName(proxy.Name, "proxy.name") is { } proxyError) return proxyError;
            if (string.IsNullOrWhiteSpace(proxy.Relationship) || proxy.Relationship.Length > 30 || proxy.Relationship.Any(char.IsControl))
                return Problem.Invalid("proxy.relationship", ErrorCodes.InvalidRelationship, "Say how the booker is related to the resident (at most 30 characters).");
            if (!proxy.ResidentConsented)
                return Problem.Invalid("proxy.residentConsented", ErrorCodes.ConsentMissing, "A family member or community worker may book only with the resident's consent.");
        }
        if (command.IdempotencyKey is { Length: > 100 }) return Problem.Invalid("Idempotency-Key", ErrorCodes.KeyTooLong, "The idempotency key must be at most 100 characters.");
        var bookable = BookingChecks.ResolveBookable(centre, null, command.ItemId, command.BundleId, out var bookableError);
        if (bookable is null) return bookableError!;
        var now = clock.GetCurrentInstant();
        var run = BookingChecks.CheckSlot(centre, bookable, command.Date, command.Start, now, out var slotError);
        if (run is null) return slotError!;

        var name = command.Name!.Trim();
        var repeatable = command.IdempotencyKey is { Length: > 0 };
        var id = $"{bookable.CategoryId}.{(repeatable ? pseudonyms.Request(centreId, mobile, command.IdempotencyKey!) : Ids.New(bytes: 10))}";
        var entry = new LedgerEntry(id, run[0].Date, bookable.ItemIds, pseudonyms.Resident(mobile, name), now);
        var mobileKey = pseudonyms.Mobile(mobile);
        var today = centre.Calendar.Today(now);
        var startsAt = centre.Calendar.ToInstant(run[0].StartsAt);

        StoredLedger? known = null;
        return await ConflictRetry.RunAsync<Outcome<Booked>>(async _ =>
        {
            var ledger = known?.Ledger ?? BookerLedger.Empty;
            if (ledger.Holds(id)) return Attempt<Outcome<Booked>>.Done(await RepeatedAsync(centre, id, cancellationToken) ?? (Outcome<Booked>)BookingChecks.Busy());
            switch (ledger.CanReserve(entry, centre.Rules.MaxActivePerPhone, today))
            {
                case LedgerRefusal.TooManyActive:
                    return Attempt<Outcome<Booked>>.Done(Problem.Conflict("mobile", ErrorCodes.TooManyActive,
                        $"This mobile number already holds {centre.Rules.MaxActivePerPhone} appointments; cancel one first."));
                case LedgerRefusal.Duplicate:
                    return Attempt<Outcome<Booked>>.Done(Problem.Conflict("itemId", ErrorCodes.Duplicate, "This resident already has an appointment for this service on that day."));
            }
            var mustConfirm = ledger.NoShows.Count >= centre.Rules.NoShowsBeforeConfirmation;
            var confirmBy = mustConfirm ? Min(now + Duration.FromHours(centre.Rules.ConfirmWithinHours), startsAt - Duration.FromMinutes(centre.Rules.CutoffMinutes)) : (Instant?)null;
            var appointment = new Appointment(id, centreId, bookable.CategoryId, bookable.Id, bookable.IsBundle, bookable.ItemIds,
                run[0].Date, run[0].Start, run[^1].End, run.Count, centre.Calendar.Zone.Id, name, mobile, entry.ResidentKey,
                command.Priority, command.Proxy is { } p ? new ProxyBooker(p.Name!.Trim(), p.Relationship!.Trim(), true, now) : null,
                language, mustConfirm ? AppointmentStatus.AwaitingConfirmation : AppointmentStatus.Booked, now, caller.AuditName, confirmBy, now);

            var outcome = await store.CommitAsync(new SlotChange(appointment, null, BookingChecks.Keys(run), [],
                usage => BookingChecks.Fits(centre, run, usage, appointment.Green, now), AppointmentEvent.Of(AppointmentEventTypes.Booked, appointment, caller, now),
                new LedgerWrite(mobileKey, ledger.Reserve(entry, today), known?.ETag)), cancellationToken);
            switch (outcome)
            {
                case CommitOutcome.Committed:
                    return Attempt<Outcome<Booked>>.Done(Outcome<Booked>.Ok(new Booked(appointment, links.Issue(centre, appointment), Repeated: false)));
                case CommitOutcome.Full:
                    // A repeated request (same idempotency key) may have lost the race to its own first copy: answer with that.
                    if (repeatable && await RepeatedAsync(centre, id, cancellationToken) is { } first) return Attempt<Outcome<Booked>>.Done(first);
                    return Attempt<Outcome<Booked>>.Done(BookingChecks.SlotFull(await availability.NearestAsync(centre, bookable, run[0], appointment.Green, cancellationToken)));
                case CommitOutcome.Conflict:
                    // An appointment with this id exists: the same request, booked before.
                    return await RepeatedAsync(centre, id, cancellationToken) is { } again ? Attempt<Outcome<Booked>>.Done(again) : Attempt<Outcome<Booked>>.Again;
                default:
                    known = await store.ReadLedgerAsync(centreId, mobileKey, cancellationToken);
                    return Attempt<Outcome<Booked>>.Again;
            }
        }, () => Problem.Conflict("start", ErrorCodes.Busy, "The booking could not be completed; try again."), Attempts);
    }

    private async Task<Outcome<Booked>?> RepeatedAsync(CentreSnapshot centre, string id, CancellationToken cancellationToken) =>
        await store.GetAsync(centre.Profile.Centre.Id, id, cancellationToken) is { } stored
            ? Outcome<Booked>.Ok(new Booked(stored.Appointment, links.Issue(centre, stored.Appointment), Repeated: true))
            : (Outcome<Booked>?)null;

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;
}
