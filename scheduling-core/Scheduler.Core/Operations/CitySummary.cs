using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.Notifications;
using Scheduler.Core.Results;
using Scheduler.Core.Roster;

namespace Scheduler.Core.Operations;

/// <summary>One centre's day, as the city's administrators compare centres.</summary>
/// <param name="Appointments">Window appointments of the day, whatever their state.</param>
/// <param name="NoShows">Appointments marked as not shown.</param>
/// <param name="Waits">Measured waits and service of the day (check-in to call, call to served), in minutes.</param>
/// <param name="HomeVisitsPlanned">Visits in the day's published home-visit plan; null when none is published.</param>
/// <param name="HomeVisitsDropped">Visits the published plan could not fit.</param>
/// <param name="Ratings">Ratings given that day and their average (1 to 5), and rating follow-ups open now.</param>
public sealed record CentreDay(string CentreId, string Name, int Appointments, int CheckedIn, int Served, int NoShows, int Cancelled,
    WaitFigures Waits, int? HomeVisitsPlanned, int? HomeVisitsDropped, int Ratings, double? RatingAverage, int FollowUpsOpen, string? Failure = null);

/// <summary>The city on one day: each centre's figures, the default centre first.</summary>
public sealed record CityDay(LocalDate Date, IReadOnlyList<CentreDay> Centres);

/// <summary>
/// The city view (ADR 0018): for one local date, each centre's bookings, no-shows, measured waits, home visits and
/// ratings, each read by key from that centre's partitions (the day's appointments, its published plan, its ratings of
/// the day). A centre whose figures cannot be read is listed with the failure, not left out.
/// </summary>
public sealed class CitySummary(ICentreList list, ICentreDirectory centres, IAppointmentStore appointments, HallRecords hall, IPlanRunStore plans, Ratings ratings)
{
    public async Task<Outcome<CityDay>> DayAsync(LocalDate? date, CancellationToken cancellationToken)
    {
        if (date is not { } day) return Problem.Invalid("date", ErrorCodes.Missing, "date is required (yyyy-MM-dd).");
        var runs = await EachCentre.RunAsync(await list.ListAsync(cancellationToken), (id, ct) => CentreAsync(id, day, ct), cancellationToken);
        var lines = runs.Done.Select(d => d.Result)
            .Concat(runs.Failed.Select(f => new CentreDay(f.CentreId, f.CentreId, 0, 0, 0, 0, 0, WaitFigures.Of([]), null, null, 0, null, 0, f.Error.Message)))
            .ToList();
        return Outcome<CityDay>.Ok(new CityDay(day, lines));
    }

    private async Task<CentreDay> CentreAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{centreId}' has no profile.");
        var day = await appointments.ListDayAsync(centreId, date, cancellationToken);
        int Count(params AppointmentStatus[] states) => day.Count(a => states.Contains(a.Status));
        var waits = WaitFigures.Of(await hall.DayAsync(centreId, date, cancellationToken));
        var published = (await plans.PublishedAsync(centreId, date, cancellationToken))?.Run.Plan;
        var rated = (await ratings.SummaryAsync(centreId, date, date, cancellationToken)).Value;
        return new CentreDay(centreId, centre.Profile.Centre.Name.Zh, day.Count, Count(AppointmentStatus.CheckedIn, AppointmentStatus.Served),
            Count(AppointmentStatus.Served), Count(AppointmentStatus.NoShow), Count(AppointmentStatus.Cancelled, AppointmentStatus.Lapsed), waits,
            published?.Routes.Sum(r => r.Stops.Count), published?.Dropped.Count, rated?.Count ?? 0, rated is { Count: > 0 } ? rated.Average : null,
            rated?.FollowUpsOpen ?? 0);
    }
}
