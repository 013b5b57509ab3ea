using NodaTime;
using Scheduler.Core.Booking;

namespace Scheduler.Core.Tests.Support;

/// <summary>
/// <see cref="IAppointmentStore"/> in memory, with the semantics the port documents: a change is all or nothing;
/// the slots to take are admitted on their fresh usage (else <see cref="CommitOutcome.Full"/>); the appointment is
/// added only if absent or replaced only if its ETag is unchanged (else <see cref="CommitOutcome.Conflict"/>); the
/// ledger likewise (else <see cref="CommitOutcome.LedgerChanged"/>). Checked in that order, as the table store does.
/// </summary>
public sealed class InMemoryAppointmentStore : IAppointmentStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Centre, string Category, SlotKey Key), SlotUsage> _counters = [];
    private readonly Dictionary<(string Centre, string Id), StoredAppointment> _appointments = [];
    private readonly Dictionary<(string Centre, string Key), StoredLedger> _ledgers = [];
    private int _version;

    /// <summary>Events committed, in order.</summary>
    public List<AppointmentEvent> Events { get; } = [];

    /// <summary>What each commit answered, in order.</summary>
    public List<CommitOutcome> Outcomes { get; } = [];

    public int LedgerReads { get; private set; }
    public int UsageReads { get; private set; }

    /// <summary>The refreshes asked for, in order (usage is read live here, so they change nothing).</summary>
    public List<(string Centre, string Category, IReadOnlyCollection<SlotKey> Slots)> Refreshes { get; } = [];

    public Task RefreshUsageAsync(string centreId, string categoryId, IReadOnlyCollection<SlotKey> slots, CancellationToken cancellationToken)
    {
        lock (_gate) Refreshes.Add((centreId, categoryId, slots));
        return Task.CompletedTask;
    }

    /// <summary>Runs before a commit decides: where a test makes a rival's change.</summary>
    public Action<SlotChange>? BeforeCommit { get; set; }

    public Task<IReadOnlyDictionary<SlotKey, SlotUsage>> ReadUsageAsync(string centreId, string categoryId, LocalDate from, LocalDate to, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            UsageReads++;
            IReadOnlyDictionary<SlotKey, SlotUsage> result = _counters
                .Where(c => c.Key.Centre == centreId && c.Key.Category == categoryId && c.Key.Key.Date >= from && c.Key.Key.Date <= to)
                .ToDictionary(c => c.Key.Key, c => c.Value);
            return Task.FromResult(result);
        }
    }

    public Task<CommitOutcome> CommitAsync(SlotChange change, CancellationToken cancellationToken)
    {
        BeforeCommit?.Invoke(change);
        lock (_gate)
        {
            var outcome = Decide(change);
            Outcomes.Add(outcome);
            if (outcome == CommitOutcome.Committed) Apply(change);
            return Task.FromResult(outcome);
        }
    }

    private CommitOutcome Decide(SlotChange change)
    {
        var a = change.Appointment;
        if (!change.Admit(change.Take.Select(k => Usage(a.CentreId, a.CategoryId, k)).ToList())) return CommitOutcome.Full;
        var existing = _appointments.GetValueOrDefault((a.CentreId, a.Id));
        if (change.ExpectedETag is null ? existing is not null : existing?.ETag != change.ExpectedETag) return CommitOutcome.Conflict;
        if (change.Ledger is { } ledger)
        {
            var current = _ledgers.GetValueOrDefault((a.CentreId, ledger.MobileKey));
            if (ledger.ExpectedETag is null ? current is not null : current?.ETag != ledger.ExpectedETag) return CommitOutcome.LedgerChanged;
        }
        return CommitOutcome.Committed;
    }

    private void Apply(SlotChange change)
    {
        var a = change.Appointment;
        _appointments[(a.CentreId, a.Id)] = new StoredAppointment(a, NextETag());
        if (change.Ledger is { } ledger) _ledgers[(a.CentreId, ledger.MobileKey)] = new StoredLedger(ledger.Next, NextETag());
        foreach (var key in change.Take) _counters[(a.CentreId, a.CategoryId, key)] = Usage(a.CentreId, a.CategoryId, key).Add(a.Green, +1);
        foreach (var key in change.Release)
        {
            if (!_counters.TryGetValue((a.CentreId, a.CategoryId, key), out var usage)) continue;
            var less = usage.Add(a.Green, -1);
            _counters[(a.CentreId, a.CategoryId, key)] = new SlotUsage(Math.Max(0, less.General), Math.Max(0, less.Green));
        }
        Events.Add(change.RecordedEvent);
    }

    public Task<StoredAppointment?> GetAsync(string centreId, string appointmentId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_appointments.GetValueOrDefault((centreId, appointmentId)));
    }

    public Task<StoredLedger?> ReadLedgerAsync(string centreId, string mobileKey, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            LedgerReads++;
            return Task.FromResult(_ledgers.GetValueOrDefault((centreId, mobileKey)));
        }
    }

    public Task<IReadOnlyList<Appointment>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<Appointment>>(_appointments.Values.Select(s => s.Appointment)
                .Where(a => a.CentreId == centreId && a.Date == date).ToList());
    }

    public Task<IReadOnlyList<Appointment>> ListConfirmationsDueAsync(string centreId, Instant dueBy, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<Appointment>>(_appointments.Values.Select(s => s.Appointment)
                .Where(a => a.CentreId == centreId && a.Status == AppointmentStatus.AwaitingConfirmation && a.ConfirmBy <= dueBy).ToList());
    }

    public Task<IReadOnlyList<Appointment>> ListAsync(string centreId, string categoryId, LocalDate date, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<Appointment>>(_appointments.Values.Select(s => s.Appointment)
                .Where(a => a.CentreId == centreId && a.CategoryId == categoryId && a.Date == date)
                .OrderBy(a => a.Start).ThenBy(a => a.CreatedAt).ToList());
    }

    /// <summary>Seats taken in a slot, as its counter says.</summary>
    public SlotUsage Usage(string categoryId, LocalDate date, LocalTime start)
    {
        lock (_gate) return Usage(TestCentre.Id, categoryId, new SlotKey(date, start));
    }

    /// <summary>The appointment as stored now.</summary>
    public Appointment Appointment(string id)
    {
        lock (_gate) return _appointments[(TestCentre.Id, id)].Appointment;
    }

    /// <summary>The ledger of a mobile key as stored now, or null.</summary>
    public BookerLedger? Ledger(string mobileKey)
    {
        lock (_gate) return _ledgers.GetValueOrDefault((TestCentre.Id, mobileKey))?.Ledger;
    }

    /// <summary>Writes a ledger as a rival would: a new version, whatever was there.</summary>
    public void PutLedger(string mobileKey, BookerLedger ledger)
    {
        lock (_gate) _ledgers[(TestCentre.Id, mobileKey)] = new StoredLedger(ledger, NextETag());
    }

    /// <summary>Replaces an appointment as a rival would: a new version, whatever was there.</summary>
    public void Put(Appointment appointment)
    {
        lock (_gate) _appointments[(appointment.CentreId, appointment.Id)] = new StoredAppointment(appointment, NextETag());
    }

    private SlotUsage Usage(string centreId, string categoryId, SlotKey key) => _counters.GetValueOrDefault((centreId, categoryId, key));

    private string NextETag() => $"W/\"{++_version}\"";
}
