using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Notifications;
using Scheduler.Core.Staffing;
using Scheduler.Core.Tests.HomeVisits;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests.Notifications;

internal sealed class InMemoryBatches : IDailyBatches
{
    public Dictionary<(string Batch, LocalDate Date), int> Done { get; } = [];

    public Task<bool> IsDoneAsync(string centreId, string batch, LocalDate date, CancellationToken cancellationToken) => Task.FromResult(Done.ContainsKey((batch, date)));

    public Task MarkDoneAsync(string centreId, string batch, LocalDate date, int count, Instant at, CancellationToken cancellationToken)
    {
        Done[(batch, date)] = count;
        return Task.CompletedTask;
    }
}

/// <summary>
/// Scheduled messages as daily batches at configured local times: a timer firing every few minutes runs each batch
/// once a day, after its time; the staff's day only on working days; a batch that failed runs again and sends
/// nothing twice.
/// </summary>
public sealed class ScheduledBatchesTests
{
    private readonly FakeClock _clock = new(TestCentre.Now); // Friday 27 Nov 09:00 in Xiamen
    private readonly Fakes _sms = new();
    private readonly InMemoryBatches _done = new();
    private readonly BookingWorld _booking;
    private readonly ScheduledBatches _batches;
    private static readonly NotificationSettings Settings = NotificationSettings.Default with
    {
        RemindersAt = new LocalTime(17, 0), StaffDayAt = new LocalTime(8, 15), VisitRatingsAt = new LocalTime(20, 0),
    };

    public ScheduledBatchesTests()
    {
        var profile = TestCentre.Profile();
        profile = profile with { Staff = profile.Staff.Select((s, i) => i == 0 ? s with { Mobile = "+8613900001001" } : s).ToList() };
        _booking = new BookingWorld(profile, _clock);
        var centres = new OneCentre(_booking.Centre);
        var notifier = new SmsNotifier(_sms, _sms, _clock, Settings);
        var visits = new HomeVisitNotifications(notifier, centres, _clock, new ShortLinks(new byte[32], "https://centre.example", "huli"));
        var requests = new InMemoryHomeVisitStore();
        var runs = new InMemoryPlanRunStore();
        var service = new HomeVisitService(requests, centres, new ChineseMobiles(), new ReversingProtector(), visits, new AuditTrail(new InMemoryAuditLog(), _clock), _clock,
            HomeVisitShiftRules.Default, EligibilityRules.Default);
        var links = new ShortLinks(new byte[32], "http://localhost:7071", "huli");
        var reminders = new SendDayBeforeReminders(_booking.Store, centres, runs, service, notifier, visits, links, _clock);
        var staffDays = new SendStaffDaySchedules(centres, new StaffDays(centres, new StaffScheduleQuery(runs, service)), new NoFeeds(), notifier, "http://localhost:7071", _clock);
        _batches = new ScheduledBatches(centres, _done, reminders, staffDays, new SendVisitRatingRequests(centres, runs, service, visits, new InMemoryVisitOutcomes(), _clock), Settings, _clock);
    }

    private sealed class NoFeeds : IStaffFeeds
    {
        public Task<StaffFeed> GetOrCreateAsync(string centreId, string staffId, CancellationToken cancellationToken) =>
            Task.FromResult(new StaffFeed(centreId, staffId, "token", false, TestCentre.Now));

        public Task<StaffFeed> RenewAsync(string centreId, string staffId, CancellationToken cancellationToken) => GetOrCreateAsync(centreId, staffId, cancellationToken);
        public Task<bool> RevokeAsync(string centreId, string staffId, CancellationToken cancellationToken) => Task.FromResult(true);
        public Task<StaffFeed?> FindAsync(string token, CancellationToken cancellationToken) => Task.FromResult<StaffFeed?>(null);
    }

    private void At(int day, int hour, int minute) =>
        _clock.Reset(new LocalDateTime(2026, 11, day, hour, minute).InZoneStrictly(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToInstant());

    private int Count(string kind) => _sms.Enqueued.Count(e => e.Message.Kind == kind);

    [Fact]
    public async Task Reminders_run_once_on_the_first_firing_at_or_after_the_configured_local_time()
    {
        await _booking.BookedAsync(BookingWorld.Command(new LocalDate(2026, 11, 30), 10, 0));
        await _booking.BookedAsync(BookingWorld.Command(new LocalDate(2026, 11, 30), 10, 15));

        At(28, 16, 45);
        var early = await _batches.RemindersAsync(TestCentre.Id, CancellationToken.None);
        At(28, 17, 0);
        var due = await _batches.RemindersAsync(TestCentre.Id, CancellationToken.None);
        At(28, 17, 15);
        var again = await _batches.RemindersAsync(TestCentre.Id, CancellationToken.None);

        Assert.Equal((false, "not before 17:00"), (early.Ran, early.NotRun));
        Assert.Equal(0, due.Queued); // Saturday 28: nothing tomorrow (Sunday)
        At(29, 17, 5);
        var sunday = await _batches.RemindersAsync(TestCentre.Id, CancellationToken.None);
        Assert.True(due.Ran);
        Assert.Equal((false, "done today"), (again.Ran, again.NotRun));
        Assert.Equal((true, 2), (sunday.Ran, sunday.Queued));
        Assert.Equal(2, Count(SmsKinds.DayBeforeReminder));
        Assert.Equal(2, _done.Done[(ScheduledBatches.Reminders, new LocalDate(2026, 11, 29))]);
    }

    [Fact]
    public async Task The_staff_day_goes_after_its_time_on_working_days_only()
    {
        At(29, 9, 0); // Sunday
        var sunday = await _batches.StaffDaysAsync(TestCentre.Id, CancellationToken.None);
        At(30, 8, 0); // Monday, before 08:15
        var early = await _batches.StaffDaysAsync(TestCentre.Id, CancellationToken.None);
        At(30, 8, 30);
        var monday = await _batches.StaffDaysAsync(TestCentre.Id, CancellationToken.None);
        var twice = await _batches.StaffDaysAsync(TestCentre.Id, CancellationToken.None);

        Assert.Equal((false, "not a working day"), (sunday.Ran, sunday.NotRun));
        Assert.False(early.Ran);
        Assert.Equal((true, 1), (monday.Ran, monday.Queued));
        Assert.False(twice.Ran);
        Assert.Equal(1, Count(SmsKinds.StaffDaySchedule));
        // Once per day and centre: the key names the centre, since another centre may have a member of staff of the same id.
        var staff = TestCentre.Profile().Staff[0].Id;
        Assert.Equal($"staff-day|{TestCentre.Id}|{staff}|20261130", _sms.Enqueued.Single(e => e.Message.Kind == SmsKinds.StaffDaySchedule).Message.Key);
    }

    [Fact]
    public async Task A_batch_that_failed_is_not_marked_and_its_rerun_sends_nothing_twice()
    {
        await _booking.BookedAsync(BookingWorld.Command(new LocalDate(2026, 11, 30), 11, 0));
        await _booking.BookedAsync(BookingWorld.Command(new LocalDate(2026, 11, 30), 11, 15));
        At(29, 18, 0);
        _sms.FailAfter = 1; // the outbox fails on the second message
        await Assert.ThrowsAsync<IOException>(() => _batches.RemindersAsync(TestCentre.Id, CancellationToken.None));
        Assert.Empty(_done.Done);

        _sms.FailAfter = null;
        var rerun = await _batches.RemindersAsync(TestCentre.Id, CancellationToken.None);

        Assert.Equal((true, 1), (rerun.Ran, rerun.Queued)); // the first was taken before the failure
        Assert.Equal(2, Count(SmsKinds.DayBeforeReminder));
    }
}
