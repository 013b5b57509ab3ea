using NodaTime;
using Scheduler.Core.Calendar;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;

namespace Scheduler.Core.Booking;

public enum AppointmentStatus
{
    /// <summary>Holds its slots; counts.</summary>
    Booked,

    /// <summary>Holds its slots but lapses unless the resident confirms by <see cref="Appointment.ConfirmBy"/> (after repeated no-shows).</summary>
    AwaitingConfirmation,
    CheckedIn,
    Served,
    NoShow,
    Cancelled,
    Lapsed,
}

/// <summary>Someone booking for the resident: a family member or a community worker, with the resident's consent recorded.</summary>
public sealed record ProxyBooker(string Name, string Relationship, bool ResidentConsented, Instant ConsentRecordedAt);

/// <summary>A member of staff booked for the resident (帮办代办), at the counter or on the phone, with the resident's consent.</summary>
public sealed record AssistedConsent(string StaffId, string Channel, Instant ConsentRecordedAt);

/// <summary>Where a green-channel booking stands: its claim is checked by staff at check-in.</summary>
public enum GreenCheck
{
    /// <summary>Claimed by the booker; not yet seen by staff.</summary>
    Pending,

    /// <summary>Staff saw the claim hold (an ID card showing the age, a disability certificate, ...).</summary>
    Confirmed,

    /// <summary>Staff found the claim did not hold: the appointment is served as an ordinary one.</summary>
    Downgraded,
}

/// <summary>
/// A window appointment. What the resident chose is local (date, start, end) at the centre's zone; what happened
/// is an <see cref="Instant"/>.
/// </summary>
public sealed record Appointment(
    string Id,
    string CentreId,
    string CategoryId,
    string BookableId,
    bool IsBundle,
    IReadOnlyList<string> ItemIds,
    LocalDate Date,
    LocalTime Start,
    LocalTime End,
    int Slots,
    string ZoneId,
    string ResidentName,
    string Mobile,
    string ResidentKey,
    PriorityReason? Priority,
    ProxyBooker? Proxy,
    string Language,
    AppointmentStatus Status,
    Instant CreatedAt,
    string CreatedBy,
    Instant? ConfirmBy,
    Instant UpdatedAt)
{
    /// <summary>How the mobile was shown to belong to the booker (<see cref="Identity.VerifiedBy"/>); null on rows from before verification.</summary>
    public string? VerifiedBy { get; init; }

    /// <summary>The resident's consent when a member of staff booked for them.</summary>
    public AssistedConsent? Assisted { get; init; }

    /// <summary>A keyed hash of what was asked for, so a repeated idempotency key with another request is refused.</summary>
    public string? RequestHash { get; init; }

    /// <summary>For a green-channel booking: whether staff have checked the claim.</summary>
    public GreenCheck? GreenCheck { get; init; }

    /// <summary>When the resident checked in at the hall: their wait for a window starts (null on rows from before it was kept).</summary>
    public Instant? CheckedInAt { get; init; }

    /// <summary>When staff marked the resident served (the end of their time at the window).</summary>
    public Instant? ServedAt { get; init; }

    public bool Green => Priority is not null;
    public bool HoldsCapacity => Status is AppointmentStatus.Booked or AppointmentStatus.AwaitingConfirmation or AppointmentStatus.CheckedIn;
    public bool IsActive => Status is AppointmentStatus.Booked or AppointmentStatus.AwaitingConfirmation;

    /// <summary>Null when the resident may still move or cancel the appointment at <paramref name="now"/>, else why not.</summary>
    public Problem? ChangeableAt(Instant now, CentreCalendar calendar)
    {
        if (!IsActive) return Problem.Conflict("appointment", ErrorCodes.NotActive, $"The appointment is {Status} and cannot be changed.");
        if (now >= calendar.ToInstant(Date + Start))
            return Problem.Conflict("appointment", ErrorCodes.AlreadyStarted, "The appointment has started; it can no longer be changed.");
        return null;
    }

    /// <summary>
    /// The state machine: the appointment after <paramref name="action"/> at <paramref name="now"/>, unchanged when it
    /// is already in the state the action leads to (so a repeated request is harmless), or why the action is refused.
    /// </summary>
    public Outcome<Appointment> Apply(AppointmentAction action, Instant now, CentreCalendar calendar)
    {
        var to = action.Target();
        if (Status == to) return Outcome<Appointment>.Ok(this);
        var refused = action switch
        {
            AppointmentAction.Cancel => ChangeableAt(now, calendar),
            AppointmentAction.Confirm =>
                Status != AppointmentStatus.AwaitingConfirmation ? Problem.Conflict("appointment", ErrorCodes.NotAwaitingConfirmation, "This appointment does not need confirming.")
                : now > ConfirmBy ? Problem.Conflict("appointment", ErrorCodes.ConfirmationTooLate, "The time to confirm has passed; please book again.")
                : null,
            AppointmentAction.CheckIn =>
                !IsActive ? Problem.Conflict("appointment", ErrorCodes.NotActive, $"The appointment is {Status}.")
                : calendar.Today(now) != Date ? Problem.Conflict("appointment", ErrorCodes.NotToday, "Check-in is on the day of the appointment.")
                : null,
            AppointmentAction.Serve =>
                Status is AppointmentStatus.CheckedIn or AppointmentStatus.Booked ? null
                : Problem.Conflict("appointment", ErrorCodes.NotServable, $"The appointment is {Status}."),
            AppointmentAction.NoShow =>
                !IsActive ? Problem.Conflict("appointment", ErrorCodes.NotActive, $"The appointment is {Status}.")
                : now < calendar.ToInstant(Date + Start) ? Problem.Conflict("appointment", ErrorCodes.NotStarted, "A no-show can be marked once the slot has started.")
                : null,
            AppointmentAction.Lapse =>
                Status == AppointmentStatus.AwaitingConfirmation && now > ConfirmBy ? null
                : Problem.Conflict("appointment", ErrorCodes.NotLapsing, "The appointment was confirmed or changed."),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        };
        return refused ?? Outcome<Appointment>.Ok(this with
        {
            Status = to,
            UpdatedAt = now,
            CheckedInAt = action == AppointmentAction.CheckIn ? now : CheckedInAt,
            ServedAt = action == AppointmentAction.Serve ? now : ServedAt,
        });
    }
}

/// <summary>What residents, staff and the lapse timer do to an appointment after it is booked (moving it is <see cref="RescheduleAppointment"/>).</summary>
public enum AppointmentAction
{
    Cancel,
    Confirm,
    CheckIn,
    Serve,
    NoShow,
    Lapse,
}

public static class AppointmentActions
{
    public static AppointmentStatus Target(this AppointmentAction action) => action switch
    {
        AppointmentAction.Cancel => AppointmentStatus.Cancelled,
        AppointmentAction.Confirm => AppointmentStatus.Booked,
        AppointmentAction.CheckIn => AppointmentStatus.CheckedIn,
        AppointmentAction.Serve => AppointmentStatus.Served,
        AppointmentAction.NoShow => AppointmentStatus.NoShow,
        AppointmentAction.Lapse => AppointmentStatus.Lapsed,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>Whether the action gives the appointment's seats back.</summary>
    public static bool ReleasesSlots(this AppointmentAction action) => action is AppointmentAction.Cancel or AppointmentAction.Lapse;

    public static string EventType(this AppointmentAction action) => action switch
    {
        AppointmentAction.Cancel => AppointmentEventTypes.Cancelled,
        AppointmentAction.Confirm => AppointmentEventTypes.Confirmed,
        AppointmentAction.CheckIn => AppointmentEventTypes.CheckedIn,
        AppointmentAction.Serve => AppointmentEventTypes.Served,
        AppointmentAction.NoShow => AppointmentEventTypes.NoShow,
        AppointmentAction.Lapse => AppointmentEventTypes.Lapsed,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}

/// <summary>The <see cref="AppointmentEvent.Type"/> values.</summary>
public static class AppointmentEventTypes
{
    public const string Booked = "appointment.booked";
    public const string Rescheduled = "appointment.rescheduled";
    public const string Cancelled = "appointment.cancelled";
    public const string Confirmed = "appointment.confirmed";
    public const string CheckedIn = "appointment.checked-in";
    public const string Served = "appointment.served";
    public const string NoShow = "appointment.no-show";
    public const string Lapsed = "appointment.lapsed";
    public const string GreenConfirmed = "appointment.green-confirmed";
    public const string GreenDowngraded = "appointment.green-downgraded";
}

/// <summary>An event on the <c>appointment-events</c> queue, for notifications and planning.</summary>
public sealed record AppointmentEvent(
    string EventId,
    string Type,
    int Version,
    string CentreId,
    string AppointmentId,
    Instant At,
    string Actor,
    AppointmentStatus Status,
    LocalDate Date,
    LocalTime Start,
    LocalDate? PreviousDate,
    LocalTime? PreviousStart,
    string? BookableId = null,
    string? CategoryId = null,
    IReadOnlyList<SlotKey>? Seats = null)
{
    /// <summary>
    /// Version 2 added <see cref="BookableId"/>; version 3 <see cref="CategoryId"/> and <see cref="Seats"/> (the
    /// slots of that category whose seats the change took or gave back, empty when it changed none). Older events
    /// read with them null.
    /// </summary>
    public const int CurrentVersion = 3;

    /// <summary>The event of <paramref name="type"/> for <paramref name="a"/> as it is now, with where it was before a move.</summary>
    public static AppointmentEvent Of(string type, Appointment a, Caller caller, Instant at, Appointment? previous = null) =>
        new(Ids.New($"{a.Id}-", 6), type, CurrentVersion, a.CentreId, a.Id, at, caller.AuditName, a.Status, a.Date, a.Start,
            previous?.Date, previous?.Start, a.BookableId);
}
