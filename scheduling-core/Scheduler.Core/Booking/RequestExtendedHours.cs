using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Calendar;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;

namespace Scheduler.Core.Booking;

public sealed record ExtendedHoursCommand(string? ItemId, string? BundleId, LocalDate? Date, SlotKind? Wanted, string? Name, string? Mobile, string? Language,
    string? VerificationCode = null, string? MobileProof = null);

/// <summary>Either the appointment the request was booked into, or the request recorded for the centre to decide on.</summary>
/// <param name="NewProof">The device's new proof of the mobile, when this request verified it by a code.</param>
public sealed record ExtendedHoursOutcome(Booked? Booked, ExtendedHoursRequest? Recorded, MobileProof? NewProof = null);

/// <summary>A wish for a lunch, evening or weekend slot: booked into such a session when one has room, else recorded for the centre.</summary>
public sealed class RequestExtendedHours(IAppointmentStore store, ICentreDirectory centres, IPhoneNumbers phones, IExtendedHoursRequests extendedHours,
    BookAppointment book, PhoneVerification verification, AuditTrail audit, IClock clock, Abuse.RateLimiter? limiter = null, Privacy.Pseudonyms? pseudonyms = null)
{
    public async Task<Outcome<ExtendedHoursOutcome>> RequestAsync(string centreId, ExtendedHoursCommand command, Caller caller, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        if (command.Wanted is not (SlotKind.Lunch or SlotKind.Evening or SlotKind.Weekend))
            return Problem.Invalid("wanted", ErrorCodes.UnknownPeriod, "wanted must be Lunch, Evening or Weekend.");
        if (BookingChecks.ValidateName(command.Name, "name") is { } nameError) return nameError;
        var mobile = phones.NormalizeMobile(command.Mobile, out var phoneReason);
        if (mobile is null) return Problem.Invalid("mobile", ErrorCodes.InvalidMobile, phoneReason);
        var bookable = BookingChecks.ResolveBookable(centre, null, command.ItemId, command.BundleId, out var bookableError);
        if (bookable is null) return bookableError!;
        if (command.Date is not { } date) return Problem.Invalid("date", ErrorCodes.Missing, "date is required.");
        var now = clock.GetCurrentInstant();
        var today = centre.Calendar.Today(now);
        if (date < today) return Problem.Invalid("date", ErrorCodes.InThePast, "The date has passed.");
        if (date > today.PlusDays(centre.Rules.HorizonDays)) return Problem.Invalid("date", ErrorCodes.BeyondHorizon, $"Appointments open {centre.Rules.HorizonDays} days ahead.");

        // A request books a seat or asks the centre for one and is answered by SMS: only from a verified mobile.
        var verified = await verification.VerifyAsync(centreId, mobile, command.VerificationCode, command.MobileProof, caller, cancellationToken);
        if (verified.Error is { } unverified) return unverified;
        var newProof = verified.Value!.NewProof;

        // The mobile's own limit counts verified requests only, as a booking's does: unverified ones (stopped above, and
        // limited per address before they get here) must not use up the requests of whoever's number was typed.
        if (limiter is not null && pseudonyms is not null && caller is AnonymousCaller or ResidentCaller
            && await limiter.CheckAsync(Abuse.RateScopes.PerMobile(Abuse.RateScopes.ExtendedHours), pseudonyms.Mobile(mobile), "mobile", cancellationToken) is { } tooMany)
            return tooMany;

        var usage = await store.ReadUsageAsync(centreId, bookable.CategoryId, date, date, cancellationToken);
        var wanted = command.Wanted.Value;
        var offer = BookingChecks.Offers(centre, bookable, date, date, green: false, now, usage).SelectMany(d => d.Slots)
            .FirstOrDefault(s => s.Kind == wanted || (wanted == SlotKind.Weekend && s.Kind == SlotKind.SpecialDate && date.DayOfWeek >= IsoDayOfWeek.Saturday));
        if (offer is not null)
        {
            var booked = await book.BookAsync(centreId, new BookCommand(command.ItemId, command.BundleId, date, offer.Start, command.Name, command.Mobile, null, null, command.Language, null,
                command.VerificationCode, newProof?.Value ?? command.MobileProof), caller, cancellationToken);
            if (booked.Error is null) return Outcome<ExtendedHoursOutcome>.Ok(new ExtendedHoursOutcome(booked.Value, null, newProof));
            if (booked.Error.Code != ErrorCodes.SlotFull) return booked.Error;
        }
        // The same wish (number, service, day, period) has one id, so asking again is refused rather than recorded twice.
        var id = pseudonyms is null ? Ids.New("xh-") : "xh-" + pseudonyms.Fingerprint($"extended|{mobile}|{bookable.Id}|{date:yyyy-MM-dd}|{wanted}")[..20];
        var request = new ExtendedHoursRequest(id, centreId, bookable.CategoryId, bookable.Id, date, wanted, command.Name!.Trim(), mobile, now, caller.AuditName);
        if (!await extendedHours.AddAsync(request, cancellationToken))
            return Problem.Conflict("wanted", ErrorCodes.Duplicate, "This number already asked for this service in that period on that day.");
        await audit.RecordAsync(centreId, caller, "extended-hours.requested", $"extended-hours/{request.Id}", $"{bookable.Id} {date:yyyy-MM-dd} {wanted}", cancellationToken);
        return Outcome<ExtendedHoursOutcome>.Ok(new ExtendedHoursOutcome(null, request, newProof));
    }
}
