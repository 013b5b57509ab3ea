using System.Collections.Concurrent;
using System.Text.Json;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Catalogue;

namespace Scheduler.Functions.Catalogue;

/// <summary>The official public holidays and adjusted working days, shipped as <c>Calendars/cn-public-holidays.json</c>.</summary>
public static class PublicHolidays
{
    public sealed record File(string Source, IReadOnlyList<int> Years, IReadOnlyList<CalendarDay> Days);

    private static readonly Lazy<File> Loaded = new(() =>
    {
        using var stream = typeof(PublicHolidays).Assembly.GetManifestResourceStream("Scheduler.Functions.Calendars.cn-public-holidays.json")
            ?? throw new InvalidOperationException("The public holiday file is not embedded.");
        return JsonSerializer.Deserialize<File>(stream, Json.Options)!;
    });

    public static File Official => Loaded.Value;
}

/// <summary>
/// Centres with their calendars, read from the catalogue and kept for <see cref="CacheFor"/> so a burst of bookings
/// does not re-read the profile each time. A change to a profile shows within that time. A centre's zone is the one
/// its profile names, or <c>Scheduler:TimeZone</c> when it names none, from the injected zone provider. The windows of
/// the published rosters from yesterday to the booking horizon are read with the profile (one query), so a day's
/// slots offer the windows its roster staffs (ADR 0026); a roster published shows within the same time.
/// </summary>
public sealed class CentreDirectory(CatalogueStore catalogue, IStaffedWindowsSource staffed, IClock clock, IDateTimeZoneProvider zones,
    Microsoft.Extensions.Options.IOptions<SchedulerOptions> options)
    : ICentreDirectory, ICentreList
{
    /// <summary>Every enabled centre of the catalogue, and the default centre (<c>Scheduler:CentreId</c>) in any case, first.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var listed = await catalogue.ListCentresAsync(cancellationToken);
        return [options.Value.CentreId, .. listed.Where(id => id != options.Value.CentreId).Order(StringComparer.Ordinal)];
    }

    /// <summary>How often a centre id not in the kept list reads the list again (so made-up ids cannot make every request read it).</summary>
    public static readonly Duration ListRereadAfter = Duration.FromSeconds(5);

    private sealed record Listed(Instant At, HashSet<string> Ids);

    private volatile Listed? _listed;

    /// <summary>
    /// Whether <paramref name="centreId"/> is a centre of this deployment (an id no centre could have is not, unread): from the list kept for <see cref="CacheFor"/>,
    /// read again for an id not in it once the list is <see cref="ListRereadAfter"/> old (a centre just added shows at once
    /// after that; one removed within <see cref="CacheFor"/>).
    /// </summary>
    public async Task<bool> IsListedAsync(string? centreId, CancellationToken cancellationToken)
    {
        if (centreId == options.Value.CentreId) return true;
        if (!Scheduler.Core.Identity.CentreScope.IsWellFormed(centreId)) return false;
        var now = clock.GetCurrentInstant();
        var kept = _listed;
        if (kept is { } k && now >= k.At && now - k.At < CacheFor && (k.Ids.Contains(centreId) || now - k.At < ListRereadAfter))
            return k.Ids.Contains(centreId);
        var ids = new HashSet<string>(await ListAsync(cancellationToken), StringComparer.Ordinal);
        _listed = new Listed(now, ids);
        return ids.Contains(centreId);
    }

    public static readonly Duration CacheFor = Duration.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (Instant At, CentreSnapshot? Snapshot)> _cache = new();

    public async Task<CentreSnapshot?> GetAsync(string centreId, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        if (_cache.TryGetValue(centreId, out var cached) && now - cached.At < CacheFor && now >= cached.At) return cached.Snapshot;
        var profile = await catalogue.LoadAsync(centreId, cancellationToken);
        CentreSnapshot? snapshot = null;
        if (profile is not null)
        {
            var zone = ZoneOf(profile);
            var today = now.InZone(zone).Date;
            var rostered = await staffed.ReadAsync(centreId, today.PlusDays(-1), today.PlusDays(profile.Booking.HorizonDays), cancellationToken);
            snapshot = new CentreSnapshot(profile, new CentreCalendar(profile, PublicHolidays.Official.Days, zone, rostered), profile.Booking);
        }
        _cache[centreId] = (now, snapshot);
        return snapshot;
    }

    private DateTimeZone ZoneOf(CentreProfile profile) =>
        zones.GetZoneOrNull(string.IsNullOrWhiteSpace(profile.Centre.TimeZoneId) ? options.Value.TimeZone : profile.Centre.TimeZoneId)
        ?? throw new InvalidDataException($"Centre '{profile.Centre.Id}' names time zone '{profile.Centre.TimeZoneId}', which is not an IANA zone.");
}
