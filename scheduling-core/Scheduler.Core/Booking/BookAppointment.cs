using NodaTime;
using Scheduler.Core.Identity;
using Scheduler.Core.Privacy;
using Scheduler.Core.Results;

namespace Scheduler.Core.Booking;

public sealed record ProxyInput(string? Name, string? Relationship, bool ResidentConsented);

/// <summary>Staff booking for a resident at the counter or on the phone (帮办代办): the resident's consent, recorded.</summary>
public sealed record AssistedInput(string? Channel, bool ResidentConsented);

/// <param name="VerificationCode">The code sent to <paramref name="Mobile"/> by <see cref="PhoneVerification"/>.</param>
/// <param name="MobileProof">The device's proof that it verified <paramref name="Mobile"/> before.</param>
/// <param name="Assisted">Given when a member of staff books for the resident.</param>
public sealed record BookCommand(
    string? ItemId, string? BundleId, LocalDate? Date, LocalTime? Start, string? Name, string? Mobile,
    PriorityReason? Priority, ProxyInput? Proxy, string? Language, string? IdempotencyKey,
    string? VerificationCode = null, string? MobileProof = null, AssistedInput? Assisted = null);

/// <param name="NewProof">The device's new proof of the mobile, when this booking verified it by a code.</param>
public sealed record Booked(Appointment Appointment, string ManageToken, bool Repeated, MobileProof? NewProof = null);

/// <summary>
/// Books a slot. The seats, the mobile number's ledger (at most so many active appointments, one item per resident
/// and day), the appointment and its event are one atomic change. A number that never booked here is assumed to
/// have no ledger: then a booking is three storage calls (read the counters, commit, send the event); a number that
/// has one is read and decided again when the commit says so.
/// </summary>
public sealed class BookAppointment(IAppointmentStore store, ICentreDirectory centres, IPhoneNumbers phones, AvailabilityQuery availability,
    ManageLinks links, Pseudonyms pseudonyms, PhoneVerification verification, IClock clock, Abuse.RateLimiter? limiter = null)
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
        AssistedConsent? assisted = null;
        if (caller is StaffCaller staff)
        {
            if (command.Assisted is not { ResidentConsented: true } a || a.Channel is not ("counter" or "phone"))
                return Problem.Invalid("assisted", ErrorCodes.ConsentMissing,
                    "Staff book for a resident only with the resident's consent: send assisted.channel ('counter' or 'phone') and assisted.residentConsented true.");
            assisted = new AssistedConsent(staff.UserId, a.Channel, now);
        }

        // Only a verified mobile holds a seat; the check comes before a repeated request is answered, so a replay
        // cannot hand a manage link to someone who does not hold the number.
        var verified = await verification.VerifyAsync(centreId, mobile, command.VerificationCode, command.MobileProof, caller, cancellationToken);
        if (verified.Error is { } unverified) return unverified;
        var newProof = verified.Value!.NewProof;

        // The mobile's own limit counts verified attempts only: unverified ones (stopped above, and limited per
        // address before they get here) must not use up a resident's bookings for whoever types their number.
        if (limiter is not null && caller is not (StaffCaller or SystemCaller or SmsReplyCaller)
            && await limiter.CheckAsync(Abuse.RateScopes.PerMobile(Abuse.RateScopes.Booking), pseudonyms.Mobile(mobile), "mobile", cancellationToken) is { } tooMany)
            return tooMany;
        var requestHash = RequestHash(command, mobile, bookable.Id);

        var name = command.Name!.Trim();
        var repeatable = command.IdempotencyKey is { Length: > 0 };
        var id = AppointmentIds.New(bookable.CategoryId, run[0].Date, repeatable ? pseudonyms.Request(centreId, mobile, command.IdempotencyKey!) : Ids.New(bytes: 10));
        // A green-channel claim waits for staff to check it at the window, unless staff booked it at the counter with
        // the resident in front of them: that claim is seen, so it neither waits nor meets the refusals for claims.
        var greenPending = command.Priority is not null && assisted is not { Channel: "counter" };
        var entry = new LedgerEntry(id, run[0].Date, bookable.ItemIds, pseudonyms.Resident(mobile, name), now, GreenPending: greenPending);
        var mobileKey = pseudonyms.Mobile(mobile);
        var today = centre.Calendar.Today(now);
        var startsAt = centre.Calendar.ToInstant(run[0].StartsAt);

        StoredLedger? known = null;
        return await ConflictRetry.RunAsync<Outcome<Booked>>(async _ =>
        {
            var ledger = known?.Ledger ?? BookerLedger.Empty;
            // The same idempotency key as an appointment this number holds, whatever its day or service: that request again.
            if (repeatable && ledger.Active.FirstOrDefault(e => AppointmentIds.KeyOf(e.AppointmentId) == AppointmentIds.KeyOf(id)) is { } held)
                return Attempt<Outcome<Booked>>.Done(await RepeatedAsync(centre, held.AppointmentId, requestHash, newProof, cancellationToken) ?? (Outcome<Booked>)BookingChecks.Busy());
            switch (ledger.CanReserve(entry, centre.Rules.MaxActivePerPhone, today, centre.Rules.GreenDowngradesBeforeRefusal))
            {
                case LedgerRefusal.GreenRefused:
                    return Attempt<Outcome<Booked>>.Done(Problem.Conflict("priority", ErrorCodes.GreenClaimsRefused,
                        "Staff found this mobile's green-channel claims not to hold too often; book without a priority, or ask at the centre."));
                case LedgerRefusal.GreenPending:
                    return Attempt<Outcome<Booked>>.Done(Problem.Conflict("priority", ErrorCodes.GreenClaimPending,
                        "This mobile already holds a green-channel appointment not yet checked at the window; book without a priority, or after that visit."));
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
                language, mustConfirm ? AppointmentStatus.AwaitingConfirmation : AppointmentStatus.Booked, now, caller.AuditName, confirmBy, now)
            {
                VerifiedBy = verified.Value.How,
                Assisted = assisted,
                RequestHash = requestHash,
                GreenCheck = command.Priority is null ? null : Booking.GreenCheck.Pending,
            };

            var outcome = await store.CommitAsync(new SlotChange(appointment, null, BookingChecks.Keys(run), [],
                usage => BookingChecks.Fits(centre, run, usage, appointment.Green, now), AppointmentEvent.Of(AppointmentEventTypes.Booked, appointment, caller, now),
                new LedgerWrite(mobileKey, ledger.Reserve(entry, today), known?.ETag)), cancellationToken);
            switch (outcome)
            {
                case CommitOutcome.Committed:
                    return Attempt<Outcome<Booked>>.Done(Outcome<Booked>.Ok(new Booked(appointment, links.Issue(centre, appointment), Repeated: false, newProof)));
                case CommitOutcome.Full:
                    // A repeated request (same idempotency key) may have lost the race to its own first copy: answer with that.
                    if (repeatable && await RepeatedAsync(centre, id, requestHash, newProof, cancellationToken) is { } first) return Attempt<Outcome<Booked>>.Done(first);
                    return Attempt<Outcome<Booked>>.Done(BookingChecks.SlotFull(await availability.NearestAsync(centre, bookable, run[0], appointment.Green, cancellationToken)));
                case CommitOutcome.Conflict:
                    // An appointment with this id exists: the same request, booked before.
                    return await RepeatedAsync(centre, id, requestHash, newProof, cancellationToken) is { } again ? Attempt<Outcome<Booked>>.Done(again) : Attempt<Outcome<Booked>>.Again;
                default:
                    known = await store.ReadLedgerAsync(centreId, mobileKey, cancellationToken);
                    return Attempt<Outcome<Booked>>.Again;
            }
        }, () => Problem.Conflict("start", ErrorCodes.Busy, "The booking could not be completed; try again."), Attempts);
    }

    /// <summary>
    /// The answer to a request repeated with its idempotency key: the first booking, if the request is the same one
    /// (another name, service, time, priority, proxy or language under the same key is refused). Its id is keyed by
    /// the mobile, which the caller has just shown to hold, so the manage link goes to someone who could manage it.
    /// </summary>
    private async Task<Outcome<Booked>?> RepeatedAsync(CentreSnapshot centre, string id, string requestHash, MobileProof? newProof, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(centre.Profile.Centre.Id, id, cancellationToken) is not { } stored) return null;
        if (stored.Appointment.RequestHash is { } first && first != requestHash)
            return Problem.Unprocessable("Idempotency-Key", ErrorCodes.RequestMismatch,
                "This Idempotency-Key was used for a different booking; use a new key for a new request.");
        return Outcome<Booked>.Ok(new Booked(stored.Appointment, links.Issue(centre, stored.Appointment), Repeated: true, newProof));
    }

    /// <summary>What makes two booking requests the same request: everything the person chose, hashed.</summary>
    private string RequestHash(BookCommand c, string mobile, string bookableId) =>
        pseudonyms.Fingerprint(string.Join('\u001f', mobile, bookableId, c.BundleId is null ? "item" : "bundle", c.Date?.ToString("yyyy-MM-dd", null),
            c.Start?.ToString("HH:mm", null), c.Name?.Trim(), c.Priority?.ToString(), c.Proxy?.Name?.Trim(), c.Proxy?.Relationship?.Trim(), c.Language ?? "zh"));

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;
}
