using System.Security.Cryptography;
using System.Text;
using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Calendar;
using Scheduler.Core.Identity;

namespace Scheduler.Core.Booking;

/// <summary>A rule the request broke: the HTTP status, the field, a stable code and words for the person.</summary>
public sealed record BookingError(int Status, string Field, string Code, string Message)
{
    public IReadOnlyList<SlotOffer>? Alternatives { get; init; }
}

/// <summary>A value or the rule the request broke.</summary>
public readonly record struct Outcome<T>(T? Value, BookingError? Error)
{
    public static implicit operator Outcome<T>(BookingError error) => new(default, error);
    public static Outcome<T> Ok(T value) => new(value, null);
}

/// <summary>A slot offered to a booker, with the seats this booker can still take.</summary>
public sealed record SlotOffer(LocalDate Date, LocalTime Start, LocalTime End, SlotKind Kind, int Free);

public sealed record AvailabilityDay(LocalDate Date, IReadOnlyList<SlotOffer> Slots);

public sealed record ProxyInput(string? Name, string? Relationship, bool ResidentConsented);

public sealed record BookCommand(
    string? ItemId, string? BundleId, LocalDate? Date, LocalTime? Start, string? Name, string? Mobile,
    PriorityReason? Priority, ProxyInput? Proxy, string? Language, string? IdempotencyKey);

public sealed record Booked(Appointment Appointment, string ManageToken, bool Repeated);

public sealed record ExtendedHoursCommand(string? ItemId, string? BundleId, LocalDate? Date, SlotKind? Wanted, string? Name, string? Mobile, string? Language);

/// <summary>Either the appointment the request was booked into, or the request recorded for the centre to decide on.</summary>
public sealed record ExtendedHoursOutcome(Booked? Booked, ExtendedHoursRequest? Recorded);

/// <summary>
/// Window appointments: availability, book, reschedule, cancel, confirm, and the staff's check-in, served and
/// no-show. Capacity is enforced by the store in one atomic change per booking; the per-phone limits by the ledger.
/// </summary>
public sealed class BookingService(
    IAppointmentStore store,
    IBookerLedger ledger,
    ICentreDirectory centres,
    IPhoneNumbers phones,
    IExtendedHoursRequests extendedHours,
    ResidentTokenService tokens,
    AuditTrail audit,
    IClock clock,
    byte[] pseudonymKey)
{
    public const string ManagePurpose = "manage";
    private const int MaxNameLength = 50;
    private const int MaxRangeDays = 62;

    public async Task<Outcome<IReadOnlyList<AvailabilityDay>>> AvailabilityAsync(string centreId, string? categoryId, string? itemId, string? bundleId,
        LocalDate from, LocalDate to, bool green, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Error(404, "centre", "unknown-centre", $"Centre '{centreId}' is not known.");
        var bookable = ResolveBookable(centre, categoryId, itemId, bundleId, out var error);
        if (bookable is null) return error!;
        if (to < from) return Error(400, "to", "range-reversed", "'to' is before 'from'.");
        if (Period.Between(from, to, PeriodUnits.Days).Days >= MaxRangeDays)
            return Error(400, "to", "range-too-long", $"Ask for at most {MaxRangeDays} days at a time.");
        var now = clock.GetCurrentInstant();
        var today = centre.Calendar.Today(now);
        var last = today.PlusDays(centre.Rules.HorizonDays);
        if (from < today) from = today;
        if (to > last) to = last;
        if (to < from) return Outcome<IReadOnlyList<AvailabilityDay>>.Ok([]);
        var usage = await store.ReadUsageAsync(centreId, bookable.CategoryId, from, to, cancellationToken);
        return Outcome<IReadOnlyList<AvailabilityDay>>.Ok(Offers(centre, bookable, from, to, green, now, usage));
    }

    public async Task<Outcome<Booked>> BookAsync(string centreId, BookCommand command, Caller caller, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Error(404, "centre", "unknown-centre", $"Centre '{centreId}' is not known.");
        if (ValidateName(command.Name, "name") is { } nameError) return nameError;
        var mobile = phones.NormalizeMobile(command.Mobile, out var phoneReason);
        if (mobile is null) return Error(400, "mobile", "invalid-mobile", phoneReason);
        var language = command.Language ?? "zh";
        if (language is not ("zh" or "en")) return Error(400, "language", "unknown-language", "language must be 'zh' or 'en'.");
        if (command.Proxy is { } proxy)
        {
            if (ValidateName(proxy.Name, "proxy.name") is { } proxyError) return proxyError;
            if (string.IsNullOrWhiteSpace(proxy.Relationship) || proxy.Relationship.Length > 30 || proxy.Relationship.Any(char.IsControl))
                return Error(400, "proxy.relationship", "invalid-relationship", "Say how the booker is related to the resident (at most 30 characters).");
            if (!proxy.ResidentConsented)
                return Error(400, "proxy.residentConsented", "consent-missing", "A family member or community worker may book only with the resident's consent.");
        }
        if (command.IdempotencyKey is { Length: > 100 }) return Error(400, "Idempotency-Key", "key-too-long", "The idempotency key must be at most 100 characters.");
        var bookable = ResolveBookable(centre, null, command.ItemId, command.BundleId, out var bookableError);
        if (bookable is null) return bookableError!;
        var now = clock.GetCurrentInstant();
        var run = CheckSlot(centre, bookable, command.Date, command.Start, now, out var slotError);
        if (run is null) return slotError!;

        var name = command.Name!.Trim();
        var id = command.IdempotencyKey is { Length: > 0 } key
            ? $"{bookable.CategoryId}.{Pseudonym("idem|" + centreId + "|" + mobile + "|" + key)[..20]}"
            : $"{bookable.CategoryId}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant()}";
        if (command.IdempotencyKey is { Length: > 0 } && await store.GetAsync(centreId, id, cancellationToken) is { } existing)
            return Outcome<Booked>.Ok(new Booked(existing.Appointment, IssueToken(centre, existing.Appointment), Repeated: true));

        var mobileKey = MobileKey(mobile);
        var residentKey = Pseudonym("resident|" + mobile + "|" + name.ToLowerInvariant())[..32];
        var today = centre.Calendar.Today(now);
        var (refusal, noShows) = await ledger.ReserveAsync(centreId, mobileKey,
            new LedgerEntry(id, run[0].Date, bookable.ItemIds, residentKey, now), centre.Rules.MaxActivePerPhone,
            async entry => entry.Date >= today && (await store.GetAsync(centreId, entry.AppointmentId, cancellationToken))?.Appointment.IsActive == true,
            cancellationToken);
        switch (refusal)
        {
            case LedgerRefusal.TooManyActive:
                return Error(409, "mobile", "too-many-active",
                    $"This mobile number already holds {centre.Rules.MaxActivePerPhone} appointments; cancel one first.");
            case LedgerRefusal.Duplicate:
                return Error(409, "itemId", "duplicate", "This resident already has an appointment for this service on that day.");
        }

        var mustConfirm = noShows >= centre.Rules.NoShowsBeforeConfirmation;
        var startsAt = centre.Calendar.ToInstant(run[0].StartsAt);
        var confirmBy = mustConfirm ? Min(now + Duration.FromHours(centre.Rules.ConfirmWithinHours), startsAt - Duration.FromMinutes(centre.Rules.CutoffMinutes)) : (Instant?)null;
        var appointment = new Appointment(id, centreId, bookable.CategoryId, bookable.Id, bookable.IsBundle, bookable.ItemIds,
            run[0].Date, run[0].Start, run[^1].End, run.Count, centre.Profile.Centre.TimeZoneId, name, mobile, residentKey,
            command.Priority, command.Proxy is { } p ? new ProxyBooker(p.Name!.Trim(), p.Relationship!.Trim(), true, now) : null,
            language, mustConfirm ? AppointmentStatus.AwaitingConfirmation : AppointmentStatus.Booked, now, caller.AuditName, confirmBy, now);

        var outcome = await store.CommitAsync(new SlotChange(appointment, null, Keys(run), [],
            usage => Fits(centre, run, usage, appointment.Green, now), Event("appointment.booked", appointment, caller, null)), cancellationToken);
        switch (outcome)
        {
            case CommitOutcome.Full:
                // A repeated request (same idempotency key) may have lost the race to its own first copy: answer with that.
                if (command.IdempotencyKey is { Length: > 0 } && await store.GetAsync(centreId, id, cancellationToken) is { } first)
                    return Outcome<Booked>.Ok(new Booked(first.Appointment, IssueToken(centre, first.Appointment), Repeated: true));
                await ledger.ReleaseAsync(centreId, mobileKey, id, cancellationToken);
                var alternatives = await AlternativesAsync(centre, bookable, run[0], appointment.Green, now, cancellationToken);
                return new BookingError(409, "start", "slot-full", "That time is fully booked; here are the nearest free times.") { Alternatives = alternatives };
            case CommitOutcome.Conflict:
                var again = await store.GetAsync(centreId, id, cancellationToken);
                return again is null
                    ? Error(409, "start", "conflict", "The booking could not be completed; try again.")
                    : Outcome<Booked>.Ok(new Booked(again.Appointment, IssueToken(centre, again.Appointment), Repeated: true));
        }
        await audit.RecordAsync(centreId, caller, "appointment.booked", $"appointment/{id}", $"{bookable.Id} {run[0].Date:yyyy-MM-dd} {run[0].Start:HH:mm}", cancellationToken);
        return Outcome<Booked>.Ok(new Booked(appointment, IssueToken(centre, appointment), Repeated: false));
    }

    public async Task<Outcome<StoredAppointment>> GetAsync(string centreId, string appointmentId, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(centreId, appointmentId, cancellationToken);
        return stored is null ? Error(404, "appointment", "unknown-appointment", "No such appointment.") : Outcome<StoredAppointment>.Ok(stored);
    }

    public async Task<Outcome<Appointment>> RescheduleAsync(string centreId, string appointmentId, LocalDate? date, LocalTime? start, Caller caller, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Error(404, "centre", "unknown-centre", $"Centre '{centreId}' is not known.");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var stored = await store.GetAsync(centreId, appointmentId, cancellationToken);
            if (stored is null) return Error(404, "appointment", "unknown-appointment", "No such appointment.");
            var current = stored.Appointment;
            var now = clock.GetCurrentInstant();
            if (NotChangeable(centre, current, now) is { } notChangeable) return notChangeable;
            var bookable = Bookable.Find(centre.Profile, current.IsBundle ? null : current.BookableId, current.IsBundle ? current.BookableId : null);
            if (bookable is null) return Error(409, "appointment", "service-withdrawn", "This service is no longer offered; cancel the appointment instead.");
            var run = CheckSlot(centre, bookable, date, start, now, out var slotError);
            if (run is null) return slotError!;
            if (run[0].Date == current.Date && run[0].Start == current.Start) return Outcome<Appointment>.Ok(current);

            var oldKeys = OldKeys(centre, current);
            var newKeys = Keys(run);
            var take = newKeys.Except(oldKeys).ToList();
            var release = oldKeys.Except(newKeys).ToList();
            var takeSlots = run.Where(s => take.Contains(new SlotKey(s.Date, s.Start))).ToList();
            var moved = current with { Date = run[0].Date, Start = run[0].Start, End = run[^1].End, Slots = run.Count, UpdatedAt = now };
            if (moved.Date != current.Date &&
                await ledger.MoveAsync(centreId, MobileKey(current), appointmentId, moved.Date, cancellationToken) == LedgerRefusal.Duplicate)
                return Error(409, "date", "duplicate", "This resident already has an appointment for this service on that day.");
            var outcome = await store.CommitAsync(new SlotChange(moved, stored.ETag, take, release,
                usage => Fits(centre, takeSlots, usage, moved.Green, now), Event("appointment.rescheduled", moved, caller, current)), cancellationToken);
            if (outcome != CommitOutcome.Committed && moved.Date != current.Date)
                await ledger.MoveAsync(centreId, MobileKey(current), appointmentId, current.Date, cancellationToken);
            if (outcome == CommitOutcome.Conflict) continue;
            if (outcome == CommitOutcome.Full)
                return new BookingError(409, "start", "slot-full", "That time is fully booked; here are the nearest free times.")
                {
                    Alternatives = await AlternativesAsync(centre, bookable, run[0], moved.Green, now, cancellationToken),
                };
            await audit.RecordAsync(centreId, caller, "appointment.rescheduled", $"appointment/{appointmentId}",
                $"{current.Date:yyyy-MM-dd} {current.Start:HH:mm} -> {moved.Date:yyyy-MM-dd} {moved.Start:HH:mm}", cancellationToken);
            return Outcome<Appointment>.Ok(moved);
        }
        return Error(409, "appointment", "busy", "The appointment is being changed elsewhere; try again.");
    }

    public Task<Outcome<Appointment>> CancelAsync(string centreId, string appointmentId, Caller caller, CancellationToken cancellationToken) =>
        TransitionAsync(centreId, appointmentId, caller, "appointment.cancelled", (centre, a, now) =>
            NotChangeable(centre, a, now) ?? (BookingError?)null, AppointmentStatus.Cancelled, releaseSlots: true, cancellationToken);

    public Task<Outcome<Appointment>> ConfirmAsync(string centreId, string appointmentId, Caller caller, CancellationToken cancellationToken) =>
        TransitionAsync(centreId, appointmentId, caller, "appointment.confirmed", (centre, a, now) =>
            a.Status == AppointmentStatus.Booked ? null
            : a.Status != AppointmentStatus.AwaitingConfirmation ? Error(409, "appointment", "not-awaiting-confirmation", "This appointment does not need confirming.")
            : now > a.ConfirmBy ? Error(409, "appointment", "confirmation-too-late", "The time to confirm has passed; please book again.")
            : null, AppointmentStatus.Booked, releaseSlots: false, cancellationToken);

    /// <summary>
    /// Lets every appointment that waited for a confirmation past its deadline lapse, giving its seats back.
    /// Returns how many lapsed.
    /// </summary>
    public async Task<int> LapseUnconfirmedAsync(string centreId, Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var lapsed = 0;
        foreach (var a in await store.ListByStatusAsync(centreId, AppointmentStatus.AwaitingConfirmation, cancellationToken))
        {
            if (a.ConfirmBy is not { } deadline || now <= deadline) continue;
            var result = await TransitionAsync(centreId, a.Id, caller, "appointment.lapsed", (_, current, at) =>
                current.Status == AppointmentStatus.AwaitingConfirmation && at > current.ConfirmBy ? null
                : Error(409, "appointment", "not-lapsing", "The appointment was confirmed or changed."), AppointmentStatus.Lapsed, releaseSlots: true, cancellationToken);
            if (result.Error is null) lapsed++;
        }
        return lapsed;
    }

    public Task<Outcome<Appointment>> CheckInAsync(string centreId, string appointmentId, Caller caller, CancellationToken cancellationToken) =>
        TransitionAsync(centreId, appointmentId, caller, "appointment.checked-in", (centre, a, now) =>
            !a.IsActive ? Error(409, "appointment", "not-active", $"The appointment is {a.Status}.")
            : centre.Calendar.Today(now) != a.Date ? Error(409, "appointment", "not-today", "Check-in is on the day of the appointment.")
            : null, AppointmentStatus.CheckedIn, releaseSlots: false, cancellationToken);

    public Task<Outcome<Appointment>> MarkServedAsync(string centreId, string appointmentId, Caller caller, CancellationToken cancellationToken) =>
        TransitionAsync(centreId, appointmentId, caller, "appointment.served", (centre, a, now) =>
            a.Status is AppointmentStatus.CheckedIn or AppointmentStatus.Booked ? null
            : Error(409, "appointment", "not-servable", $"The appointment is {a.Status}."), AppointmentStatus.Served, releaseSlots: false, cancellationToken);

    public async Task<Outcome<Appointment>> MarkNoShowAsync(string centreId, string appointmentId, Caller caller, CancellationToken cancellationToken)
    {
        var result = await TransitionAsync(centreId, appointmentId, caller, "appointment.no-show", (centre, a, now) =>
            !a.IsActive ? Error(409, "appointment", "not-active", $"The appointment is {a.Status}.")
            : now < centre.Calendar.ToInstant(a.Date + a.Start) ? Error(409, "appointment", "not-started", "A no-show can be marked once the slot has started.")
            : null, AppointmentStatus.NoShow, releaseSlots: false, cancellationToken);
        if (result.Value is { } marked)
            await ledger.RecordNoShowAsync(centreId, MobileKey(marked), appointmentId, cancellationToken);
        return result;
    }

    public async Task<Outcome<ExtendedHoursOutcome>> RequestExtendedHoursAsync(string centreId, ExtendedHoursCommand command, Caller caller, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Error(404, "centre", "unknown-centre", $"Centre '{centreId}' is not known.");
        if (command.Wanted is not (SlotKind.Lunch or SlotKind.Evening or SlotKind.Weekend))
            return Error(400, "wanted", "unknown-period", "wanted must be Lunch, Evening or Weekend.");
        if (ValidateName(command.Name, "name") is { } nameError) return nameError;
        var mobile = phones.NormalizeMobile(command.Mobile, out var phoneReason);
        if (mobile is null) return Error(400, "mobile", "invalid-mobile", phoneReason);
        var bookable = ResolveBookable(centre, null, command.ItemId, command.BundleId, out var bookableError);
        if (bookable is null) return bookableError!;
        if (command.Date is not { } date) return Error(400, "date", "missing", "date is required.");
        var now = clock.GetCurrentInstant();
        var today = centre.Calendar.Today(now);
        if (date < today) return Error(400, "date", "in-the-past", "The date has passed.");
        if (date > today.PlusDays(centre.Rules.HorizonDays)) return Error(400, "date", "beyond-horizon", $"Appointments open {centre.Rules.HorizonDays} days ahead.");

        var usage = await store.ReadUsageAsync(centreId, bookable.CategoryId, date, date, cancellationToken);
        var wanted = command.Wanted.Value;
        var offer = Offers(centre, bookable, date, date, green: false, now, usage).SelectMany(d => d.Slots)
            .FirstOrDefault(s => s.Kind == wanted || (wanted == SlotKind.Weekend && s.Kind == SlotKind.SpecialDate && date.DayOfWeek >= IsoDayOfWeek.Saturday));
        if (offer is not null)
        {
            var booked = await BookAsync(centreId, new BookCommand(command.ItemId, command.BundleId, date, offer.Start, command.Name, command.Mobile, null, null, command.Language, null), caller, cancellationToken);
            if (booked.Error is null) return Outcome<ExtendedHoursOutcome>.Ok(new ExtendedHoursOutcome(booked.Value, null));
            if (booked.Error.Code != "slot-full") return booked.Error;
        }
        var request = new ExtendedHoursRequest($"xh-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant()}", centreId,
            bookable.CategoryId, bookable.Id, date, wanted, command.Name!.Trim(), mobile, now, caller.AuditName);
        await extendedHours.AddAsync(request, cancellationToken);
        await audit.RecordAsync(centreId, caller, "extended-hours.requested", $"extended-hours/{request.Id}", $"{bookable.Id} {date:yyyy-MM-dd} {wanted}", cancellationToken);
        return Outcome<ExtendedHoursOutcome>.Ok(new ExtendedHoursOutcome(null, request));
    }

    private async Task<Outcome<Appointment>> TransitionAsync(string centreId, string appointmentId, Caller caller, string eventType,
        Func<CentreSnapshot, Appointment, Instant, BookingError?> guard, AppointmentStatus to, bool releaseSlots, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Error(404, "centre", "unknown-centre", $"Centre '{centreId}' is not known.");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var stored = await store.GetAsync(centreId, appointmentId, cancellationToken);
            if (stored is null) return Error(404, "appointment", "unknown-appointment", "No such appointment.");
            var now = clock.GetCurrentInstant();
            var current = stored.Appointment;
            if (current.Status == to) return Outcome<Appointment>.Ok(current);
            if (guard(centre, current, now) is { } refused) return refused;
            var changed = current with { Status = to, UpdatedAt = now };
            var outcome = await store.CommitAsync(new SlotChange(changed, stored.ETag, [], releaseSlots ? OldKeys(centre, current) : [],
                _ => true, Event(eventType, changed, caller, null)), cancellationToken);
            if (outcome == CommitOutcome.Conflict) continue;
            if (outcome != CommitOutcome.Committed) return Error(409, "appointment", "busy", "The slot is very busy right now; try again in a moment.");
            if (releaseSlots) await ledger.ReleaseAsync(centreId, MobileKey(current), appointmentId, cancellationToken);
            await audit.RecordAsync(centreId, caller, eventType, $"appointment/{appointmentId}", null, cancellationToken);
            return Outcome<Appointment>.Ok(changed);
        }
        return Error(409, "appointment", "busy", "The appointment is being changed elsewhere; try again.");
    }

    private static BookingError? NotChangeable(CentreSnapshot centre, Appointment a, Instant now)
    {
        if (!a.IsActive) return Error(409, "appointment", "not-active", $"The appointment is {a.Status} and cannot be changed.");
        if (now >= centre.Calendar.ToInstant(a.Date + a.Start))
            return Error(409, "appointment", "already-started", "The appointment has started; it can no longer be changed.");
        return null;
    }

    private IReadOnlyList<Slot>? CheckSlot(CentreSnapshot centre, Bookable bookable, LocalDate? date, LocalTime? start, Instant now, out BookingError? error)
    {
        error = null;
        if (date is null) { error = Error(400, "date", "missing", "date is required."); return null; }
        if (start is null) { error = Error(400, "start", "missing", "start is required."); return null; }
        var problem = centre.Calendar.FindSlot(bookable.CategoryId, date.Value, start.Value, out var slot);
        error = problem switch
        {
            SlotProblem.PublicHoliday => Error(400, "date", "holiday", $"{date:yyyy-MM-dd} is a public holiday ({centre.Calendar.Day(date.Value)?.Name.Zh})."),
            SlotProblem.Closed => Error(400, "date", "closed", $"The centre is closed on {date:yyyy-MM-dd}."),
            SlotProblem.OutsideOpeningHours => Error(400, "start", "outside-opening-hours", $"{start:HH:mm} on {date:yyyy-MM-dd} is outside opening hours."),
            SlotProblem.NotOnGrid => Error(400, "start", "not-on-grid", $"Slots start every {centre.Profile.Categories.First(c => c.Id == bookable.CategoryId).SlotMinutes} minutes from the opening time."),
            _ => null,
        };
        if (error is not null) return null;
        var startsAt = centre.Calendar.ToInstant(slot!.StartsAt);
        var today = centre.Calendar.Today(now);
        if (startsAt <= now) { error = Error(400, "start", "in-the-past", "That time has passed."); return null; }
        if (date.Value > today.PlusDays(centre.Rules.HorizonDays))
        {
            error = Error(400, "date", "beyond-horizon", $"Appointments open {centre.Rules.HorizonDays} days ahead.");
            return null;
        }
        if (now > startsAt - Duration.FromMinutes(centre.Rules.CutoffMinutes))
        {
            error = Error(400, "start", "after-cutoff", $"Booking closes {centre.Rules.CutoffMinutes} minutes before the slot.");
            return null;
        }
        var slotMinutes = centre.Profile.Categories.First(c => c.Id == bookable.CategoryId).SlotMinutes;
        var run = centre.Calendar.Run(slot, bookable.SlotsNeeded(slotMinutes));
        if (run is null) error = Error(400, "start", "too-late-in-session", $"The service takes {bookable.Minutes} minutes and does not fit before the windows close.");
        return run;
    }

    private IReadOnlyList<AvailabilityDay> Offers(CentreSnapshot centre, Bookable bookable, LocalDate from, LocalDate to, bool green, Instant now,
        IReadOnlyDictionary<SlotKey, SlotUsage> usage)
    {
        var slotMinutes = centre.Profile.Categories.First(c => c.Id == bookable.CategoryId).SlotMinutes;
        var need = bookable.SlotsNeeded(slotMinutes);
        var cutoff = Duration.FromMinutes(centre.Rules.CutoffMinutes);
        var days = new List<AvailabilityDay>();
        for (var date = from; date <= to; date = date.PlusDays(1))
        {
            var slots = centre.Calendar.Slots(date, bookable.CategoryId);
            var offers = new List<SlotOffer>();
            for (var i = 0; i + need <= slots.Count; i++)
            {
                var startsAt = centre.Calendar.ToInstant(slots[i].StartsAt);
                if (now > startsAt - cutoff) continue;
                var free = int.MaxValue;
                for (var k = 0; k < need && free > 0; k++)
                {
                    var s = slots[i + k];
                    if (k > 0 && s.Start != slots[i + k - 1].End) { free = 0; break; }
                    free = Math.Min(free, FreeSeats(centre, s, usage.GetValueOrDefault(new SlotKey(s.Date, s.Start)), green, now));
                }
                if (free > 0) offers.Add(new SlotOffer(date, slots[i].Start, slots[i + need - 1].End, slots[i].Kind, free));
            }
            if (offers.Count > 0) days.Add(new AvailabilityDay(date, offers));
        }
        return days;
    }

    private async Task<IReadOnlyList<SlotOffer>> AlternativesAsync(CentreSnapshot centre, Bookable bookable, Slot wanted, bool green, Instant now, CancellationToken cancellationToken)
    {
        var today = centre.Calendar.Today(now);
        var from = wanted.Date.PlusDays(-7) < today ? today : wanted.Date.PlusDays(-7);
        var last = today.PlusDays(centre.Rules.HorizonDays);
        var to = wanted.Date.PlusDays(7) > last ? last : wanted.Date.PlusDays(7);
        var usage = await store.ReadUsageAsync(centre.Profile.Centre.Id, bookable.CategoryId, from, to, cancellationToken);
        var target = wanted.StartsAt;
        return Offers(centre, bookable, from, to, green, now, usage).SelectMany(d => d.Slots)
            .Where(o => !(o.Date == wanted.Date && o.Start == wanted.Start))
            .OrderBy(o => Math.Abs(Period.Between(target, o.Date + o.Start, PeriodUnits.Minutes).Minutes))
            .ThenBy(o => o.Date + o.Start)
            .Take(3).ToList();
    }

    private static bool Fits(CentreSnapshot centre, IReadOnlyList<Slot> slots, IReadOnlyList<SlotUsage> usage, bool green, Instant now)
    {
        for (var i = 0; i < slots.Count; i++)
            if (FreeSeats(centre, slots[i], usage[i], green, now) < 1) return false;
        return true;
    }

    private static int FreeSeats(CentreSnapshot centre, Slot slot, SlotUsage usage, bool green, Instant now)
    {
        var capacity = Capacity.Of(slot, centre.Rules);
        var released = Capacity.Released(centre.Calendar.ToInstant(slot.StartsAt), now, centre.Rules);
        return Capacity.Free(capacity, Capacity.Held(capacity, centre.Rules), usage, green, released);
    }

    private static Bookable? ResolveBookable(CentreSnapshot centre, string? categoryId, string? itemId, string? bundleId, out BookingError? error)
    {
        error = null;
        if (itemId is not null && bundleId is not null)
        {
            error = Error(400, "bundleId", "item-and-bundle", "Give an item or a bundle, not both.");
            return null;
        }
        if (itemId is null && bundleId is null)
        {
            var category = centre.Profile.Categories.FirstOrDefault(c => c.Id == categoryId);
            if (categoryId is not null && category is not null)
                return new Bookable(category.Id, false, category.Id, category.Name, category.SlotMinutes, []);
            error = categoryId is null
                ? Error(400, "itemId", "missing", "Give the service item or bundle.")
                : Error(404, "categoryId", "unknown-category", $"Category '{categoryId}' is not known.");
            return null;
        }
        var bookable = Bookable.Find(centre.Profile, itemId, bundleId);
        if (bookable is null)
            error = itemId is not null
                ? Error(404, "itemId", "unknown-item", $"Service item '{itemId}' is not known.")
                : Error(404, "bundleId", "unknown-bundle", $"Bundle '{bundleId}' is not known.");
        else if (categoryId is not null && bookable.CategoryId != categoryId)
        {
            error = Error(400, "categoryId", "wrong-category", $"'{bookable.Id}' belongs to category '{bookable.CategoryId}'.");
            return null;
        }
        return bookable;
    }

    private static BookingError? ValidateName(string? name, string field)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) return Error(400, field, "name-empty", "The name is empty.");
        if (trimmed.Length > MaxNameLength) return Error(400, field, "name-too-long", $"The name must be at most {MaxNameLength} characters.");
        if (trimmed.Any(char.IsControl)) return Error(400, field, "name-control-characters", "The name contains control characters.");
        return null;
    }

    private List<SlotKey> OldKeys(CentreSnapshot centre, Appointment a)
    {
        var slotMinutes = centre.Profile.Categories.FirstOrDefault(c => c.Id == a.CategoryId)?.SlotMinutes ?? 15;
        var slots = centre.Calendar.Slots(a.Date, a.CategoryId);
        var i = slots.ToList().FindIndex(s => s.Start == a.Start);
        if (i >= 0 && i + a.Slots <= slots.Count) return slots.Skip(i).Take(a.Slots).Select(s => new SlotKey(s.Date, s.Start)).ToList();
        // The calendar changed since booking: the counters are where the appointment was booked, slot by slot.
        return Enumerable.Range(0, a.Slots).Select(k => new SlotKey(a.Date, a.Start.PlusMinutes(k * slotMinutes))).ToList();
    }

    private static List<SlotKey> Keys(IEnumerable<Slot> slots) => slots.Select(s => new SlotKey(s.Date, s.Start)).ToList();

    /// <summary>
    /// The manage link lives until the day after the last date the appointment could be moved to (today plus the
    /// horizon), so it still works after a reschedule to a later day.
    /// </summary>
    private string IssueToken(CentreSnapshot centre, Appointment a)
    {
        var now = clock.GetCurrentInstant();
        var last = centre.Calendar.Today(now).PlusDays(centre.Rules.HorizonDays + 1);
        var until = a.Date > last ? a.Date.PlusDays(1) : last;
        return tokens.Issue(a.CentreId, $"appointment/{a.Id}", ManagePurpose, centre.Calendar.ToInstant(until + a.End) - now);
    }

    private string MobileKey(Appointment a) => MobileKey(a.Mobile);

    /// <summary>The ledger's key for a number: a keyed hash, so the ledger never holds the number itself.</summary>
    private string MobileKey(string mobile) => Pseudonym("mobile|" + mobile)[..32];

    private string Pseudonym(string text) => Convert.ToHexString(HMACSHA256.HashData(pseudonymKey, Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    private AppointmentEvent Event(string type, Appointment a, Caller caller, Appointment? previous) =>
        new($"{a.Id}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}", type, AppointmentEvent.CurrentVersion, a.CentreId, a.Id,
            clock.GetCurrentInstant(), caller.AuditName, a.Status, a.Date, a.Start, previous?.Date, previous?.Start);

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;

    private static BookingError Error(int status, string field, string code, string message) => new(status, field, code, message);
}
