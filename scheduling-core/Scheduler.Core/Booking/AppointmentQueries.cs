using NodaTime;
using Scheduler.Core.Results;

namespace Scheduler.Core.Booking;

/// <summary>Reading appointments: one by id, and a window category's day for staff.</summary>
public sealed class AppointmentQueries(IAppointmentStore store, ICentreDirectory centres)
{
    public async Task<Outcome<StoredAppointment>> GetAsync(string centreId, string appointmentId, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(centreId, appointmentId, cancellationToken);
        return stored is null ? Problem.UnknownAppointment() : Outcome<StoredAppointment>.Ok(stored);
    }

    public async Task<Outcome<IReadOnlyList<Appointment>>> DayAsync(string centreId, string? categoryId, LocalDate? date, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        if (date is null) return Problem.Invalid("date", ErrorCodes.Missing, "date (yyyy-MM-dd) is required.");
        if (centre.Profile.Categories.All(c => c.Id != categoryId))
            return Problem.Invalid("categoryId", ErrorCodes.UnknownCategory, "A known categoryId is required.");
        return Outcome<IReadOnlyList<Appointment>>.Ok(await store.ListAsync(centreId, categoryId!, date.Value, cancellationToken));
    }
}
