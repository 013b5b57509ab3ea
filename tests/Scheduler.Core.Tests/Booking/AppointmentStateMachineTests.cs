using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests.Booking;

/// <summary><see cref="Appointment.Apply"/>: every action's guards, its target, and a repeat that changes nothing.</summary>
public sealed class AppointmentStateMachineTests
{
    private static readonly CentreCalendar Calendar = TestCentre.Snapshot().Calendar;

    /// <summary>Monday 10:00-10:15 at the centre; must be confirmed by Sunday 12:00 when awaiting confirmation.</summary>
    private static Appointment At(AppointmentStatus status) => new(
        "social.a1", TestCentre.Id, TestCentre.Social, TestCentre.Pension, false, [TestCentre.Pension], TestCentre.Monday,
        new LocalTime(10, 0), new LocalTime(10, 15), 1, "Asia/Shanghai", "李芳", "+8613900000001", "resident-key", null, null, "zh",
        status, TestCentre.Now, "anonymous", status == AppointmentStatus.AwaitingConfirmation ? Local(29, 12, 0) : null, TestCentre.Now);

    private static Instant Local(int day, int hour, int minute) => Instant.FromUtc(2026, 11, day, hour - 8, minute);

    private static readonly Instant Friday = TestCentre.Now;
    private static readonly Instant MondayBefore = Local(30, 9, 59);
    private static readonly Instant MondayStart = Local(30, 10, 0);

    public static TheoryData<AppointmentAction, AppointmentStatus, int, string?> Cases() => new()
    {
        // Cancel: while active and before the start.
        { AppointmentAction.Cancel, AppointmentStatus.Booked, 0, null },
        { AppointmentAction.Cancel, AppointmentStatus.AwaitingConfirmation, 0, null },
        { AppointmentAction.Cancel, AppointmentStatus.Booked, 2, ErrorCodes.AlreadyStarted },
        { AppointmentAction.Cancel, AppointmentStatus.CheckedIn, 0, ErrorCodes.NotActive },
        { AppointmentAction.Cancel, AppointmentStatus.Served, 0, ErrorCodes.NotActive },
        { AppointmentAction.Cancel, AppointmentStatus.Lapsed, 0, ErrorCodes.NotActive },
        // Confirm: only what awaits confirmation, by its deadline.
        { AppointmentAction.Confirm, AppointmentStatus.AwaitingConfirmation, 0, null },
        { AppointmentAction.Confirm, AppointmentStatus.AwaitingConfirmation, 3, ErrorCodes.ConfirmationTooLate },
        { AppointmentAction.Confirm, AppointmentStatus.CheckedIn, 0, ErrorCodes.NotAwaitingConfirmation },
        { AppointmentAction.Confirm, AppointmentStatus.Cancelled, 0, ErrorCodes.NotAwaitingConfirmation },
        // Check in: active, on the day.
        { AppointmentAction.CheckIn, AppointmentStatus.Booked, 1, null },
        { AppointmentAction.CheckIn, AppointmentStatus.AwaitingConfirmation, 1, null },
        { AppointmentAction.CheckIn, AppointmentStatus.Booked, 0, ErrorCodes.NotToday },
        { AppointmentAction.CheckIn, AppointmentStatus.Booked, 3, ErrorCodes.NotToday },
        { AppointmentAction.CheckIn, AppointmentStatus.Booked, 4, ErrorCodes.NotToday },
        { AppointmentAction.CheckIn, AppointmentStatus.Cancelled, 1, ErrorCodes.NotActive },
        // Serve: checked in, or booked (served straight away).
        { AppointmentAction.Serve, AppointmentStatus.CheckedIn, 1, null },
        { AppointmentAction.Serve, AppointmentStatus.Booked, 1, null },
        { AppointmentAction.Serve, AppointmentStatus.AwaitingConfirmation, 1, ErrorCodes.NotServable },
        { AppointmentAction.Serve, AppointmentStatus.NoShow, 2, ErrorCodes.NotServable },
        // No-show: active, once the slot has started.
        { AppointmentAction.NoShow, AppointmentStatus.Booked, 2, null },
        { AppointmentAction.NoShow, AppointmentStatus.Booked, 1, ErrorCodes.NotStarted },
        { AppointmentAction.NoShow, AppointmentStatus.CheckedIn, 2, ErrorCodes.NotActive },
        // Lapse: awaiting confirmation past the deadline.
        { AppointmentAction.Lapse, AppointmentStatus.AwaitingConfirmation, 3, null },
        { AppointmentAction.Lapse, AppointmentStatus.AwaitingConfirmation, 0, ErrorCodes.NotLapsing },
        { AppointmentAction.Lapse, AppointmentStatus.Booked, 3, ErrorCodes.NotLapsing },
    };

    /// <summary>0: Friday 09:00; 1: Monday 09:59; 2: Monday 10:00; 3: Sunday 12:01 (a minute past the deadline); 4: Tuesday 00:30.</summary>
    private static Instant When(int at) => at switch
    {
        0 => Friday,
        1 => MondayBefore,
        2 => MondayStart,
        3 => Local(29, 12, 1),
        _ => Instant.FromUtc(2026, 11, 30, 16, 30),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_action_leads_to_its_status_or_is_refused_with_its_code(AppointmentAction action, AppointmentStatus from, int at, string? refusal)
    {
        var before = At(from);

        var outcome = before.Apply(action, When(at), Calendar);

        if (refusal is null)
        {
            Assert.Null(outcome.Error);
            // Check-in and served keep their instant (the wait and the service are measured from them).
            Assert.Equal(before with
            {
                Status = action.Target(),
                UpdatedAt = When(at),
                CheckedInAt = action == AppointmentAction.CheckIn ? When(at) : null,
                ServedAt = action == AppointmentAction.Serve ? When(at) : null,
            }, outcome.Value);
        }
        else
        {
            Assert.Equal((ProblemKind.Conflict, refusal), (outcome.Error?.Kind, outcome.Error?.Code));
        }
    }

    [Theory]
    [InlineData(AppointmentAction.Cancel)]
    [InlineData(AppointmentAction.Confirm)]
    [InlineData(AppointmentAction.CheckIn)]
    [InlineData(AppointmentAction.Serve)]
    [InlineData(AppointmentAction.NoShow)]
    [InlineData(AppointmentAction.Lapse)]
    public void An_action_on_an_appointment_already_in_its_target_status_changes_nothing_whenever_it_comes(AppointmentAction action)
    {
        var already = At(action.Target());

        var outcome = already.Apply(action, Local(30, 23, 0), Calendar);

        Assert.Null(outcome.Error);
        Assert.Same(already, outcome.Value);
    }

    [Fact]
    public void Only_cancelling_and_lapsing_give_seats_back_and_each_action_has_its_own_event()
    {
        var actions = Enum.GetValues<AppointmentAction>();

        Assert.Equal(new[] { AppointmentAction.Cancel, AppointmentAction.Lapse }, actions.Where(a => a.ReleasesSlots()));
        Assert.Equal(actions.Length, actions.Select(a => a.EventType()).Distinct().Count());
        Assert.Equal(actions.Length, actions.Select(a => a.Target()).Distinct().Count());
        Assert.Equal(AppointmentStatus.Booked, AppointmentAction.Confirm.Target());
    }

    [Fact]
    public void Holding_capacity_and_being_active_are_what_the_rules_need()
    {
        var holds = Enum.GetValues<AppointmentStatus>().Where(s => At(s).HoldsCapacity);
        var active = Enum.GetValues<AppointmentStatus>().Where(s => At(s).IsActive);

        Assert.Equal(new[] { AppointmentStatus.Booked, AppointmentStatus.AwaitingConfirmation, AppointmentStatus.CheckedIn }, holds);
        Assert.Equal(new[] { AppointmentStatus.Booked, AppointmentStatus.AwaitingConfirmation }, active);
    }
}
