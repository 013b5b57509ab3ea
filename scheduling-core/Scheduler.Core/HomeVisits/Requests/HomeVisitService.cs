using System.Security.Cryptography;
using System.Text;
using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Core.Residents;
using Scheduler.Core.Results;
using Scheduler.Core.Staffing;

namespace Scheduler.Core.HomeVisits.Requests;

public sealed record LocationInput(double? Latitude, double? Longitude);

public sealed record WindowInput(LocalDate? Date, LocalTime? From, LocalTime? To);

/// <param name="Language">The resident's language for every message about the request: "zh" (the default) or "en".</param>
/// <param name="VerificationCode">The code sent to <paramref name="Mobile"/> by <see cref="PhoneVerification"/>.</param>
/// <param name="MobileProof">The device's proof that it verified <paramref name="Mobile"/> before.</param>
public sealed record SubmitHomeVisit(
    string? Name, string? Mobile, string? IdNumber, EligibilityReason? Reason, LocationInput? Location, string? Address,
    string? ItemId, IReadOnlyList<WindowInput>? Windows, VisitUrgency? Urgency, string? Notes, string? Language = null,
    string? VerificationCode = null, string? MobileProof = null);

/// <summary>A request stored, and the device's new proof of the mobile when this request verified it by a code.</summary>
public sealed record SubmittedHomeVisit(HomeVisitRequest Request, MobileProof? NewProof);

public enum DecisionKind { Approve, Reject, AskForInformation }

/// <summary>
/// Home-visit requests: one validation for every channel (a resident's page, a community worker, a dispatcher, a
/// queue message from another system), eligibility by the centre's rules, and the dispatcher's decision, told to the
/// resident by SMS. A request from the public is taken only from a verified mobile (a code or a device's proof, as a
/// booking is, ADR 0014): a number typed by someone who does not hold it gets no message and loses none of its
/// requests to the per-mobile and per-ID limits, which count verified requests only. Staff, dispatchers and other
/// systems are not asked.
/// </summary>
public sealed class HomeVisitService(
    IHomeVisitStore store,
    ICentreDirectory centres,
    IPhoneNumbers phones,
    IIdProtector protector,
    HomeVisitNotifications notifications,
    AuditTrail audit,
    IClock clock,
    HomeVisitShiftRules shifts,
    EligibilityRules eligibility,
    Abuse.RateLimiter? limiter = null,
    Privacy.Pseudonyms? pseudonyms = null,
    PhoneVerification? verification = null)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public HomeVisitShiftRules Shifts => shifts;

    public async Task<Outcome<HomeVisitRequest>> SubmitAsync(string centreId, SubmitHomeVisit c, Caller caller, string channel, CancellationToken cancellationToken)
    {
        var submitted = await SubmitVerifiedAsync(centreId, c, caller, channel, cancellationToken);
        return submitted.Error is { } error ? error : Outcome<HomeVisitRequest>.Ok(submitted.Value!.Request);
    }

    /// <summary>
    /// <see cref="SubmitAsync"/>, with the device's new proof of the mobile when the request brought a code that
    /// verified it (the page and the API hand it to the device, so its next request needs no code).
    /// </summary>
    public async Task<Outcome<SubmittedHomeVisit>> SubmitVerifiedAsync(string centreId, SubmitHomeVisit c, Caller caller, string channel, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.NotFound("centre", ErrorCodes.UnknownCentre, $"Centre '{centreId}' is not known.");
        var name = c.Name?.Trim() ?? "";
        if (name.Length is 0 or > 50 || name.Any(char.IsControl)) return Problem.Invalid("name", ErrorCodes.InvalidName, "The name must be 1 to 50 characters without control characters.");
        var mobile = phones.NormalizeMobile(c.Mobile, out var phoneReason);
        if (mobile is null) return Problem.Invalid("mobile", ErrorCodes.InvalidMobile, phoneReason);
        var language = c.Language ?? "zh";
        if (language is not ("zh" or "en")) return Problem.Invalid("language", ErrorCodes.UnknownLanguage, "language must be 'zh' or 'en'.");
        var now = clock.GetCurrentInstant();
        var today = centre.Calendar.Today(now);
        int? age = null;
        string? protectedId = null;
        if (!string.IsNullOrWhiteSpace(c.IdNumber))
        {
            var birth = ResidentIdNumber.BirthDate(c.IdNumber, today, out var idReason);
            if (birth is null) return Problem.Invalid("idNumber", ErrorCodes.InvalidIdNumber, idReason);
            age = ResidentIdNumber.AgeOn(birth.Value, today);
            protectedId = protector.Protect(c.IdNumber.Trim().ToUpperInvariant());
        }
        if (c.Reason is not { } reason || !Enum.IsDefined(reason)) return Problem.Invalid("reason", ErrorCodes.MissingReason, "Say why the resident cannot come to the hall (the eligibility reason).");
        // The home's place is optional: without it (someone asking away from the home, with no map) the address is
        // what staff go by, and the request waits for a dispatcher to set the place before it can be planned.
        GeoPoint? home = null;
        if (c.Location is { Latitude: not null } or { Longitude: not null })
        {
            var place = CheckPlace(centre, c.Location.Latitude, c.Location.Longitude);
            if (place.Error is { } placeError) return placeError;
            home = place.Value;
        }
        var address = c.Address?.Trim() ?? "";
        if (address.Length is 0 or > 200 || address.Any(char.IsControl)) return Problem.Invalid("address", ErrorCodes.InvalidAddress, "The address must be 1 to 200 characters.");
        var item = centre.Profile.Items.FirstOrDefault(i => i.Id == c.ItemId);
        if (item is null) return Problem.NotFound("itemId", ErrorCodes.UnknownItem, $"Service item '{c.ItemId}' is not known.");
        if (item.HomeVisit is not { } profile) return Problem.Invalid("itemId", ErrorCodes.NotHomeVisitable, $"'{item.Id}' cannot be done at home.");
        var visitStaff = centre.Profile.Staff.Where(s => s.MakesHomeVisits).ToList();
        var covered = visitStaff.SelectMany(s => s.Skills).ToHashSet();
        if (profile.Skills.Any(s => !covered.Contains(s)))
            return Problem.Invalid("itemId", ErrorCodes.NoSkilledStaff, $"No member of staff who makes home visits has the skills '{item.Id}' needs.");
        if (profile.TeamSize > visitStaff.Count)
            return Problem.Invalid("itemId", ErrorCodes.TeamTooLarge, $"'{item.Id}' needs {profile.TeamSize} staff; only {visitStaff.Count} make home visits.");
        var shiftLength = (shifts.End - shifts.Start).ToDuration() - shifts.LunchLength;
        if (Duration.FromMinutes(item.Minutes) > shiftLength)
            return Problem.Invalid("itemId", ErrorCodes.LongerThanShift, $"'{item.Id}' takes {item.Minutes} minutes, longer than any shift.");
        if (c.Notes is { Length: > 500 }) return Problem.Invalid("notes", ErrorCodes.NotesTooLong, "Notes must be at most 500 characters.");

        if (c.Windows is not { Count: > 0 } windows) return Problem.Invalid("windows", ErrorCodes.NoWindows, "Give at least one time the resident can receive staff.");
        if (windows.Count > 10) return Problem.Invalid("windows", ErrorCodes.TooManyWindows, "Give at most 10 windows.");
        var accepted = new List<VisitWindow>();
        for (var i = 0; i < windows.Count; i++)
        {
            var w = windows[i];
            var field = $"windows[{i}]";
            if (w.Date is not { } date || w.From is not { } from || w.To is not { } to) return Problem.Invalid(field, ErrorCodes.IncompleteWindow, "A window needs date, from and to.");
            if (to <= from) return Problem.Invalid(field, ErrorCodes.ReversedWindow, "A window must end after it starts.");
            if (date < today || (date == today && centre.Calendar.ToInstant(date + to) <= now)) return Problem.Invalid(field, ErrorCodes.WindowInThePast, "The window has passed.");
            if (date > today.PlusDays(shifts.HorizonDays)) return Problem.Invalid(field, ErrorCodes.BeyondHorizon, $"Home visits are planned at most {shifts.HorizonDays} days ahead.");
            if (!centre.Calendar.IsWorkingDay(date) || to <= shifts.Start || from >= shifts.End || (to - from).ToDuration() < Duration.FromMinutes(item.Minutes)
                || Max(from, shifts.Start).PlusMinutes(item.Minutes) > Min(to, shifts.End))
                return Problem.Invalid(field, ErrorCodes.OutsideEveryShift, "No home-visit shift covers this window (weekdays and adjusted working days, " +
                    $"{shifts.Start:HH:mm}-{shifts.End:HH:mm}, long enough for the visit).");
            accepted.Add(new VisitWindow(date, from, to));
        }

        // Only a verified mobile is sent messages and holds a request; the check comes after the form's own checks (a
        // request that is refused anyway does not use up a code) and before anything is counted or stored.
        var verified = await VerifyAsync(centreId, mobile, c, caller, cancellationToken);
        if (verified.Error is { } unverified) return unverified;

        // Verified requests from the public are counted per mobile and per resident ID (staff, dispatchers and other
        // systems are not): someone typing another person's number is stopped above and uses up none of theirs.
        if (limiter is not null && pseudonyms is not null && caller is AnonymousCaller or ResidentCaller)
        {
            if (await limiter.CheckAsync(Abuse.RateScopes.PerMobile(Abuse.RateScopes.HomeVisit), pseudonyms.Mobile(mobile), "mobile", cancellationToken) is { } byMobile)
                return byMobile;
            if (!string.IsNullOrWhiteSpace(c.IdNumber)
                && await limiter.CheckAsync(Abuse.RateScopes.PerResident(Abuse.RateScopes.HomeVisit), pseudonyms.IdNumber(c.IdNumber), "idNumber", cancellationToken) is { } byResident)
                return byResident;
        }

        var duplicateKey = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{mobile}|{name.ToLowerInvariant()}|{item.Id}|{accepted[0].Date:yyyy-MM-dd}")))[..32];
        var request = new HomeVisitRequest(Ids.New("hv-"), centreId, name, mobile, protectedId, age,
            reason, home, address, item.Id, accepted, c.Urgency ?? VisitUrgency.Routine, c.Notes?.Trim(), channel, eligibility.Assess(reason, age),
            HomeVisitStatus.Submitted, null, now, caller.AuditName, duplicateKey, language);
        var received = new OwedVisitMessage(VisitMessageEvent.Received, request, now);
        if (!await store.AddAsync(request, received, cancellationToken))
            return Problem.Conflict("itemId", ErrorCodes.Duplicate, "This resident already asked for this service on that day.");
        await audit.RecordAsync(centreId, caller, "home-visit.requested", $"home-visit/{request.Id}", $"{item.Id} via {channel}, mobile {verified.Value!.How}", cancellationToken);
        await SendOwedAsync(received, cancellationToken);
        return Outcome<SubmittedHomeVisit>.Ok(new SubmittedHomeVisit(request, verified.Value.NewProof));
    }

    /// <summary>
    /// Whether the request's mobile is the requester's: a dispatcher or member of staff asking on a resident's behalf,
    /// or another system, is not asked; anyone else brings a code or a device's proof (<see cref="PhoneVerification"/>).
    /// Without a verification service only those who are not asked can submit.
    /// </summary>
    private async Task<Outcome<MobileVerified>> VerifyAsync(string centreId, string mobile, SubmitHomeVisit c, Caller caller, CancellationToken cancellationToken)
    {
        if (caller is StaffCaller staff && (staff.IsInRole(Roles.Dispatcher) || staff.IsInRole(Roles.Staff)))
            return Outcome<MobileVerified>.Ok(new MobileVerified(VerifiedBy.StaffAssisted, null));
        if (caller is SystemCaller) return Outcome<MobileVerified>.Ok(new MobileVerified(VerifiedBy.System, null));
        if (verification is null)
            return Problem.Forbidden("verificationCode", ErrorCodes.VerificationRequired, "Verify the mobile first.");
        return await verification.VerifyAsync(centreId, mobile, Blank(c.VerificationCode), Blank(c.MobileProof), caller, cancellationToken);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public async Task<Outcome<HomeVisitRequest>> DecideAsync(string centreId, string id, DecisionKind kind, string? reason, Caller caller, CancellationToken cancellationToken)
    {
        if (kind != DecisionKind.Approve && (string.IsNullOrWhiteSpace(reason) || reason.Length > 300))
            return Problem.Invalid("reason", ErrorCodes.ReasonRequired, "Give the resident a reason (at most 300 characters).");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var stored = await store.GetAsync(centreId, id, cancellationToken);
            if (stored is null) return Problem.NotFound("id", ErrorCodes.UnknownRequest, "No such home-visit request.");
            var r = stored.Request;
            var outcome = kind switch
            {
                DecisionKind.Approve => HomeVisitStatus.Approved,
                DecisionKind.Reject => HomeVisitStatus.Rejected,
                _ => HomeVisitStatus.NeedsInformation,
            };
            if (r.Status == outcome && r.Decision is { } earlier)
            {
                // A retry: the message may not have gone out the first time; the same key makes a second send a no-op.
                await SendOwedAsync(new OwedVisitMessage(VisitMessageEvent.Decided, r, earlier.At), cancellationToken);
                return Outcome<HomeVisitRequest>.Ok(r);
            }
            if (r.Status is not (HomeVisitStatus.Submitted or HomeVisitStatus.NeedsInformation))
                return Problem.Conflict("id", ErrorCodes.AlreadyDecided, $"The request is {r.Status}.");
            var decided = r with { Status = outcome, Decision = new Decision(outcome, caller.AuditName, clock.GetCurrentInstant(), reason?.Trim()) };
            var message = new OwedVisitMessage(VisitMessageEvent.Decided, decided, decided.Decision!.At);
            if (!await store.ReplaceAsync(decided, stored.ETag, message, cancellationToken)) continue;
            await audit.RecordAsync(centreId, caller, $"home-visit.{outcome.ToString().ToLowerInvariant()}", $"home-visit/{id}", reason, cancellationToken);
            await SendOwedAsync(message, cancellationToken);
            return Outcome<HomeVisitRequest>.Ok(decided);
        }
        return Problem.Conflict("id", ErrorCodes.Busy, "The request is being changed elsewhere; try again.");
    }

    /// <summary>A home's place: both coordinates, a valid point, inside the centre's service area.</summary>
    private Outcome<GeoPoint> CheckPlace(CentreSnapshot centre, double? latitude, double? longitude)
    {
        if (latitude is not { } lat || longitude is not { } lon || !new GeoPoint(lat, lon).IsValid())
            return Problem.Invalid("location", ErrorCodes.InvalidLocation, "location needs numeric latitude (-90 to 90) and longitude (-180 to 180), both or neither.");
        var home = new GeoPoint(lat, lon);
        var distance = GreatCircleTravelTimeProvider.Haversine(centre.Profile.Centre.Location, home) / 1000;
        if (distance > eligibility.ServiceRadiusKm)
            return Problem.Invalid("location", ErrorCodes.OutsideServiceArea, $"The home is {distance:F0} km from the centre, outside its {eligibility.ServiceRadiusKm:F0} km service area.");
        return Outcome<GeoPoint>.Ok(home);
    }

    /// <summary>
    /// A dispatcher sets (or corrects) the place of a request's home, from its address: validated as a submitted one
    /// is, audited, and the request can then be planned. Not for a request rejected or cancelled. The resident is not
    /// told: nothing changed for them.
    /// </summary>
    public async Task<Outcome<HomeVisitRequest>> SetLocationAsync(string centreId, string id, double? latitude, double? longitude, Caller caller,
        CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.NotFound("centre", ErrorCodes.UnknownCentre, $"Centre '{centreId}' is not known.");
        var place = CheckPlace(centre, latitude, longitude);
        if (place.Error is { } placeError) return placeError;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var stored = await store.GetAsync(centreId, id, cancellationToken);
            if (stored is null) return Problem.NotFound("id", ErrorCodes.UnknownRequest, "No such home-visit request.");
            var r = stored.Request;
            if (r.Location == place.Value) return Outcome<HomeVisitRequest>.Ok(r); // a retry
            if (r.Status is HomeVisitStatus.Rejected or HomeVisitStatus.Cancelled)
                return Problem.Conflict("id", ErrorCodes.AlreadyDecided, $"The request is {r.Status}.");
            var placed = r with { Location = place.Value };
            if (!await store.ReplaceAsync(placed, stored.ETag, cancellationToken)) continue;
            await audit.RecordAsync(centreId, caller, "home-visit.location-set", $"home-visit/{id}", r.Location is null ? "was pending" : "corrected", cancellationToken);
            return Outcome<HomeVisitRequest>.Ok(placed);
        }
        return Problem.Conflict("id", ErrorCodes.Busy, "The request is being changed elsewhere; try again.");
    }

    /// <summary>Cancels a request that is not yet decided against or cancelled; the resident is told by SMS.</summary>
    public async Task<Outcome<HomeVisitRequest>> CancelAsync(string centreId, string id, string? reason, Caller caller, CancellationToken cancellationToken)
    {
        if (reason is { Length: > 300 }) return Problem.Invalid("reason", ErrorCodes.ReasonTooLong, "The reason must be at most 300 characters.");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var stored = await store.GetAsync(centreId, id, cancellationToken);
            if (stored is null) return Problem.NotFound("id", ErrorCodes.UnknownRequest, "No such home-visit request.");
            var r = stored.Request;
            if (r.Status == HomeVisitStatus.Cancelled)
            {
                // A retry: finish the message if the first attempt did not (the key makes it a no-op otherwise).
                await SendOwedAsync(new OwedVisitMessage(VisitMessageEvent.Cancelled, r, r.Decision?.At ?? r.CreatedAt), cancellationToken);
                return Outcome<HomeVisitRequest>.Ok(r);
            }
            if (r.Status == HomeVisitStatus.Rejected) return Problem.Conflict("id", ErrorCodes.AlreadyDecided, "The request was rejected.");
            var cancelled = r with { Status = HomeVisitStatus.Cancelled, Decision = new Decision(HomeVisitStatus.Cancelled, caller.AuditName, clock.GetCurrentInstant(), reason?.Trim()) };
            var message = new OwedVisitMessage(VisitMessageEvent.Cancelled, cancelled, cancelled.Decision!.At);
            if (!await store.ReplaceAsync(cancelled, stored.ETag, message, cancellationToken)) continue;
            await audit.RecordAsync(centreId, caller, "home-visit.cancelled", $"home-visit/{id}", reason, cancellationToken);
            await SendOwedAsync(message, cancellationToken);
            return Outcome<HomeVisitRequest>.Ok(cancelled);
        }
        return Problem.Conflict("id", ErrorCodes.Busy, "The request is being changed elsewhere; try again.");
    }

    public Task<IReadOnlyList<HomeVisitRequest>> ListAsync(string centreId, CancellationToken cancellationToken) => store.ListAsync(centreId, cancellationToken);

    /// <summary>
    /// Puts an owed message in the SMS outbox, then marks it no longer owed. The change that owes it is stored already:
    /// a failure here leaves it owed for <see cref="SweepMessagesAsync"/> rather than failing the change (a resident
    /// who tried again would be told the request exists). False when it was left.
    /// </summary>
    private async Task<bool> SendOwedAsync(OwedVisitMessage owed, CancellationToken cancellationToken)
    {
        try
        {
            await notifications.SendAsync(owed, cancellationToken);
            await store.MessageSentAsync(owed, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends the messages the centre's requests still owe from changes made before <paramref name="before"/> (a change
    /// after it may still be sending its own): each under its key, so one sent but not yet marked is not sent again.
    /// How many were sent, and how many failed again (left owed for the next sweep).
    /// </summary>
    public async Task<(int Sent, int Failed)> SweepMessagesAsync(string centreId, Instant before, CancellationToken cancellationToken)
    {
        var (sent, failed) = (0, 0);
        foreach (var owed in await store.OwedMessagesAsync(centreId, cancellationToken))
        {
            if (owed.At > before) continue;
            if (await SendOwedAsync(owed, cancellationToken)) sent++;
            else failed++;
        }
        return (sent, failed);
    }

    /// <summary>The requests with a window on one day (for planning it, telling its residents, a staff member's day): read by key.</summary>
    public Task<IReadOnlyList<HomeVisitRequest>> ListForDateAsync(string centreId, LocalDate date, CancellationToken cancellationToken) =>
        store.ListForDateAsync(centreId, date, cancellationToken);

    /// <summary>
    /// One page of requests, oldest first: at most <paramref name="pageSize"/> (50 by default, 200 at most) after the
    /// page that <paramref name="continuation"/> (from the page before) ends; the continuation of the next page, if any.
    /// The continuation is opaque to callers (base64url of the last request's <see cref="RequestPosition"/>); one that
    /// this service did not give is refused. Without a filter a page reads <paramref name="pageSize"/> + 1 stored
    /// requests at most. With one (<paramref name="filter"/>: status, urgency, a visit day) the requests are read in
    /// order and kept when they match, until the page is full or <see cref="MaxScanned"/> requests were read: a page
    /// may then hold fewer than asked, with a continuation from where reading stopped, so no request is ever skipped
    /// and no page reads without bound.
    /// </summary>
    public async Task<Outcome<(IReadOnlyList<HomeVisitRequest> Items, string? Next)>> PageAsync(string centreId, int? pageSize, string? continuation,
        CancellationToken cancellationToken, RequestFilter? filter = null)
    {
        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize) return Problem.Invalid("pageSize", ErrorCodes.InvalidPageSize, $"pageSize must be between 1 and {MaxPageSize}.");
        string? after = null;
        if (!string.IsNullOrEmpty(continuation))
        {
            after = DecodeContinuation(continuation);
            if (after is null)
                return Problem.Invalid("continuationToken", ErrorCodes.InvalidContinuation, "continuationToken must be the one the page before gave, unchanged.");
        }
        filter ??= RequestFilter.None;
        var kept = new List<HomeVisitRequest>();
        var cursor = after;
        var scanned = 0;
        var exhausted = false;
        while (kept.Count <= size && scanned < MaxScanned)
        {
            var want = filter.IsNone ? size + 1 - kept.Count : Math.Min(size + 1, MaxScanned - scanned);
            var read = await store.PageAsync(centreId, want, cursor, cancellationToken);
            foreach (var r in read)
            {
                scanned++;
                cursor = RequestPosition.Of(r);
                if (filter.Matches(r)) kept.Add(r);
                if (kept.Count > size) break;
            }
            if (read.Count < want)
            {
                exhausted = true;
                break;
            }
        }
        var page = kept.Take(size).ToList();
        string? next = kept.Count > size ? EncodeContinuation(RequestPosition.Of(page[^1]))
            : !exhausted && cursor is not null && cursor != after ? EncodeContinuation(cursor)
            : null;
        return Outcome<(IReadOnlyList<HomeVisitRequest>, string?)>.Ok((page, next));
    }

    /// <summary>How many stored requests one filtered page reads at most.</summary>
    public const int MaxScanned = 1_000;

    private static string EncodeContinuation(string position) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(position)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeContinuation(string token)
    {
        if (token.Length > 200 || !System.Text.RegularExpressions.Regex.IsMatch(token, "^[A-Za-z0-9_-]+$")) return null;
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        try
        {
            var position = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            return RequestPosition.IsValid(position) ? position : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static LocalTime Max(LocalTime a, LocalTime b) => a > b ? a : b;
    private static LocalTime Min(LocalTime a, LocalTime b) => a < b ? a : b;

}

/// <summary>Which requests a dispatcher's page lists: any of them when a part is null.</summary>
public sealed record RequestFilter(HomeVisitStatus? Status, VisitUrgency? Urgency, LocalDate? Date)
{
    public static RequestFilter None { get; } = new(null, null, null);

    public bool IsNone => Status is null && Urgency is null && Date is null;

    public bool Matches(HomeVisitRequest r) =>
        (Status is null || r.Status == Status) && (Urgency is null || r.Urgency == Urgency) && (Date is null || r.Windows.Any(w => w.Date == Date));
}
