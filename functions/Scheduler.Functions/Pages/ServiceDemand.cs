using System.Collections.Concurrent;
using NodaTime;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Pages;

/// <summary>
/// Which services residents book most, from the centre's own appointments of the last four weeks and the coming two
/// (every window category's days), counted at most once every six hours per centre. The service page lists the most
/// booked first; with no appointments yet (and between services booked as often) it puts first the services the
/// catalogue also offers as a home visit (<see cref="Care"/>): those older and less mobile residents come for.
/// </summary>
public sealed class ServiceDemand(AppointmentQueries queries, IClock clock)
{
    // One per app (a singleton): the counts of each centre it serves, kept for six hours.
    private readonly ConcurrentDictionary<string, (Instant At, IReadOnlyDictionary<string, int> Counts)> _cache = new();
    private static readonly Duration Keep = Duration.FromHours(6);

    /// <summary>
    /// True for a service the catalogue also offers at home (an item with a home-visit profile, or a bundle holding
    /// one): the social-affairs services older residents come for, listed first until the centre's bookings say otherwise.
    /// </summary>
    public static bool Care(Scheduler.Core.Catalogue.CentreProfile profile, string key) =>
        key.StartsWith("item.", StringComparison.Ordinal)
            ? profile.Items.FirstOrDefault(i => i.Id == key[5..])?.HomeVisit is not null
            : profile.Bundles.FirstOrDefault(b => b.Id == key[7..]) is { } bundle && bundle.ItemIds.Any(id => profile.Items.FirstOrDefault(i => i.Id == id)?.HomeVisit is not null);

    public async Task<IReadOnlyDictionary<string, int>> CountsAsync(string centreId, CentreSnapshot centre, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        if (_cache.TryGetValue(centreId, out var cached) && now - cached.At < Keep) return cached.Counts;
        var today = centre.Calendar.Today(now);
        var days = Enumerable.Range(-28, 42).Select(today.PlusDays).ToList();
        var lists = await Task.WhenAll(centre.Profile.Categories.SelectMany(c => days.Select(d => queries.DayAsync(centreId, c.Id, d, cancellationToken))));
        var counts = lists.SelectMany(l => l.Value ?? [])
            .Where(a => a.Status is not (AppointmentStatus.Cancelled))
            .GroupBy(a => (a.IsBundle ? "bundle." : "item.") + a.BookableId)
            .ToDictionary(g => g.Key, g => g.Count());
        _cache[centreId] = (now, counts);
        return counts;
    }
}
