using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests.Booking;

public sealed class HandleAppointmentEventTests
{
    private readonly InMemoryAuditLog _log = new();
    private readonly RecordingOutbox _outbox = new();
    private readonly HandleAppointmentEvent _handle;
    private readonly InMemoryAppointmentStore _store = new();

    /// <summary>The clock is far from the event's time: the audit entry must carry the event's.
    /// The appointments are not in the store, so no message follows (notifications have tests of their own).</summary>
    public HandleAppointmentEventTests()
    {
        var clock = new FakeClock(Instant.FromUtc(2030, 1, 1, 0, 0));
        var store = _store;
        var centres = new OneCentre(TestCentre.Snapshot());
        var sms = new RecordingSms();
        var notify = new Scheduler.Core.Notifications.NotifyAppointmentEvent(store, centres, new AvailabilityQuery(store, centres, clock),
            new Scheduler.Core.Notifications.SmsNotifier(sms, sms, clock, Scheduler.Core.Notifications.NotificationSettings.Default),
            new Scheduler.Core.Notifications.ShortLinks(new byte[32], "http://localhost:7071", "huli"), clock);
        _handle = new HandleAppointmentEvent(store, new AuditTrail(_log, clock), _outbox, notify);
    }

    private static AppointmentEvent Event(string id, string type = AppointmentEventTypes.Booked, LocalDate? previous = null) => new(
        id, type, AppointmentEvent.CurrentVersion, TestCentre.Id, "social.a1", TestCentre.Now, "resident:appointment/social.a1", AppointmentStatus.Booked,
        TestCentre.Monday, new LocalTime(10, 0), previous, previous is null ? null : new LocalTime(9, 15), TestCentre.Pension);

    [Fact]
    public async Task Each_event_is_audited_once_at_its_own_time_however_often_it_is_delivered_and_acknowledged_each_time()
    {
        var e = Event("social.a1-01");

        await _handle.HandleAsync(e, CancellationToken.None);
        await _handle.HandleAsync(e, CancellationToken.None);

        var entry = Assert.Single(_log.Entries);
        Assert.Equal(new AuditEntry(TestCentre.Now, TestCentre.Id, e.Actor, AppointmentEventTypes.Booked, "appointment/social.a1",
            $"{TestCentre.Pension} 2026-11-30 10:00", e.EventId), entry);
        Assert.Equal(new[] { e.EventId, e.EventId }, _outbox.Acknowledged);
    }

    [Fact]
    public async Task The_offers_of_the_slots_whose_seats_changed_are_refreshed_each_time_and_an_event_that_changed_none_refreshes_nothing()
    {
        var moved = Event("social.a1-01", AppointmentEventTypes.Rescheduled, new LocalDate(2026, 11, 29)) with
        {
            CategoryId = "social", Seats = [new SlotKey(new LocalDate(2026, 11, 29), new LocalTime(9, 15)), new SlotKey(TestCentre.Monday, new LocalTime(10, 0))],
        };
        var confirmed = Event("social.a1-02", AppointmentEventTypes.Confirmed) with { CategoryId = "social", Seats = [] };
        var older = Event("social.a1-03") with { Version = 2 };

        await _handle.HandleAsync(moved, CancellationToken.None);
        await _handle.HandleAsync(moved, CancellationToken.None);
        await _handle.HandleAsync(confirmed, CancellationToken.None);
        await _handle.HandleAsync(older, CancellationToken.None);

        Assert.Equal(2, _store.Refreshes.Count);
        Assert.All(_store.Refreshes, r =>
        {
            Assert.Equal((TestCentre.Id, "social"), (r.Centre, r.Category));
            Assert.Equal(moved.Seats, r.Slots);
        });
    }

    [Fact]
    public async Task A_move_is_audited_from_where_to_where_and_two_events_make_two_entries()
    {
        await _handle.HandleAsync(Event("social.a1-01"), CancellationToken.None);
        await _handle.HandleAsync(Event("social.a1-02", AppointmentEventTypes.Rescheduled, new LocalDate(2026, 11, 29)), CancellationToken.None);

        Assert.Equal(2, _log.Entries.Count);
        Assert.Equal("2026-11-29 09:15 -> 2026-11-30 10:00", _log.Entries[1].Detail);
        Assert.Equal(AppointmentEventTypes.Rescheduled, _log.Entries[1].Action);
    }

    [Fact]
    public async Task A_version_one_event_without_a_bookable_is_audited_with_the_time_alone()
    {
        await _handle.HandleAsync(Event("social.a1-03") with { Version = 1, BookableId = null }, CancellationToken.None);

        Assert.Equal("2026-11-30 10:00", Assert.Single(_log.Entries).Detail);
    }
}
