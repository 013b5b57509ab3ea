using BenchmarkDotNet.Attributes;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Functions.Catalogue;

namespace Scheduler.Bench.Booking;

/// <summary>
/// The in-process cost of availability: 60 days of every item and bundle of the demo centre, computed by the availability
/// query from slot usage already read (a half-booked centre), without storage.
/// </summary>
[MemoryDiagnoser]
public class AvailabilityBenchmark
{
    private AvailabilityQuery _service = null!;
    private IReadOnlyList<Bookable> _bookables = null!;

    private sealed class Snapshot(CentreSnapshot snapshot) : ICentreDirectory
    {
        public Task<CentreSnapshot?> GetAsync(string centreId, CancellationToken cancellationToken) => Task.FromResult<CentreSnapshot?>(snapshot);
    }

    /// <summary>Hands the service usage computed once: this measures the computation, not the storage.</summary>
    private sealed class ReadUsage(Dictionary<string, IReadOnlyDictionary<SlotKey, SlotUsage>> usage) : IAppointmentStore
    {
        public Task<IReadOnlyDictionary<SlotKey, SlotUsage>> ReadUsageAsync(string centreId, string categoryId, LocalDate from, LocalDate to, CancellationToken cancellationToken) =>
            Task.FromResult(usage[categoryId]);
        public Task RefreshUsageAsync(string centreId, string categoryId, IReadOnlyCollection<SlotKey> slots, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<CommitOutcome> CommitAsync(SlotChange change, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<StoredAppointment?> GetAsync(string centreId, string appointmentId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<StoredLedger?> ReadLedgerAsync(string centreId, string mobileKey, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<Appointment>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<Appointment>> ListConfirmationsDueAsync(string centreId, Instant dueBy, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<Appointment>> ListAsync(string centreId, string categoryId, LocalDate date, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    [GlobalSetup]
    public void Setup()
    {
        var demo = DemoData.Load();
        var profile = demo with { Booking = demo.Booking with { HorizonDays = 60 } };
        var calendar = new CentreCalendar(profile, PublicHolidays.Official.Days, DateTimeZoneProviders.Tzdb[profile.Centre.TimeZoneId]);
        var start = new LocalDate(2026, 11, 27);
        var usage = profile.Categories.ToDictionary(c => c.Id, c =>
        {
            var d = new Dictionary<SlotKey, SlotUsage>();
            for (var day = start; day <= start.PlusDays(60); day = day.PlusDays(1))
                foreach (var (slot, i) in calendar.Slots(day, c.Id).Select((s, i) => (s, i)))
                    if (i % 2 == 0) d[new SlotKey(day, slot.Start)] = new SlotUsage(slot.Windows / 2, 0);
            return (IReadOnlyDictionary<SlotKey, SlotUsage>)d;
        });
        var clock = new FakeClock(BenchHost.Now);
        _service = new AvailabilityQuery(new ReadUsage(usage), new Snapshot(new CentreSnapshot(profile, calendar, profile.Booking)), clock);
        _bookables = Bookable.All(profile).ToList();
    }

    [Benchmark(Description = "60 days, every item and bundle (22 calls)")]
    public async Task<int> SixtyDaysEveryItem()
    {
        var slots = 0;
        foreach (var b in _bookables)
        {
            var r = await _service.GetAsync("huli", null, b.IsBundle ? null : b.Id, b.IsBundle ? b.Id : null,
                new LocalDate(2026, 11, 27), new LocalDate(2027, 1, 25), false, CancellationToken.None);
            slots += r.Value!.Sum(d => d.Slots.Count);
        }
        return slots;
    }
}
