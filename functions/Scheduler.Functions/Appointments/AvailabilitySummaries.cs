using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Appointments;

/// <summary>
/// A summary of a category's slot counters: for each date from yesterday on, the seats taken in each slot that has
/// any (<c>0900:3.1</c>: three general, one green), as of <see cref="RefreshedAt"/>.
/// </summary>
public sealed record AvailabilitySummary(Instant RefreshedAt, IReadOnlyDictionary<string, string> Days);

/// <summary>
/// What availability and alternatives are served from (ADR 0017): one row per centre and window category in table
/// <c>availability</c> (partition <c>{centre}|{category}</c>, row <c>summary</c>), so an availability answer is
/// one point read however many days it covers, instead of a range read of every counter of those days in the
/// centre's partition. The counters stay the truth: a booking checks them under their ETags, so an offer made from
/// a summary a moment old ends, at worst, in a 409 with fresh alternatives.
///
/// Kept in step by the consumer of each change's event (ADR 0028), and by a booking refused for a full slot:
/// <see cref="RefreshAsync"/> reads the summary, then the counters of the slots changed, and replaces the summary only
/// if unchanged since read. Reading the counters after the summary makes concurrent writers converge: a writer that
/// copied an older value loses the ETag race to the one that copied a newer one, and reads again. A summary older than <see cref="RebuildAfter"/> (or missing)
/// is rebuilt from the counters by the reader that finds it so (a range read of the category's counters from
/// yesterday on), which heals anything a failed refresh left behind and drops past days. A writer that loses the
/// race too often marks the row stale, so the next reader rebuilds it at once.
///
/// Each instance answers from its own copy of a summary for a few seconds (<see cref="CacheFor"/>, no longer than the
/// <c>max-age</c> the answers carry over HTTP; ADR 0017, addendum), and puts in its place what its own refreshes
/// write, so a booking refused here for a full slot and the events this instance handles show in its next offers.
/// Another instance's refresh shows here when the copy's time runs out.
/// </summary>
public sealed class AvailabilitySummaries
{
    private readonly IClock _clock;
    public static readonly RowSchema<AvailabilitySummary> Schema = new("availability summary", 1);
    public const string RowKey = "summary";
    private const int Attempts = 25;

    /// <summary>Column set, unconditionally, by a writer that could not get its refresh in: the next reader rebuilds.</summary>
    public const string StaleColumn = "Stale";

    /// <summary>How old a summary may get before the next reader rebuilds it from the counters.</summary>
    public static readonly Duration RebuildAfter = Duration.FromMinutes(5);

    private readonly TableClient _summaries;
    private readonly TableClient _counters;

    public static string Partition(string centreId, string categoryId) => $"{centreId}|{categoryId}";

    /// <summary>Seats taken per slot from <paramref name="from"/> to <paramref name="to"/>, as the summary has them.</summary>
    /// <remarks>
    /// Answered from this instance's copy of the summary while it is younger than <see cref="CacheFor"/> (ADR 0017,
    /// addendum): the calls that miss at once share one read. This instance's own refreshes put the summary they
    /// wrote in its place, so its next answers know what its refused bookings and its events' consumer learnt.
    /// </remarks>
    public async Task<IReadOnlyDictionary<SlotKey, SlotUsage>> ReadAsync(string centreId, string categoryId, LocalDate from, LocalDate to, CancellationToken cancellationToken)
    {
        var summary = await _held.GetAsync(Partition(centreId, categoryId), ct => LoadAsync(centreId, categoryId, ct), cancellationToken);
        return Slice(summary, from, to);
    }

    /// <summary>How long an instance answers from its copy of a summary before it reads it again (zero: never).</summary>
    public Duration CacheFor => _held.Lifetime;

    /// <summary>Summaries asked for by this instance's readers so far, and those read from storage (the heat bench reports them).</summary>
    public (long Asked, long Reads) CacheCounts => _held.Counts;

    /// <summary>The summary as stored, rebuilt first if it is missing, marked stale or too old.</summary>
    private async Task<AvailabilitySummary> LoadAsync(string centreId, string categoryId, CancellationToken cancellationToken)
    {
        var found = await _summaries.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, categoryId), RowKey, cancellationToken: cancellationToken);
        var summary = found.HasValue ? JsonRow.Read(found.Value!, Schema) : null;
        if (summary is null || found.Value!.GetBoolean(StaleColumn) == true ||
            _clock.GetCurrentInstant() - summary.RefreshedAt > RebuildAfter || summary.RefreshedAt > _clock.GetCurrentInstant())
            summary = (await RebuildAsync(centreId, categoryId, found.HasValue ? found.Value!.ETag : (ETag?)null, cancellationToken)).Summary;
        return summary;
    }

    /// <summary>
    /// Copies the counters of <paramref name="slots"/>, as they are now, into the summary. Calls for one centre and
    /// category are coalesced: while a refresh runs, the calls that arrive wait for the next one, which takes all
    /// their slots at once and starts only after the running one ended, so it reads every counter after each caller's
    /// change. Under a burst of bookings, a category's summary is read and written once per round, not per booking;
    /// each changed counter is one point read (one entity, where a day's range would read some thirty).
    /// </summary>
    public Task RefreshAsync(string centreId, string categoryId, IReadOnlyCollection<SlotKey> slots, CancellationToken cancellationToken) =>
        slots.Count == 0 ? Task.CompletedTask : _refreshes.RunAsync((centreId, categoryId), slots, cancellationToken);

    private readonly Rounds<(string Centre, string Category), SlotKey> _refreshes;

    /// <summary>This instance's copies of the summaries it answered from, by partition.</summary>
    private readonly ShortLivedCache<string, AvailabilitySummary> _held;

    /// <param name="cacheFor">How long this instance answers from its copy of a summary (none unless given: every answer reads it).</param>
    public AvailabilitySummaries(StorageClients storage, IClock clock, Duration? cacheFor = null)
    {
        _clock = clock;
        _held = new ShortLivedCache<string, AvailabilitySummary>(clock, cacheFor ?? Duration.Zero);
        _summaries = storage.Tables.GetTableClient(StorageNames.AvailabilityTable);
        _counters = storage.Tables.GetTableClient(StorageNames.AppointmentsTable);
        _refreshes = new Rounds<(string Centre, string Category), SlotKey>((lane, slots) => RefreshSlotsAsync(lane.Centre, lane.Category, slots.Distinct().ToList(), CancellationToken.None));
    }

    /// <summary>Reads the summary, then the counters of <paramref name="slots"/>, and replaces those slots in it under its ETag.</summary>
    private async Task RefreshSlotsAsync(string centreId, string categoryId, IReadOnlyCollection<SlotKey> slots, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var found = await _summaries.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, categoryId), RowKey, cancellationToken: cancellationToken);
            if (!found.HasValue)
            {
                // Built from the counters as they are now; if a reader added one meanwhile (from older counters), refresh that.
                var (rebuilt, written) = await RebuildAsync(centreId, categoryId, null, cancellationToken);
                if (!written) continue;
                _held.Put(Partition(centreId, categoryId), rebuilt);
                return;
            }
            var summary = JsonRow.Read(found.Value!, Schema);
            var reads = slots.Select(async k =>
            {
                var row = await _counters.GetEntityIfExistsAsync<TableEntity>(centreId, TableAppointmentStore.SlotRow(categoryId, k), ["General", "Green"], cancellationToken);
                return (Key: k, Usage: row.HasValue ? TableAppointmentStore.Usage(row.Value!) : SlotUsage.Empty);
            });
            var days = summary.Days.ToDictionary(kv => kv.Key, kv => Parse(kv.Value));
            foreach (var (key, usage) in await Task.WhenAll(reads))
            {
                var day = DayKey(key.Date);
                if (!days.TryGetValue(day, out var taken)) days[day] = taken = [];
                if (usage.General == 0 && usage.Green == 0) taken.Remove(key.Start);
                else taken[key.Start] = usage;
            }
            var next = summary with { Days = days.Where(kv => kv.Value.Count > 0).ToDictionary(kv => kv.Key, kv => Format(kv.Value)) };
            try
            {
                await _summaries.UpdateEntityAsync(Entity(centreId, categoryId, next), found.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                // What was just written is the row as it now is: this instance answers from it (no read needed).
                _held.Put(Partition(centreId, categoryId), next);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                await Task.Delay(Random.Shared.Next(1, 5 * Math.Min(attempt, 10)), cancellationToken);
            }
        }
        // Too many writers at once: mark it stale (a merge that cannot lose a race) so the next reader rebuilds it
        // from the counters. Until then offers may be seconds old; the counters still guard every booking.
        await _summaries.UpdateEntityAsync(new TableEntity(Partition(centreId, categoryId), RowKey) { [StaleColumn] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        // After the mark, so a read this instance starts from now on rebuilds.
        _held.Remove(Partition(centreId, categoryId));
    }

    /// <summary>Builds the summary from the counters of yesterday on and writes it unless someone wrote it meanwhile.</summary>
    private async Task<(AvailabilitySummary Summary, bool Written)> RebuildAsync(string centreId, string categoryId, ETag? seen, CancellationToken cancellationToken)
    {
        var now = _clock.GetCurrentInstant();
        var since = now.InUtc().Date.PlusDays(-1);
        var days = new Dictionary<string, Dictionary<LocalTime, SlotUsage>>();
        var from = $"slot|{categoryId}|{since:yyyyMMdd}|";
        var to = $"slot|{categoryId}|~";
        await foreach (var e in _counters.QueryAsync<TableEntity>(KeyFilter.Range(centreId, from, to),
                           select: ["RowKey", "General", "Green"], cancellationToken: cancellationToken))
        {
            var usage = TableAppointmentStore.Usage(e);
            if (usage.General == 0 && usage.Green == 0) continue;
            var key = TableAppointmentStore.ParseSlot(e.RowKey);
            if (!days.TryGetValue(DayKey(key.Date), out var slots)) days[DayKey(key.Date)] = slots = [];
            slots[key.Start] = usage;
        }
        var summary = new AvailabilitySummary(now, days.ToDictionary(kv => kv.Key, kv => Format(kv.Value)));
        try
        {
            if (seen is { } etag) await _summaries.UpdateEntityAsync(Entity(centreId, categoryId, summary), etag, TableUpdateMode.Replace, cancellationToken);
            else await _summaries.AddEntityAsync(Entity(centreId, categoryId, summary), cancellationToken);
            return (summary, true);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another reader rebuilt it, or a writer refreshed it, meanwhile; what was read here is as fresh to answer with.
            return (summary, false);
        }
    }

    private static TableEntity Entity(string centreId, string categoryId, AvailabilitySummary summary) =>
        JsonRow.Write(new TableEntity(Partition(centreId, categoryId), RowKey), Schema, summary);

    private static IReadOnlyDictionary<SlotKey, SlotUsage> Slice(AvailabilitySummary summary, LocalDate from, LocalDate to)
    {
        var result = new Dictionary<SlotKey, SlotUsage>();
        for (var d = from; d <= to; d = d.PlusDays(1))
            if (summary.Days.TryGetValue(DayKey(d), out var text))
                foreach (var (start, usage) in Parse(text))
                    result[new SlotKey(d, start)] = usage;
        return result;
    }

    private static string DayKey(LocalDate date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary><c>0900:3.1,0915:6.0</c>: start, general seats, green seats.</summary>
    private static string Format(Dictionary<LocalTime, SlotUsage> slots)
    {
        var text = new StringBuilder();
        foreach (var (start, usage) in slots.OrderBy(kv => kv.Key))
        {
            if (text.Length > 0) text.Append(',');
            text.Append(CultureInfo.InvariantCulture, $"{start:HHmm}:{usage.General}.{usage.Green}");
        }
        return text.ToString();
    }

    private static Dictionary<LocalTime, SlotUsage> Parse(string text)
    {
        var slots = new Dictionary<LocalTime, SlotUsage>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':');
            var dot = part.IndexOf('.', colon);
            slots[new LocalTime(int.Parse(part[..2], CultureInfo.InvariantCulture), int.Parse(part[2..4], CultureInfo.InvariantCulture))] =
                new SlotUsage(int.Parse(part[(colon + 1)..dot], CultureInfo.InvariantCulture), int.Parse(part[(dot + 1)..], CultureInfo.InvariantCulture));
        }
        return slots;
    }
}
