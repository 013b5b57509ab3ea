using NodaTime;

namespace Scheduler.Core.Booking;

/// <summary>An appointment a mobile number holds, as the ledger remembers it.</summary>
/// <param name="GreenPending">A green-channel claim not yet checked at the window (confirmed or downgraded).</param>
public sealed record LedgerEntry(string AppointmentId, LocalDate Date, IReadOnlyList<string> ItemIds, string ResidentKey, Instant ReservedAt, bool GreenPending = false);

public enum LedgerRefusal
{
    None,
    TooManyActive,
    Duplicate,

    /// <summary>The number already holds <see cref="BookerLedger.MaxPendingGreen"/> green-channel claims not yet checked.</summary>
    GreenPending,

    /// <summary>Staff downgraded enough of the number's green-channel claims that it may claim no more.</summary>
    GreenRefused,
}

/// <summary>
/// What one mobile number holds at a centre: its active appointments (for the per-phone limits), its no-shows and
/// its green-channel claims that staff downgraded at the window. The ledger is kept with the appointments and
/// changed in the same atomic change as they are, so it never goes stale; only appointments whose day has passed
/// without an outcome are left in it, and they no longer count.
/// </summary>
/// <param name="Downgrades">Appointments whose green-channel claim staff found not to hold, each counted once.</param>
public sealed record BookerLedger(IReadOnlyList<LedgerEntry> Active, IReadOnlyList<string> NoShows, IReadOnlyList<string> Downgrades)
{
    public static BookerLedger Empty { get; } = new([], [], []);

    /// <summary>Green-channel claims one number may hold unchecked: a further claim waits until staff have checked this one.</summary>
    public const int MaxPendingGreen = 1;

    public bool Holds(string appointmentId) => Active.Any(e => e.AppointmentId == appointmentId);

    /// <summary>
    /// Whether <paramref name="entry"/> may be added: at most <paramref name="maxActive"/> appointments from today on,
    /// one per resident, item and day; a green-channel claim only while fewer than
    /// <paramref name="downgradesBeforeRefusal"/> claims were downgraded and none is waiting for its check.
    /// </summary>
    public LedgerRefusal CanReserve(LedgerEntry entry, int maxActive, LocalDate today, int downgradesBeforeRefusal = int.MaxValue)
    {
        var current = Current(today).Where(e => e.AppointmentId != entry.AppointmentId).ToList();
        if (current.Any(e => Clashes(e, entry))) return LedgerRefusal.Duplicate;
        if (current.Count >= maxActive) return LedgerRefusal.TooManyActive;
        if (!entry.GreenPending) return LedgerRefusal.None;
        if (Downgrades.Count >= downgradesBeforeRefusal) return LedgerRefusal.GreenRefused;
        return current.Count(e => e.GreenPending) >= MaxPendingGreen ? LedgerRefusal.GreenPending : LedgerRefusal.None;
    }

    /// <summary>
    /// Staff checked the green-channel claim of <paramref name="appointmentId"/>: it no longer waits; a downgrade is
    /// counted (once), and a confirmation after a downgrade (a correction) takes that count back.
    /// </summary>
    public BookerLedger CheckGreen(string appointmentId, bool holds) => this with
    {
        Active = Active.Select(e => e.AppointmentId == appointmentId ? e with { GreenPending = false } : e).ToList(),
        Downgrades = holds ? Downgrades.Where(d => d != appointmentId).ToList()
            : Downgrades.Contains(appointmentId) ? Downgrades : [.. Downgrades, appointmentId],
    };

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
