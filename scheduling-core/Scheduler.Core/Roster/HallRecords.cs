using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Results;

namespace Scheduler.Core.Roster;

/// <summary>
/// What the hall recorded of one resident: checked in (<see cref="Appointment.CheckedInAt"/>), called to a window
/// (<see cref="WindowCall.CalledAt"/>, 叫号) and served (<see cref="Appointment.ServedAt"/>). The wait is check-in
/// to call, the service call to served; either is null when a record is missing or out of order.
/// </summary>
public sealed record HallRecord(Appointment Appointment, WindowCall? Call)
{
    public double? WaitMinutes => Appointment.CheckedInAt is { } checkedIn && Call?.CalledAt is { } called && called >= checkedIn ? (called - checkedIn).TotalMinutes : null;

    public double? ServiceMinutes => Call?.CalledAt is { } called && Appointment.ServedAt is { } served && served >= called ? (served - called).TotalMinutes : null;
}

/// <summary>Percentiles as the hall simulation reports them (nearest rank), so measured and simulated figures compare.</summary>
public static class Percentiles
{
    /// <summary>The nearest-rank <paramref name="p"/> percentile of <paramref name="sorted"/> (ascending); 0 when empty.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>
/// Measured waiting and service of a group of residents, in minutes: how many checked in, how many of them have a
/// measured wait (called) and a measured service (served after the call), and the p50/p90 of each.
/// </summary>
public sealed record WaitFigures(int CheckedIn, int Waits, double? WaitP50, double? WaitP90, int Services, double? ServiceP50, double? ServiceP90)
{
    public static WaitFigures Of(IReadOnlyCollection<HallRecord> records)
    {
        var waits = records.Select(r => r.WaitMinutes).OfType<double>().Order().ToList();
        var services = records.Select(r => r.ServiceMinutes).OfType<double>().Order().ToList();
        double? At(List<double> sorted, double p) => sorted.Count == 0 ? null : Math.Round(Percentiles.NearestRank(sorted, p), 1);
        return new WaitFigures(records.Count, waits.Count, At(waits, 0.5), At(waits, 0.9), services.Count, At(services, 0.5), At(services, 0.9));
    }
}

/// <summary>One line of the waiting-time report: a day, an hour of check-in (null: the whole day) and a category (null: all).</summary>
public sealed record WaitLine(LocalDate Date, int? Hour, string? CategoryId, WaitFigures Figures);

public sealed record WaitReport(LocalDate From, LocalDate To, IReadOnlyList<WaitLine> Lines);

/// <summary>Reads a centre's day of hall records: the appointments that checked in, with their window calls.</summary>
public sealed class HallRecords(IAppointmentStore appointments, IWindowCalls calls)
{
    public async Task<IReadOnlyList<HallRecord>> DayAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var day = appointments.ListDayAsync(centreId, date, cancellationToken);
        var called = calls.ListDayAsync(centreId, date, cancellationToken);
        var byId = (await called).GroupBy(c => c.AppointmentId).ToDictionary(g => g.Key, g => g.First());
        return (await day).Where(a => a.CheckedInAt is not null).Select(a => new HallRecord(a, byId.GetValueOrDefault(a.Id))).ToList();
    }
}

/// <summary>
/// The centre's waiting-time report (how a centre shows a figure like the seeds' 56% cut): from what staff recorded,
/// p50/p90 of the wait (check-in to call) and of the service (call to served) per day, per day and hour of check-in,
/// and per category.
/// </summary>
public sealed class WaitingTimes(HallRecords records, ICentreDirectory centres)
{
    public const int MaxDays = 62;

    public async Task<Outcome<WaitReport>> ReportAsync(string centreId, LocalDate? from, LocalDate? to, CancellationToken cancellationToken)
    {
        if (from is not { } first) return Problem.Invalid("from", ErrorCodes.Missing, "from is required (yyyy-MM-dd).");
        if (to is not { } last) return Problem.Invalid("to", ErrorCodes.Missing, "to is required (yyyy-MM-dd).");
        if (last < first) return Problem.Invalid("to", ErrorCodes.RangeReversed, "'to' is before 'from'.");
        if (Period.Between(first, last, PeriodUnits.Days).Days >= MaxDays) return Problem.Invalid("to", ErrorCodes.RangeTooLong, $"Ask for at most {MaxDays} days at a time.");
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        var zone = centre.Calendar.Zone;
        var lines = new List<WaitLine>();
        for (var date = first; date <= last; date = date.PlusDays(1))
        {
            var day = await records.DayAsync(centreId, date, cancellationToken);
            if (day.Count == 0) continue;
            lines.Add(new WaitLine(date, null, null, WaitFigures.Of(day)));
            foreach (var category in day.GroupBy(r => r.Appointment.CategoryId).OrderBy(g => g.Key))
                lines.Add(new WaitLine(date, null, category.Key, WaitFigures.Of(category.ToList())));
            foreach (var hour in day.GroupBy(r => r.Appointment.CheckedInAt!.Value.InZone(zone).Hour).OrderBy(g => g.Key))
            {
                lines.Add(new WaitLine(date, hour.Key, null, WaitFigures.Of(hour.ToList())));
                foreach (var category in hour.GroupBy(r => r.Appointment.CategoryId).OrderBy(g => g.Key))
                    lines.Add(new WaitLine(date, hour.Key, category.Key, WaitFigures.Of(category.ToList())));
            }
        }
        return Outcome<WaitReport>.Ok(new WaitReport(first, last, lines));
    }
}

/// <summary>How much of the recorded hall the forecast reads, and how many days of check-ins it needs before it trusts them.</summary>
public sealed record RecordedHistorySettings(int Days = 56, int MinDays = 10);

/// <summary>
/// The hall's history from what was recorded: each checked-in appointment of the last <see cref="RecordedHistorySettings.Days"/>
/// days is a visit, arriving at its check-in, at the window for its measured service (call to served) or else its
/// items' minutes; it is a walk-in when staff booked it at the counter on the day itself (帮办, channel counter),
/// which is how a resident without an appointment enters the system. With fewer than
/// <see cref="RecordedHistorySettings.MinDays"/> days of check-ins the forecast learns from <paramref name="fallback"/>
/// (the generated history) instead.
/// </summary>
public sealed class RecordedHallHistory(HallRecords records, ICentreDirectory centres, IHallHistory fallback, RecordedHistorySettings settings) : IHallHistory
{
    public async Task<IReadOnlyList<HallVisit>> ReadAsync(string centreId, LocalDate from, LocalDate to, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null || to < from) return await fallback.ReadAsync(centreId, from, to, cancellationToken);
        var start = to.PlusDays(1 - settings.Days) > from ? to.PlusDays(1 - settings.Days) : from;
        var minutes = centre.Profile.Items.ToDictionary(i => i.Id, i => (double)i.Minutes);
        var zone = centre.Calendar.Zone;
        var visits = new List<HallVisit>();
        var days = 0;
        for (var date = start; date <= to; date = date.PlusDays(1))
        {
            var day = await records.DayAsync(centreId, date, cancellationToken);
            if (day.Count > 0) days++;
            foreach (var r in day)
            {
                var a = r.Appointment;
                var walkIn = a.Assisted?.Channel == "counter" && a.CreatedAt.InZone(zone).Date == a.Date;
                var service = r.ServiceMinutes ?? a.ItemIds.Sum(i => minutes.GetValueOrDefault(i, 15));
                visits.Add(new HallVisit(a.Date, a.CheckedInAt!.Value.InZone(zone).TimeOfDay, a.CategoryId, a.ItemIds.Count == 1 ? a.ItemIds[0] : a.BookableId,
                    walkIn, a.Green, Math.Max(1, service)));
            }
        }
        return days >= settings.MinDays ? visits : await fallback.ReadAsync(centreId, from, to, cancellationToken);
    }
}
