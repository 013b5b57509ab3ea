using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;
using static Scheduler.Core.Tests.Support.BookingWorld;

namespace Scheduler.Core.Tests.Booking;

public sealed class RescheduleAppointmentTests
{
    private readonly BookingWorld _w = new();
    private static readonly LocalDate Monday = TestCentre.Monday;
    private static readonly LocalDate Tuesday = Monday.PlusDays(1);

    [Fact]
    public async Task Moving_takes_the_new_seat_gives_back_the_old_one_and_moves_the_ledger_to_the_new_day()
    {
        var mobile = NewMobile();
        var a = await _w.BookedAsync(Command(Monday, 10, 0, mobile));

        var moved = await _w.MoveAsync(a.Id, Tuesday, 11, 0);

        Assert.Null(moved.Error);
        Assert.Equal((Tuesday, new LocalTime(11, 0), new LocalTime(11, 15)), (moved.Value!.Date, moved.Value.Start, moved.Value.End));
        Assert.Equal(moved.Value, _w.Store.Appointment(a.Id));
        Assert.Equal(new SlotUsage(0, 0), _w.Usage(Monday, 10, 0));
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Tuesday, 11, 0));
        Assert.Equal(Tuesday, Assert.Single(_w.Store.Ledger(_w.MobileKey(mobile))!.Active).Date);
        var e = _w.Store.Events[^1];
        Assert.Equal((AppointmentEventTypes.Rescheduled, Monday, new LocalTime(10, 0), Tuesday, new LocalTime(11, 0)),
            (e.Type, e.PreviousDate, e.PreviousStart, e.Date, e.Start));
    }

    [Fact]
    public async Task A_green_appointment_moves_its_green_seat()
    {
        var a = await _w.BookedAsync(Command(Monday, 10, 0, priority: PriorityReason.Disabled));

        await _w.MoveAsync(a.Id, Monday, 10, 30);

        Assert.Equal(new SlotUsage(0, 0), _w.Usage(Monday, 10, 0));
        Assert.Equal(new SlotUsage(0, 1), _w.Usage(Monday, 10, 30));
    }

    [Fact]
    public async Task A_bundle_moved_by_one_slot_keeps_the_slot_it_still_holds_and_swaps_only_the_ends()
    {
        var a = await _w.BookedAsync(Command(Monday, 10, 0, bundle: TestCentre.Bundle));

        var moved = await _w.MoveAsync(a.Id, Monday, 10, 15);

        Assert.Equal(new LocalTime(10, 45), moved.Value!.End);
        Assert.Equal(new SlotUsage(0, 0), _w.Usage(Monday, 10, 0));
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 15));
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 30));
    }

    [Fact]
    public async Task The_same_slot_again_changes_nothing()
    {
        var a = await _w.BookedAsync(Command(Monday, 10, 0));
        var commits = _w.Store.Outcomes.Count;

        var same = await _w.MoveAsync(a.Id, Monday, 10, 0);

        Assert.Equal(a, same.Value);
        Assert.Equal(commits, _w.Store.Outcomes.Count);
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 0));
    }

    [Fact]
    public async Task Into_a_full_slot_is_refused_with_alternatives_and_the_old_seat_is_kept()
    {
        var a = await _w.BookedAsync(Command(Monday, 10, 0));
        for (var i = 0; i < 3; i++) await _w.BookedAsync(Command(Monday, 11, 0));

        var refused = await _w.MoveAsync(a.Id, Monday, 11, 0);

        Assert.Equal(ErrorCodes.SlotFull, refused.Error?.Code);
        Assert.Equal(3, refused.Error!.Alternatives!.Count);
        Assert.DoesNotContain(refused.Error.Alternatives!, o => o.Date == Monday && o.Start == new LocalTime(11, 0));
        Assert.Equal(a, _w.Store.Appointment(a.Id));
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 0));
        Assert.Equal(new SlotUsage(3, 0), _w.Usage(Monday, 11, 0));
    }

    [Fact]
    public async Task A_resident_cannot_be_moved_onto_a_day_where_they_hold_the_same_item()
    {
        var mobile = NewMobile();
        await _w.BookedAsync(Command(Monday, 10, 0, mobile));
        var tuesday = await _w.BookedAsync(Command(Tuesday, 10, 0, mobile));
        var commits = _w.Store.Outcomes.Count;

        var refused = await _w.MoveAsync(tuesday.Id, Monday, 14, 0);

        Assert.Equal((ProblemKind.Conflict, ErrorCodes.Duplicate, "date"), (refused.Error!.Kind, refused.Error.Code, refused.Error.Field));
        Assert.Equal(commits, _w.Store.Outcomes.Count);
        Assert.Equal(Tuesday, _w.Store.Appointment(tuesday.Id).Date);
    }

    [Fact]
    public async Task Cancelled_started_withdrawn_and_unknown_appointments_are_not_moved()
    {
        var cancelled = await _w.BookedAsync(Command(Monday, 9, 0));
        await _w.ApplyAsync(cancelled.Id, AppointmentAction.Cancel);
        var withdrawn = await _w.BookedAsync(Command(Monday, 9, 15));
        _w.Store.Put(withdrawn with { BookableId = "withdrawn-item", ItemIds = ["withdrawn-item"] });
        var today = await _w.BookedAsync(Command(Monday.PlusDays(-3), 9, 30));
        _w.Clock.Advance(Duration.FromMinutes(31));

        Assert.Equal(ErrorCodes.NotActive, (await _w.MoveAsync(cancelled.Id, Tuesday, 9, 0)).Error?.Code);
        Assert.Equal(ErrorCodes.ServiceWithdrawn, (await _w.MoveAsync(withdrawn.Id, Tuesday, 9, 0)).Error?.Code);
        Assert.Equal(ErrorCodes.AlreadyStarted, (await _w.MoveAsync(today.Id, Tuesday, 9, 0)).Error?.Code);
        var unknown = await _w.MoveAsync("social.nobody", Tuesday, 9, 0);
        Assert.Equal((ProblemKind.NotFound, ErrorCodes.UnknownAppointment), (unknown.Error!.Kind, unknown.Error.Code));
        Assert.Equal(new SlotUsage(0, 0), _w.Usage(Tuesday, 9, 0));
    }

    [Fact]
    public async Task The_new_slot_must_be_bookable_now()
    {
        var a = await _w.BookedAsync(Command(Monday, 9, 0));

        Assert.Equal(ErrorCodes.Closed, (await _w.MoveAsync(a.Id, TestCentre.Closure, 9, 0)).Error?.Code);
        Assert.Equal(ErrorCodes.AfterCutoff, (await _w.MoveAsync(a.Id, Monday.PlusDays(-3), 9, 15)).Error?.Code);
        Assert.Equal(ErrorCodes.BeyondHorizon, (await _w.MoveAsync(a.Id, Monday.PlusDays(14), 9, 0)).Error?.Code);
    }

    [Fact]
    public async Task A_change_made_elsewhere_meanwhile_is_read_again_before_moving()
    {
        var a = await _w.BookedAsync(Command(Monday, 10, 0));
        var raced = false;
        _w.Store.BeforeCommit = _ =>
        {
            if (raced) return;
            raced = true;
            _w.Store.Put(_w.Store.Appointment(a.Id) with { Language = "en" });
        };

        var moved = await _w.MoveAsync(a.Id, Monday, 10, 45);

        Assert.Equal(new[] { CommitOutcome.Conflict, CommitOutcome.Committed }, _w.Store.Outcomes.Skip(1));
        Assert.Equal("en", moved.Value!.Language);
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 45));
    }

    [Fact]
    public async Task Unknown_centre_is_not_found()
    {
        var outcome = await _w.Reschedule.RescheduleAsync("elsewhere", "social.x", Monday, new LocalTime(9, 0), Resident, CancellationToken.None);

        Assert.Equal(ErrorCodes.UnknownCentre, outcome.Error?.Code);
    }
}
