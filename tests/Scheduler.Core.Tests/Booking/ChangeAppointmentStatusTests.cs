using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;
using static Scheduler.Core.Tests.Support.BookingWorld;

namespace Scheduler.Core.Tests.Booking;

public sealed class ChangeAppointmentStatusTests
{
    private readonly BookingWorld _w = new();
    private static readonly LocalDate Monday = TestCentre.Monday;

    /// <summary>Monday at the centre, as an instant.</summary>
    private static Instant MondayAt(int hour, int minute) => Instant.FromUtc(2026, 11, 30, hour - 8, minute);

    [Fact]
    public async Task Cancelling_gives_the_seat_and_the_ledger_entry_back_once_however_often_it_is_asked()
    {
        var mobile = NewMobile();
        var a = await _w.BookedAsync(Command(Monday, 10, 0, mobile, priority: PriorityReason.SeriouslyIll));

        var cancelled = await _w.ApplyAsync(a.Id, AppointmentAction.Cancel, Resident);
        var commits = _w.Store.Outcomes.Count;
        var again = await _w.ApplyAsync(a.Id, AppointmentAction.Cancel, Resident);

        Assert.Equal(AppointmentStatus.Cancelled, cancelled.Value!.Status);
        Assert.Equal(TestCentre.Now, cancelled.Value.UpdatedAt);
        Assert.Equal(cancelled.Value, again.Value);
        Assert.Equal(commits, _w.Store.Outcomes.Count);
        Assert.Equal(new SlotUsage(0, 0), _w.Usage(Monday, 10, 0));
        Assert.Empty(_w.Store.Ledger(_w.MobileKey(mobile))!.Active);
        Assert.Equal(new[] { AppointmentEventTypes.Booked, AppointmentEventTypes.Cancelled }, _w.Store.Events.Select(e => e.Type));
        Assert.Equal("anonymous", _w.Store.Events[^1].Actor);
    }

    [Fact]
    public async Task A_no_show_is_counted_once_in_the_ledger_and_keeps_the_seat_it_held()
    {
        var mobile = NewMobile();
        var a = await _w.BookedAsync(Command(Monday, 10, 0, mobile));

        var early = await _w.ApplyAsync(a.Id, AppointmentAction.NoShow);
        _w.Clock.Reset(MondayAt(10, 20));
        var noShow = await _w.ApplyAsync(a.Id, AppointmentAction.NoShow);
        var commits = _w.Store.Outcomes.Count;
        await _w.ApplyAsync(a.Id, AppointmentAction.NoShow);

        Assert.Equal(ErrorCodes.NotStarted, early.Error?.Code);
        Assert.Equal(AppointmentStatus.NoShow, noShow.Value!.Status);
        Assert.Equal(commits, _w.Store.Outcomes.Count);
        var ledger = _w.Store.Ledger(_w.MobileKey(mobile))!;
        Assert.Equal(new[] { a.Id }, ledger.NoShows);
        Assert.Empty(ledger.Active);
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 0));
    }

    [Fact]
    public async Task Check_in_on_the_day_then_serve_keeps_the_seat_and_frees_the_number_for_another_booking()
    {
        var mobile = NewMobile();
        var a = await _w.BookedAsync(Command(Monday, 10, 0, mobile));

        var tooEarly = await _w.ApplyAsync(a.Id, AppointmentAction.CheckIn);
        _w.Clock.Reset(MondayAt(9, 50));
        var checkedIn = await _w.ApplyAsync(a.Id, AppointmentAction.CheckIn);
        var ledgerAfterCheckIn = _w.Store.Ledger(_w.MobileKey(mobile))!;
        var served = await _w.ApplyAsync(a.Id, AppointmentAction.Serve);
        var cancelServed = await _w.ApplyAsync(a.Id, AppointmentAction.Cancel);

        Assert.Equal(ErrorCodes.NotToday, tooEarly.Error?.Code);
        Assert.Equal(AppointmentStatus.CheckedIn, checkedIn.Value!.Status);
        Assert.Empty(ledgerAfterCheckIn.Active);
        Assert.Equal(AppointmentStatus.Served, served.Value!.Status);
        Assert.Equal(ErrorCodes.NotActive, cancelServed.Error?.Code);
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 0));
        Assert.Equal(new[] { AppointmentEventTypes.Booked, AppointmentEventTypes.CheckedIn, AppointmentEventTypes.Served },
            _w.Store.Events.Select(e => e.Type));
    }

    [Fact]
    public async Task Unconfirmed_bookings_lapse_after_their_deadline_giving_back_seat_and_ledger_and_confirmed_ones_stay()
    {
        var mobile = NewMobile();
        _w.Store.PutLedger(_w.MobileKey(mobile), new BookerLedger([], ["social.a", "social.b"], []));
        var first = await _w.BookedAsync(Command(Monday, 10, 0, mobile));
        _w.Clock.Advance(Duration.FromHours(1));
        var second = await _w.BookedAsync(Command(Monday, 11, 0, mobile, item: TestCentre.Residence));
        var third = await _w.BookedAsync(Command(Monday, 14, 0, mobile, name: "李强"));
        var confirmed = await _w.ApplyAsync(third.Id, AppointmentAction.Confirm, Resident);
        _w.Clock.Reset(first.ConfirmBy!.Value + Duration.FromMinutes(1));

        var tooLate = await _w.ApplyAsync(first.Id, AppointmentAction.Confirm, Resident);
        var lapsed = await _w.Status.LapseUnconfirmedAsync(TestCentre.Id, new SystemCaller("lapse"), CancellationToken.None);

        Assert.Equal(AppointmentStatus.Booked, confirmed.Value!.Status);
        Assert.Equal(ErrorCodes.ConfirmationTooLate, tooLate.Error?.Code);
        Assert.Equal(1, lapsed);
        Assert.Equal(AppointmentStatus.Lapsed, _w.Store.Appointment(first.Id).Status);
        Assert.Equal(AppointmentStatus.AwaitingConfirmation, _w.Store.Appointment(second.Id).Status);
        Assert.Equal(AppointmentStatus.Booked, _w.Store.Appointment(third.Id).Status);
        Assert.Equal(new SlotUsage(0, 0), _w.Usage(Monday, 10, 0));
        Assert.Equal(new[] { second.Id, third.Id }, _w.Store.Ledger(_w.MobileKey(mobile))!.Active.Select(e => e.AppointmentId));
        Assert.Equal("system:lapse", _w.Store.Events[^1].Actor);
        Assert.Equal(AppointmentEventTypes.Lapsed, _w.Store.Events[^1].Type);
    }

    [Fact]
    public async Task A_change_made_elsewhere_meanwhile_is_read_again_and_an_endless_race_ends_in_busy()
    {
        var a = await _w.BookedAsync(Command(Monday, 10, 0));
        var b = await _w.BookedAsync(Command(Monday, 10, 15));
        var once = false;
        _w.Store.BeforeCommit = change =>
        {
            if (change.Appointment.Id == a.Id && once) return;
            once = true;
            _w.Store.Put(_w.Store.Appointment(change.Appointment.Id));
        };

        var cancelled = await _w.ApplyAsync(a.Id, AppointmentAction.Cancel);
        var commitsBefore = _w.Store.Outcomes.Count;
        var busy = await _w.ApplyAsync(b.Id, AppointmentAction.Cancel);

        Assert.Equal(AppointmentStatus.Cancelled, cancelled.Value!.Status);
        Assert.Equal(new[] { CommitOutcome.Conflict, CommitOutcome.Committed }, _w.Store.Outcomes.Skip(2).Take(2));
        Assert.Equal(ErrorCodes.Busy, busy.Error?.Code);
        Assert.Equal(ConflictRetry.DefaultAttempts, _w.Store.Outcomes.Count - commitsBefore);
        Assert.Equal(AppointmentStatus.Booked, _w.Store.Appointment(b.Id).Status);
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 15));
    }

    [Fact]
    public async Task Unknown_appointments_and_centres_are_not_found()
    {
        var unknown = await _w.ApplyAsync("social.nobody", AppointmentAction.Cancel);
        var centre = await _w.Status.ApplyAsync("elsewhere", "social.nobody", AppointmentAction.Cancel, Staff, CancellationToken.None);

        Assert.Equal((ProblemKind.NotFound, ErrorCodes.UnknownAppointment), (unknown.Error!.Kind, unknown.Error.Code));
        Assert.Equal(ErrorCodes.UnknownCentre, centre.Error?.Code);
    }

    [Fact]
    public async Task A_green_claim_is_pending_until_staff_confirm_or_downgrade_it_and_the_decision_is_an_event()
    {
        var green = await _w.BookedAsync(Command(Monday, 14, 0, priority: PriorityReason.Elderly));
        var plain = await _w.BookedAsync(Command(Monday, 14, 15));
        Assert.Equal(GreenCheck.Pending, green.GreenCheck);
        Assert.Null(plain.GreenCheck);

        var downgraded = await _w.Status.CheckGreenClaimAsync(TestCentre.Id, green.Id, holds: false, Staff, CancellationToken.None);
        var notGreen = await _w.Status.CheckGreenClaimAsync(TestCentre.Id, plain.Id, holds: true, Staff, CancellationToken.None);

        Assert.Equal(GreenCheck.Downgraded, downgraded.Value!.GreenCheck);
        Assert.Equal(ErrorCodes.NotGreen, notGreen.Error?.Code);
        var e = _w.Store.Events[^1];
        Assert.Equal((AppointmentEventTypes.GreenDowngraded, "staff:clerk"), (e.Type, e.Actor));
    }

    [Fact]
    public async Task A_mobile_holds_one_unchecked_green_claim_until_staff_check_it_and_meanwhile_books_plainly()
    {
        var mobile = NewMobile();
        var first = await _w.BookedAsync(Command(Monday, 9, 0, mobile, priority: PriorityReason.Elderly));

        var second = await _w.BookAsync(Command(Monday.PlusDays(1), 9, 0, mobile, priority: PriorityReason.Elderly));
        var plain = await _w.BookAsync(Command(Monday.PlusDays(1), 9, 0, mobile));
        await _w.Status.CheckGreenClaimAsync(TestCentre.Id, first.Id, holds: true, Staff, CancellationToken.None);
        var afterCheck = await _w.BookAsync(Command(Monday.PlusDays(3), 9, 0, mobile, priority: PriorityReason.Elderly));

        Assert.Equal((ProblemKind.Conflict, ErrorCodes.GreenClaimPending, "priority"), (second.Error!.Kind, second.Error.Code, second.Error.Field));
        Assert.Null(plain.Error);
        Assert.Null(afterCheck.Error);
        var ledger = _w.Store.Ledger(_w.MobileKey(mobile))!;
        Assert.Equal([false, false, true], ledger.Active.Select(e => e.GreenPending));
        Assert.Empty(ledger.Downgrades);
    }

    [Fact]
    public async Task After_two_downgrades_a_mobile_claims_the_green_channel_no_more_but_still_books_plainly()
    {
        var mobile = NewMobile();
        var first = await _w.BookedAsync(Command(Monday, 9, 15, mobile, priority: PriorityReason.Elderly));
        await _w.Status.CheckGreenClaimAsync(TestCentre.Id, first.Id, holds: false, Staff, CancellationToken.None);
        // Downgrading the same claim again changes nothing: one claim, one downgrade.
        await _w.Status.CheckGreenClaimAsync(TestCentre.Id, first.Id, holds: false, Staff, CancellationToken.None);
        var afterOne = _w.Store.Ledger(_w.MobileKey(mobile))!.Downgrades.Count;
        var second = await _w.BookedAsync(Command(Monday.PlusDays(1), 9, 15, mobile, priority: PriorityReason.Disabled));
        await _w.Status.CheckGreenClaimAsync(TestCentre.Id, second.Id, holds: false, Staff, CancellationToken.None);

        var third = await _w.BookAsync(Command(Monday.PlusDays(3), 9, 15, mobile, priority: PriorityReason.Pregnant));
        var plain = await _w.BookAsync(Command(Monday.PlusDays(3), 9, 15, mobile));

        Assert.Equal(1, afterOne);
        Assert.Equal([first.Id, second.Id], _w.Store.Ledger(_w.MobileKey(mobile))!.Downgrades);
        Assert.Equal((ProblemKind.Conflict, ErrorCodes.GreenClaimsRefused, "priority"), (third.Error!.Kind, third.Error.Code, third.Error.Field));
        Assert.Null(plain.Error);
        Assert.Null(plain.Value!.Appointment.Priority);
    }

    [Fact]
    public async Task After_two_downgrades_staff_at_the_counter_still_book_the_green_channel_for_the_resident_before_them_but_not_by_phone()
    {
        var mobile = NewMobile();
        foreach (var day in new[] { 0, 1 })
        {
            var a = await _w.BookedAsync(Command(Monday.PlusDays(day), 9, 45, mobile, priority: PriorityReason.Elderly));
            await _w.Status.CheckGreenClaimAsync(TestCentre.Id, a.Id, holds: false, Staff, CancellationToken.None);
        }

        var byPhone = await _w.Book.BookAsync(TestCentre.Id, Command(Monday.PlusDays(3), 9, 45, mobile, priority: PriorityReason.Elderly)
            with { Assisted = new AssistedInput("phone", true) }, Staff, CancellationToken.None);
        var atCounter = await _w.Book.BookAsync(TestCentre.Id, Command(Monday.PlusDays(3), 9, 45, mobile, priority: PriorityReason.Elderly)
            with { Assisted = new AssistedInput("counter", true) }, Staff, CancellationToken.None);

        Assert.Equal(ErrorCodes.GreenClaimsRefused, byPhone.Error?.Code);
        Assert.Null(atCounter.Error);
        Assert.Equal(PriorityReason.Elderly, atCounter.Value!.Appointment.Priority);
        // Seen at the counter: the claim does not wait for a check, so it holds back no later claim either.
        Assert.False(_w.Store.Ledger(_w.MobileKey(mobile))!.Active.Single(e => e.AppointmentId == atCounter.Value.Appointment.Id).GreenPending);
    }

    [Fact]
    public async Task A_centre_that_allows_three_downgrades_takes_a_third_claim_after_two()
    {
        var w = new BookingWorld(TestCentre.Profile() with { Booking = BookingRules.Default with { GreenDowngradesBeforeRefusal = 3 } });
        var mobile = NewMobile();
        foreach (var day in new[] { 0, 1 })
        {
            var a = await w.BookedAsync(Command(Monday.PlusDays(day), 9, 30, mobile, priority: PriorityReason.Elderly));
            await w.Status.CheckGreenClaimAsync(TestCentre.Id, a.Id, holds: false, Staff, CancellationToken.None);
        }

        var third = await w.BookAsync(Command(Monday.PlusDays(3), 9, 30, mobile, priority: PriorityReason.Elderly));

        Assert.Null(third.Error);
        Assert.Equal(2, w.Store.Ledger(w.MobileKey(mobile))!.Downgrades.Count);
    }
}
