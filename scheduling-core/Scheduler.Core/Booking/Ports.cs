using NodaTime;
using Scheduler.Core.Calendar;
using Scheduler.Core.Catalogue;

namespace Scheduler.Core.Booking;

/// <summary>A slot of one category by its date and start.</summary>
public readonly record struct SlotKey(LocalDate Date, LocalTime Start);

/// <summary>
/// The booker's ledger as it should be after a change: replaced only if unchanged since read
/// (<see cref="ExpectedETag"/>), or added when <see cref="ExpectedETag"/> is null because none was known.
/// </summary>
public sealed record LedgerWrite(string MobileKey, BookerLedger Next, string? ExpectedETag);

/// <summary>
/// One atomic change to a centre's appointments: take the <see cref="Take"/> slots if <see cref="Admit"/> says
/// the fresh usage allows it, give back the <see cref="Release"/> slots, write the appointment (insert when
/// <see cref="ExpectedETag"/> is null, else replace only if unchanged since read), the booker's ledger when
/// <see cref="Ledger"/> is given, and the event (as <see cref="RecordedEvent"/>), all or nothing.
/// </summary>
public sealed record SlotChange(
    Appointment Appointment,
    string? ExpectedETag,
    IReadOnlyList<SlotKey> Take,
    IReadOnlyList<SlotKey> Release,
    Func<IReadOnlyList<SlotUsage>, bool> Admit,
    AppointmentEvent Event,
    LedgerWrite? Ledger = null)
{
    /// <summary>
    /// The event as stored and sent: with the category and the slots whose seats this change takes or gives back, so
    /// that its consumer brings the offers in step with those counters (ADR 0028), off the request's path.
    /// </summary>
    public AppointmentEvent RecordedEvent => Event with
    {
        CategoryId = Appointment.CategoryId,
        Seats = Take.Concat(Release).Distinct().OrderBy(k => k.Date).ThenBy(k => k.Start).ToList(),
    };
}

public enum CommitOutcome
{
    Committed,

    /// <summary>The slots to take are full.</summary>
    Full,

    /// <summary>The appointment changed since it was read, or an appointment with this id exists already.</summary>
    Conflict,

    /// <summary>The booker's ledger changed since it was read, or exists although none was known: read it and decide again.</summary>
    LedgerChanged,
}

/// <summary>
/// Where appointments, the slot counters that guard capacity and the per-mobile ledgers live: all of a centre in
/// one place, so that one change to any of them is atomic.
/// </summary>
public interface IAppointmentStore
{
    /// <summary>
    /// Seats taken per slot, for offers: may be a few seconds behind the counters (a summary, ADR 0017). Only
    /// <see cref="CommitAsync"/> decides whether a slot has room, against the counters themselves.
    /// </summary>
    Task<IReadOnlyDictionary<SlotKey, SlotUsage>> ReadUsageAsync(string centreId, string categoryId, LocalDate from, LocalDate to, CancellationToken cancellationToken);

    /// <summary>
    /// Brings what <see cref="ReadUsageAsync"/> offers for <paramref name="slots"/> in step with their counters as they
    /// are now: called by the consumer of a change's event (ADR 0028). Idempotent: it copies, it does not count.
    /// </summary>
    Task RefreshUsageAsync(string centreId, string categoryId, IReadOnlyCollection<SlotKey> slots, CancellationToken cancellationToken);

    Task<CommitOutcome> CommitAsync(SlotChange change, CancellationToken cancellationToken);

    Task<StoredAppointment?> GetAsync(string centreId, string appointmentId, CancellationToken cancellationToken);

    /// <summary>The ledger of a mobile number (by its pseudonymous key), or null when the number never booked here.</summary>
    Task<StoredLedger?> ReadLedgerAsync(string centreId, string mobileKey, CancellationToken cancellationToken);

    /// <summary>Appointments of a centre on one date, any category and status: read by key, however long the history.</summary>
    Task<IReadOnlyList<Appointment>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken);

    /// <summary>
    /// Appointments still awaiting a confirmation whose deadline is at or before <paramref name="dueBy"/>: read by key,
    /// however many were ever booked (an index of deadlines that the store prunes as it reads).
    /// </summary>
    Task<IReadOnlyList<Appointment>> ListConfirmationsDueAsync(string centreId, Instant dueBy, CancellationToken cancellationToken);

    /// <summary>Appointments of one category on one date, for staff.</summary>
    Task<IReadOnlyList<Appointment>> ListAsync(string centreId, string categoryId, LocalDate date, CancellationToken cancellationToken);
}

/// <summary>
/// An appointment as read, with the ETag to change it under. <see cref="Archived"/>: read from the archive (a day past
/// the retention window, ADR 0027), kept and readable but no longer changeable.
/// </summary>
public sealed record StoredAppointment(Appointment Appointment, string ETag, bool Archived = false);

/// <summary>
/// Where past appointments go (ADR 0027, 0031): a day's appointments, the copies of those moved to it and its slot
/// counters leave the centre's hot partition for an archive, copied first and then deleted only if unchanged since read.
/// </summary>
public interface IAppointmentArchive
{
    /// <summary>
    /// Takes the centre's archiving lease, so one run moves a centre's days at a time (a run's copy of a row must not
    /// land after a later run's copy of a newer version); null while another run holds it. The lease lapses by itself
    /// after a while, so a run that stopped halfway does not block the next night's.
    /// </summary>
    Task<IArchiveLease?> TryLeaseAsync(string centreId, CancellationToken cancellationToken);

    /// <summary>The oldest date from <paramref name="from"/> on and before <paramref name="before"/> that still has appointments in the hot partition, or null.</summary>
    Task<LocalDate?> OldestHotDayAsync(string centreId, LocalDate from, LocalDate before, CancellationToken cancellationToken);

    /// <summary>
    /// Moves one day of a centre to the archive: every row is copied (an upsert, so a repeated run copies again
    /// harmlessly) before its hot original is deleted under the ETag read; a row that changed meanwhile stays hot
    /// for the next run.
    /// </summary>
    Task<ArchivedDay> ArchiveDayAsync(string centreId, IReadOnlyList<string> categoryIds, LocalDate date, CancellationToken cancellationToken);
}

/// <summary>A held archiving lease: renewed before each day moved (false: it lapsed and another run took it, so stop); given back when disposed.</summary>
public interface IArchiveLease : IAsyncDisposable
{
    Task<bool> RenewAsync(CancellationToken cancellationToken);
}

/// <summary>What one day's archiving did: appointments moved, rows moved in all (appointments, copies, marks, counters), rows left (changed meanwhile, or an appointment now on a later day, which moves with that day).</summary>
public sealed record ArchivedDay(LocalDate Date, int Appointments, int Rows, int Left);

public sealed record StoredLedger(BookerLedger Ledger, string ETag);

/// <summary>A centre's profile with its calendar, as the booking rules see it.</summary>
public sealed record CentreSnapshot(CentreProfile Profile, CentreCalendar Calendar, BookingRules Rules);

/// <summary>The centres a deployment serves (ADR 0018): for the timers that run for each of them.</summary>
public interface ICentreList
{
    /// <summary>The enabled centres, the deployment's default centre always among them; one read of a short list.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken);
}

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
    /// <summary>Adds the request; false when one with the same id (the same wish from the same number) exists.</summary>
    Task<bool> AddAsync(ExtendedHoursRequest request, CancellationToken cancellationToken);
}

/// <summary>A resident's wish for a lunch, evening or weekend slot that no session offers yet.</summary>
public sealed record ExtendedHoursRequest(
    string Id, string CentreId, string CategoryId, string BookableId, LocalDate Date, SlotKind Wanted,
    string ResidentName, string Mobile, Instant At, string Actor);
