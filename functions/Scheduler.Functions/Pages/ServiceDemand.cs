using System.Collections.Concurrent;
using NodaTime;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Pages;

/// <summary>
/// Which services residents book most, from the centre's own appointments of the last four weeks and the coming two
/// (every window category's days), counted at most once every six hours per centre. The service page lists the most
/// booked first; with no appointments yet it keeps the catalogue's order.
/// </summary>
public sealed class ServiceDemand(AppointmentQueries queries, IClock clock)
{
    private static readonly ConcurrentDictionary<string, (Instant At, IReadOnlyDictionary<string, int> Counts)> Cache = new();
    private static readonly Duration Keep = Duration.FromHours(6);

    public async Task<IReadOnlyDictionary<string, int>> CountsAsync(string centreId, CentreSnapshot centre, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        if (Cache.TryGetValue(centreId, out var cached) && now - cached.At < Keep) return cached.Counts;
        var today = centre.Calendar.Today(now);
        var days = Enumerable.Range(-28, 42).Select(today.PlusDays).ToList();
        var lists = await Task.WhenAll(centre.Profile.Categories.SelectMany(c => days.Select(d => queries.DayAsync(centreId, c.Id, d, cancellationToken))));
        var counts = lists.SelectMany(l => l.Value ?? [])
            .Where(a => a.Status is not (AppointmentStatus.Cancelled))
            .GroupBy(a => (a.IsBundle ? "bundle." : "item.") + a.BookableId)
            .ToDictionary(g => g.Key, g => g.Count());
        Cache[centreId] = (now, counts);
        return counts;
    }
}
