using NodaTime;

namespace Scheduler.Core.Booking;

/// <summary>An appointment a mobile number holds, as the ledger remembers it.</summary>
public sealed record LedgerEntry(string AppointmentId, LocalDate Date, IReadOnlyList<string> ItemIds, string ResidentKey, Instant ReservedAt);

public enum LedgerRefusal
{
    None,
    TooManyActive,
    Duplicate,
}

/// <summary>
/// What one mobile number holds at a centre: its active appointments (for the per-phone limits) and its no-shows.
/// The ledger is kept with the appointments and changed in the same atomic change as they are, so it never goes
/// stale; only appointments whose day has passed without an outcome are left in it, and they no longer count.
/// </summary>
public sealed record BookerLedger(IReadOnlyList<LedgerEntry> Active, IReadOnlyList<string> NoShows)
{
    public static BookerLedger Empty { get; } = new([], []);

    public bool Holds(string appointmentId) => Active.Any(e => e.AppointmentId == appointmentId);

    /// <summary>Whether <paramref name="entry"/> may be added: at most <paramref name="maxActive"/> appointments from today on, one per resident, item and day.</summary>
    public LedgerRefusal CanReserve(LedgerEntry entry, int maxActive, LocalDate today)
    {
        var current = Current(today).Where(e => e.AppointmentId != entry.AppointmentId).ToList();
        if (current.Any(e => Clashes(e, entry))) return LedgerRefusal.Duplicate;
        return current.Count >= maxActive ? LedgerRefusal.TooManyActive : LedgerRefusal.None;
    }

    /// <summary>The ledger with <paramref name="entry"/> added and the days gone by dropped.</summary>
    public BookerLedger Reserve(LedgerEntry entry, LocalDate today) =>
        this with { Active = [.. Current(today).Where(e => e.AppointmentId != entry.AppointmentId), entry] };

    public BookerLedger Release(string appointmentId) => this with { Active = Active.Where(e => e.AppointmentId != appointmentId).ToList() };

    /// <summary>The entry moved to <paramref name="date"/>, or <see cref="LedgerRefusal.Duplicate"/> when the resident holds the same item that day.</summary>
    public (BookerLedger Ledger, LedgerRefusal Refusal) Move(string appointmentId, LocalDate date)
    {
        var entry = Active.FirstOrDefault(e => e.AppointmentId == appointmentId);
        if (entry is null) return (this, LedgerRefusal.None);
        var moved = entry with { Date = date };
        if (Active.Any(e => e.AppointmentId != appointmentId && Clashes(e, moved))) return (this, LedgerRefusal.Duplicate);
        return (this with { Active = Active.Select(e => e.AppointmentId == appointmentId ? moved : e).ToList() }, LedgerRefusal.None);
    }

    /// <summary>A no-show counted once per appointment, however often it is recorded; the appointment no longer counts as active.</summary>
    public BookerLedger RecordNoShow(string appointmentId) =>
        Release(appointmentId) with { NoShows = NoShows.Contains(appointmentId) ? NoShows : [.. NoShows, appointmentId] };

    private IEnumerable<LedgerEntry> Current(LocalDate today) => Active.Where(e => e.Date >= today);

    private static bool Clashes(LedgerEntry a, LedgerEntry b) =>
        a.ResidentKey == b.ResidentKey && a.Date == b.Date && a.ItemIds.Intersect(b.ItemIds).Any();
}
