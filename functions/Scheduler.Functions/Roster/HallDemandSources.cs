using System.Collections.Concurrent;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Roster;

namespace Scheduler.Functions.Roster;

/// <summary>
/// The day's booked appointments as roster demand: every appointment that still holds capacity, with its items'
/// minutes from the centre's catalogue (a bundle: the sum of its items).
/// </summary>
public sealed class AppointmentBookedDemand(IAppointmentStore appointments, ICentreDirectory centres) : IBookedDemandSource
{
    public async Task<IReadOnlyList<BookedDemand>> ReadAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return [];
        var minutes = centre.Profile.Items.ToDictionary(i => i.Id, i => (double)i.Minutes);
        var result = new List<BookedDemand>();
        foreach (var category in centre.Profile.Categories)
            foreach (var a in await appointments.ListAsync(centreId, category.Id, date, cancellationToken))
                if (a.HoldsCapacity)
                    result.Add(new BookedDemand(a.CategoryId, a.Start, Math.Max(1, a.ItemIds.Sum(i => minutes.GetValueOrDefault(i, category.SlotMinutes))), a.Green,
                        a.ItemIds.Count == 1 ? a.ItemIds[0] : a.BookableId));
        return result;
    }
}

/// <summary>
/// The hall's history the walk-in forecast learns from. Until check-in and call records are read back as history,
/// every centre learns from the demo centre's generated year (<see cref="HallHistoryGenerator"/> with the seed
/// <c>Roster:HistorySeed</c>), the same history the roster bench uses; generated once per range and kept.
/// </summary>
public sealed class GeneratedHallHistory(int seed) : IHallHistory
{
    private readonly ConcurrentDictionary<(LocalDate, LocalDate), IReadOnlyList<HallVisit>> _cache = new();

    public Task<IReadOnlyList<HallVisit>> ReadAsync(string centreId, LocalDate from, LocalDate to, CancellationToken cancellationToken) =>
        Task.FromResult(_cache.GetOrAdd((from, to), r =>
            new HallHistoryGenerator(HallProfile.Demo(), seed).Visits(r.Item1, Period.Between(r.Item1, r.Item2, PeriodUnits.Days).Days + 1)));
}
