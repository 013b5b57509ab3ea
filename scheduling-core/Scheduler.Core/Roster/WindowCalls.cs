using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;

namespace Scheduler.Core.Roster;

/// <summary>
/// A resident called to a window (叫号): when the wait in the hall ended. Kept beside the appointment, not in it, so
/// the appointment's states stay as they are; check-in to call is the wait, call to served the time at the window.
/// </summary>
public sealed record WindowCall(string CentreId, string AppointmentId, string CategoryId, LocalDate Date, Instant CalledAt, string CalledBy);

/// <summary>Where window calls are kept.</summary>
public interface IWindowCalls
{
    /// <summary>Adds the call; false when the appointment was called already (the first call stands).</summary>
    Task<bool> AddAsync(WindowCall call, CancellationToken cancellationToken);

    Task<WindowCall?> GetAsync(string centreId, LocalDate date, string appointmentId, CancellationToken cancellationToken);

    /// <summary>Every call of a centre's day.</summary>
    Task<IReadOnlyList<WindowCall>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken);
}

/// <summary>
/// Staff at a window call a checked-in resident: the call is recorded once, as an instant; calling again (the
/// resident did not come at once) keeps the first call. Only a checked-in appointment can be called.
/// </summary>
public sealed class CallToWindow(IAppointmentStore appointments, IWindowCalls calls, IClock clock)
{
    public async Task<Outcome<WindowCall>> CallAsync(string centreId, string appointmentId, Caller caller, CancellationToken cancellationToken)
    {
        var stored = await appointments.GetAsync(centreId, appointmentId, cancellationToken);
        if (stored is null) return Problem.UnknownAppointment();
        if (stored.Archived) return Problem.ArchivedAppointment();
        var a = stored.Appointment;
        if (await calls.GetAsync(centreId, a.Date, a.Id, cancellationToken) is { } earlier) return Outcome<WindowCall>.Ok(earlier);
        if (a.Status != AppointmentStatus.CheckedIn)
            return Problem.Conflict("appointment", ErrorCodes.NotCheckedIn, $"The appointment is {a.Status}; a resident is called to a window after checking in.");
        var call = new WindowCall(centreId, a.Id, a.CategoryId, a.Date, clock.GetCurrentInstant(), caller.AuditName);
        if (await calls.AddAsync(call, cancellationToken)) return Outcome<WindowCall>.Ok(call);
        return await calls.GetAsync(centreId, a.Date, a.Id, cancellationToken) is { } first ? Outcome<WindowCall>.Ok(first) : Problem.Conflict("appointment", ErrorCodes.Busy, "Try again.");
    }
}
