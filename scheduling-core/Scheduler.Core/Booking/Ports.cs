using NodaTime;
using Scheduler.Core.Calendar;
using Scheduler.Core.Catalogue;

namespace Scheduler.Core.Booking;

/// <summary>A slot of one category by its date and start.</summary>
public readonly record struct SlotKey(LocalDate Date, LocalTime Start);

/// <summary>
/// One atomic change to a category's appointments: take the <see cref="Take"/> slots if <see cref="Admit"/> says
/// the fresh usage allows it, give back the <see cref="Release"/> slots, and write the appointment (insert when
/// <see cref="ExpectedETag"/> is null, else replace only if unchanged since read) together with its event.
/// </summary>
public sealed record SlotChange(
    Appointment Appointment,
    string? ExpectedETag,
    IReadOnlyList<SlotKey> Take,
    IReadOnlyList<SlotKey> Release,
    Func<IReadOnlyList<SlotUsage>, bool> Admit,
    AppointmentEvent Event);

public enum CommitOutcome
{
    Committed,

    /// <summary>The slots to take are full.</summary>
    Full,

    /// <summary>The appointment changed since it was read, or an appointment with this id exists already.</summary>
    Conflict,
}

/// <summary>Where appointments and the slot counters that guard capacity live.</summary>
public interface IAppointmentStore
{
    Task<IReadOnlyDictionary<SlotKey, SlotUsage>> ReadUsageAsync(string centreId, string categoryId, LocalDate from, LocalDate to, CancellationToken cancellationToken);

    Task<CommitOutcome> CommitAsync(SlotChange change, CancellationToken cancellationToken);

    Task<StoredAppointment?> GetAsync(string centreId, string appointmentId, CancellationToken cancellationToken);

    /// <summary>Appointments of a centre, any category, in one status.</summary>
    Task<IReadOnlyList<Appointment>> ListByStatusAsync(string centreId, AppointmentStatus status, CancellationToken cancellationToken);

    /// <summary>Appointments of one category on one date, for staff.</summary>
    Task<IReadOnlyList<Appointment>> ListAsync(string centreId, string categoryId, LocalDate date, CancellationToken cancellationToken);
}

public sealed record StoredAppointment(Appointment Appointment, string ETag);

/// <summary>An appointment a mobile number holds, as the ledger remembers it.</summary>
public sealed record LedgerEntry(string AppointmentId, LocalDate Date, IReadOnlyList<string> ItemIds, string ResidentKey, Instant ReservedAt);

public enum LedgerRefusal
{
    None,
    TooManyActive,
    Duplicate,
}

/// <summary>The ledger's answer to a reservation, with the number's no-shows read in the same look.</summary>
public readonly record struct LedgerReservation(LedgerRefusal Refusal, int NoShows);

/// <summary>
/// Per mobile number: the appointments it holds (for the per-phone limits) and its no-shows. Kept apart from the
/// slot counters (another partition), so a booking first reserves here, then commits the slots, and gives the
/// reservation back if the slots are full.
/// </summary>
public interface IBookerLedger
{
    /// <summary>
    /// Adds <paramref name="entry"/> unless the number holds <paramref name="maxActive"/> entries already or one for the
    /// same resident, date and item. Entries <paramref name="isStillActive"/> denies are dropped first.
    /// </summary>
    Task<LedgerReservation> ReserveAsync(string centreId, string mobileKey, LedgerEntry entry, int maxActive,
        Func<LedgerEntry, Task<bool>> isStillActive, CancellationToken cancellationToken);

    Task ReleaseAsync(string centreId, string mobileKey, string appointmentId, CancellationToken cancellationToken);

    /// <summary>Moves an entry to another date; refuses with <see cref="LedgerRefusal.Duplicate"/> when the resident holds the same item that day.</summary>
    Task<LedgerRefusal> MoveAsync(string centreId, string mobileKey, string appointmentId, LocalDate newDate, CancellationToken cancellationToken);

    /// <summary>Counts a no-show once per appointment, however often it is recorded.</summary>
    Task RecordNoShowAsync(string centreId, string mobileKey, string appointmentId, CancellationToken cancellationToken);
}

/// <summary>A centre's profile with its calendar, as the booking rules see it.</summary>
public sealed record CentreSnapshot(CentreProfile Profile, CentreCalendar Calendar, BookingRules Rules);

public interface ICentreDirectory
{
    Task<CentreSnapshot?> GetAsync(string centreId, CancellationToken cancellationToken);
}

/// <summary>Mobile numbers in, E.164 out.</summary>
public interface IPhoneNumbers
{
    /// <summary>The number in E.164 when it is a valid mobile number (Chinese when no country code is given), else null and why.</summary>
    string? NormalizeMobile(string? input, out string reason);
}

/// <summary>Where extended-hours requests wait for the centre's decision.</summary>
public interface IExtendedHoursRequests
{
    Task AddAsync(ExtendedHoursRequest request, CancellationToken cancellationToken);
}

/// <summary>A resident's wish for a lunch, evening or weekend slot that no session offers yet.</summary>
public sealed record ExtendedHoursRequest(
    string Id, string CentreId, string CategoryId, string BookableId, LocalDate Date, SlotKind Wanted,
    string ResidentName, string Mobile, Instant At, string Actor);
