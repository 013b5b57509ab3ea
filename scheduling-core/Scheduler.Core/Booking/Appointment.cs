using NodaTime;

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
    public bool Green => Priority is not null;
    public bool HoldsCapacity => Status is AppointmentStatus.Booked or AppointmentStatus.AwaitingConfirmation or AppointmentStatus.CheckedIn;
    public bool IsActive => Status is AppointmentStatus.Booked or AppointmentStatus.AwaitingConfirmation;
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
    LocalTime? PreviousStart)
{
    public const int CurrentVersion = 1;
}
