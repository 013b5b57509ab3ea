using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Platform;

namespace Scheduler.Bench.Booking;

/// <summary>
/// Storage heat of a city's 08:00 peak, simulated: ten centres of uneven size (the demo centre's catalogue under
/// ten ids, the largest carrying ten times the smallest's share) on one Azurite, their next two weeks' slots
/// already partly booked (every slot has a counter, a quarter of them full), and the peak's mix replayed through
/// the use cases the HTTP functions call: twenty availability reads for each booking, a booking taking a slot from
/// the offers it was shown or, one time in five, a slot someone else took meanwhile (a stale offer: 409 with
/// alternatives). The queue functions run meanwhile (the events' consumer, the SMS sender) and are waited for.
/// The storage pipeline counts every request and the entities each read or wrote, per partition and per call.
///
/// The ten centres stand for a tenth of the city: the bench's bookings are what the city's peak (580 bookings/s,
/// 11,600 availability reads/s at 100 centres) makes in <c>bookings / 58</c> seconds on these ten. A partition of
/// one centre sees, at 100 centres, the rate it saw here; a partition all centres share (the SMS outbox's hash
/// partitions) sees ten times it; the account sees ten times the requests.
///
/// Every centre's functions run in this one process: one instance. Its copies of the availability summaries (ADR 0017,
/// addendum) live for <c>cacheSeconds</c> of the bench's clock, which moves with the simulated peak (the bench's
/// bookings span <c>bookings / 58</c> seconds of it). What several instances would ask of the account is computed: each
/// reads each summary at most once per lifetime of its copy, so the availability reads are at most
/// <c>instances x summaries / lifetime</c> a second, and never more than the uncached reads.
/// </summary>
public static class HeatCommand
{
    public const int CityCentres = 100;
    public const double CityPeakBookingsPerSecond = 580;
    public const int AvailabilityPerBooking = 20;
    public const double PartitionTarget = 2000;
    public const double AccountTarget = 20000;
    public const double QueueTarget = 2000;

    /// <summary>Relative size of the ten centres: a municipal centre, district centres, street centres.</summary>
    private static readonly double[] Weights = [3, 2, 1.5, 1, 1, 0.8, 0.6, 0.4, 0.4, 0.3];

    /// <summary>
    /// The instances the last line states by default: the most the deployment runs (<c>maximumInstanceCount</c>'s
    /// default in <c>infra/main.bicep</c>), so the figure is the most the copies can cost while the default holds.
    /// </summary>
    public const int DefaultInstances = 40;

    public static async Task<int> RunAsync(int bookings, int concurrency, int instances, int cacheSeconds)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        await using var host = await BenchHost.StartAsync(new Dictionary<string, string?> { ["Availability__CacheSeconds"] = cacheSeconds.ToString() });
        var services = host.Services;
        var clock = (NodaTime.Testing.FakeClock)services.GetRequiredService<IClock>();
        var copies = services.GetRequiredService<AvailabilitySummaries>();
        var lifetime = copies.CacheFor;
        Console.WriteLine($"availability summaries kept for {lifetime.TotalSeconds:F0} s of the bench's clock in this instance" +
                          (lifetime == Duration.Zero ? " (not kept: every answer reads its summary)" : ""));
        var meter = services.GetRequiredService<StorageMeter>();
        var catalogue = services.GetRequiredService<CatalogueStore>();
        var availability = services.GetRequiredService<AvailabilityQuery>();
        var book = services.GetRequiredService<BookAppointment>();
        var verification = services.GetRequiredService<PhoneVerification>();
        var demo = Scheduler.Functions.Catalogue.DemoData.Load();
        var centres = Enumerable.Range(0, Weights.Length).Select(i => $"c{i:00}").ToList();
        var random = new Random(11);

        // The ten centres and their fortnight of slots, partly booked (not counted).
        var table = new TableClient(host.ConnectionString, StorageNames.AppointmentsTable);
        var summaries = new TableClient(host.ConnectionString, StorageNames.AvailabilityTable);
        var offers = new Dictionary<(string Centre, string Item), List<SlotOffer>>();
        var full = new Dictionary<(string Centre, string Category), List<SlotOffer>>();
        foreach (var id in centres)
        {
            var profile = demo with { Centre = demo.Centre with { Id = id } };
            await catalogue.SaveAsync(profile, CancellationToken.None);
            foreach (var category in profile.Categories)
            {
                var item = profile.Items.First(i => i.CategoryId == category.Id);
                var days = (await availability.GetAsync(id, null, item.Id, null, BenchHost.Today, null, false, CancellationToken.None)).Value!;
                var rows = new List<TableEntity>();
                foreach (var slot in days.SelectMany(d => d.Slots))
                {
                    var isFull = random.NextDouble() < 0.25;
                    var taken = isFull ? slot.Free : random.Next(0, Math.Max(1, slot.Free));
                    if (isFull) (full.TryGetValue((id, category.Id), out var f) ? f : full[(id, category.Id)] = []).Add(slot);
                    rows.Add(new TableEntity(id, TableAppointmentStore.SlotRow(category.Id, new SlotKey(slot.Date, slot.Start))) { ["General"] = taken, ["Green"] = 0 });
                }
                foreach (var chunk in rows.Chunk(100))
                    await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)));
                // The counters were written behind the summary's back: the next read builds it afresh.
                await summaries.DeleteEntityAsync(AvailabilitySummaries.Partition(id, category.Id), AvailabilitySummaries.RowKey, Azure.ETag.All);
            }
        }
        // ... and not from this instance's copy of it, made before the counters were written: the clock moves past the
        // copies' time, by the same step whatever the copies' lifetime, so runs with and without them start alike (the
        // centres' catalogue, kept 30 s by the centre directory, is still fresh when the run starts and for 24 s of the run, some 1,400 bookings).
        clock.Advance(Duration.FromSeconds(AvailabilityOptions.MaxAgeSeconds + 1));
        foreach (var id in centres)
            foreach (var item in demo.Items)
            {
                var days = (await availability.GetAsync(id, null, item.Id, null, BenchHost.Today, null, false, CancellationToken.None)).Value!;
                offers[(id, item.Id)] = days.SelectMany(d => d.Slots).Where(s => s.Free > 0).ToList();
            }

        // The peak's mix, by centre size: 20 availability reads per booking, interleaved.
        var total = Weights.Sum();
        var work = new List<(string Centre, bool Book)>();
        for (var c = 0; c < centres.Count; c++)
        {
            var n = (int)Math.Round(bookings * Weights[c] / total);
            for (var i = 0; i < n; i++)
            {
                work.Add((centres[c], true));
                for (var r = 0; r < AvailabilityPerBooking; r++) work.Add((centres[c], false));
            }
        }
        var booked = work.Count(w => w.Book);
        work = work.OrderBy(_ => random.Next()).ToList();
        var items = demo.Items.Select(i => i.Id).ToList();
        var outcomes = new int[3];
        var otherReasons = new System.Collections.Concurrent.ConcurrentBag<string>();
        var mobile = 13900000000L;

        // The bench's clock moves with the simulated peak: work item i happens i / count of the way through its seconds.
        var peakSeconds = booked / (CityPeakBookingsPerSecond / (CityCentres / (double)centres.Count));
        var runStart = clock.GetCurrentInstant();
        var clockGate = new object();
        void MoveClockTo(int item)
        {
            var at = runStart + Duration.FromSeconds(peakSeconds * item / work.Count);
            lock (clockGate)
                if (at > clock.GetCurrentInstant()) clock.Reset(at);
        }
        var (askedBefore, readBefore) = copies.CacheCounts;

        meter.Reset();
        meter.Recording = true;
        var watch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var rng = new Random(worker);
            int i;
            while ((i = Interlocked.Increment(ref next)) < work.Count)
            {
                var (centre, isBooking) = work[i];
                MoveClockTo(i);
                var item = items[rng.Next(items.Count)];
                if (!isBooking)
                {
                    var result = await availability.GetAsync(centre, null, item, null, BenchHost.Today, null, false, CancellationToken.None);
                    if (result.Error is not null) throw new InvalidOperationException($"availability: {result.Error.Message}");
                    continue;
                }
                var category = demo.Items.First(x => x.Id == item).CategoryId;
                var stale = rng.NextDouble() < 0.2 && full.TryGetValue((centre, category), out var taken) && taken.Count > 0;
                var choices = stale ? full[(centre, category)] : offers[(centre, item)];
                var slot = choices[rng.Next(choices.Count)];
                var number = Interlocked.Increment(ref mobile).ToString();
                // Booked from a signed booking link issued for this mobile, which stands for its verification (ADR 0014):
                // like a device's proof, it costs no storage call, so the storage measured is the booking's own.
                var caller = new ResidentCaller(new ResidentToken(centre, verification.BookLinkSubject("+86" + number), PhoneVerification.BookLinkPurpose,
                    BenchHost.Now + Duration.FromDays(1)));
                var outcome = await book.BookAsync(centre, new BookCommand(item, null, slot.Date, slot.Start, "陈明", number, null, null, "zh", null),
                    caller, CancellationToken.None);
                Interlocked.Increment(ref outcomes[outcome.Error is null ? 0 : outcome.Error.Code == ErrorCodes.SlotFull ? 1 : 2]);
                if (outcome.Error is { } refused && refused.Code != ErrorCodes.SlotFull) otherReasons.Add($"{refused.Code}: {refused.Message}");
            }
        }));
        var requestPath = watch.Elapsed;
        MoveClockTo(work.Count);
        await BenchHost.DrainAsync(host.ConnectionString, TimeSpan.FromMinutes(10));
        meter.Recording = false;
        var (askedAfter, readAfter) = copies.CacheCounts;
        if (outcomes[2] > 0) Console.WriteLine($"warning: {outcomes[2]} bookings were refused for another reason than a full slot: the figures below understate a booking " +
                                               $"({string.Join("; ", otherReasons.Distinct())})");
        Console.WriteLine($"replayed {booked} bookings ({outcomes[0]} booked, {outcomes[1]} slot full with alternatives, {outcomes[2]} other) and " +
                          $"{work.Count - booked} availability reads over {centres.Count} centres at concurrency {concurrency} in {requestPath.TotalSeconds:F1} s; queues drained after {watch.Elapsed.TotalSeconds:F1} s");

        var cache = new CacheUse(askedAfter - askedBefore, readAfter - readBefore, centres.Count * demo.Categories.Count, lifetime);
        Report(meter.Snapshot(), centres, booked, cache, instances);
        return 0;
    }

    /// <summary>
    /// What the availability reads asked of this instance's copies in the run: summaries asked for, read from storage,
    /// how many summaries there are, and how long a copy lives.
    /// </summary>
    private sealed record CacheUse(long Asked, long Reads, int Summaries, Duration Lifetime)
    {
        /// <summary>
        /// Availability reads a second at the account with <paramref name="instances"/> instances each serving every
        /// centre, for a load of <paramref name="asked"/> a second over <paramref name="summaries"/> summaries: each
        /// instance reads a summary at most once per lifetime, and none more often than it is asked for.
        /// </summary>
        public double ReadsPerSecond(int instances, double asked, double summaries) =>
            Lifetime == Duration.Zero ? asked : Math.Min(asked, instances * summaries / Lifetime.TotalSeconds);
    }

    /// <summary>Waits until the queue functions have taken every message (and a little longer, for the last to finish).</summary>
    private static void Report(IReadOnlyList<StorageTally> tallies, IReadOnlyList<string> centres, int bookings, CacheUse cache, int instances)
    {
        // The bench's bookings are what the ten centres (a tenth of the city) book in this many seconds of the peak.
        var scale = CityCentres / (double)centres.Count;
        var seconds = bookings / (CityPeakBookingsPerSecond / scale);
        bool OfOneCentre(string partition) => partition.Split('|', '-').Any(centres.Contains);

        Console.WriteLine($"simulated peak seconds: {seconds:F2} (the ten centres book {CityPeakBookingsPerSecond / scale:F0}/s)");
        Console.WriteLine();
        Console.WriteLine("per table and call (all centres): requests, entities read, entities written, per booking");
        foreach (var g in tallies.Where(t => t.Service == "table").GroupBy(t => (t.Resource, t.Operation)).OrderByDescending(g => g.Sum(t => t.Entities)))
            Console.WriteLine($"  {g.Key.Resource,-14} {g.Key.Operation,-22} {g.Sum(t => t.Requests) / (double)bookings,8:F2} req {g.Sum(t => t.Read) / (double)bookings,9:F2} read {g.Sum(t => t.Written) / (double)bookings,7:F2} written");
        foreach (var g in tallies.Where(t => t.Service == "queue").GroupBy(t => (t.Resource, t.Operation)).OrderBy(g => g.Key.Resource))
            Console.WriteLine($"  {g.Key.Resource,-14} {"queue " + g.Key.Operation,-22} {g.Sum(t => t.Requests) / (double)bookings,8:F2} req {g.Sum(t => t.Read) / (double)bookings,9:F2} read {g.Sum(t => t.Written) / (double)bookings,7:F2} written");

        var partitions = tallies.Where(t => t.Service == "table")
            .GroupBy(t => (t.Resource, t.Partition))
            .Select(g => (g.Key.Resource, g.Key.Partition, Shared: !OfOneCentre(g.Key.Partition), Entities: g.Sum(t => t.Entities),
                Rate: g.Sum(t => t.Entities) * (OfOneCentre(g.Key.Partition) ? 1 : scale) / seconds))
            .OrderByDescending(p => p.Rate).ToList();
        Console.WriteLine();
        Console.WriteLine("hottest partitions at the 100-centre peak (entities/s; a shared partition carries ten times what it carried here):");
        foreach (var p in partitions.Take(8))
            Console.WriteLine($"  {p.Resource,-14} {p.Partition,-22} {(p.Shared ? "shared" : "one centre"),-10} {p.Rate,10:F0}/s ({p.Rate / PartitionTarget:P1})");

        // Queue messages: every message sent is taken by a queue function; the host's dequeue (one request for up to 16)
        // and delete (one each) are not made through the app's clients, so they are computed from the messages sent.
        var sent = tallies.Where(t => t.Service == "queue" && t.Operation == "send").GroupBy(t => t.Resource).ToDictionary(g => g.Key, g => g.Sum(t => t.Written));
        var hostQueueCalls = sent.Values.Sum(n => n + Math.Ceiling(n / 16.0));
        Console.WriteLine();
        foreach (var (queue, n) in sent.OrderBy(kv => kv.Key))
            Console.WriteLine($"queue {queue}: {n * scale / seconds:F0} messages/s of {QueueTarget:F0} ({n * scale / seconds / QueueTarget:P1})");
        var requests = tallies.Sum(t => t.Requests) + hostQueueCalls;
        var accountRate = requests * scale / seconds;
        Console.WriteLine($"account: {tallies.Sum(t => t.Requests) / (double)bookings:F1} requests per booking through the app's clients, " +
                          $"{hostQueueCalls / bookings:F1} computed for the queue triggers' dequeues and deletes");
        Console.WriteLine($"availability: {cache.Asked / (double)bookings:F1} summaries asked for per booking, {cache.Reads / (double)bookings:F2} read from storage " +
                          $"({cache.Summaries} summaries, kept {cache.Lifetime.TotalSeconds:F0} s, over {seconds:F2} simulated s)");

        // Measured: this process is one instance serving every centre. Computed: the same load over n instances, each
        // serving every centre and reading each summary at most once per lifetime of its copy. At the city the load and
        // the summaries are both ten times the bench's.
        var otherRate = (requests - cache.Reads) * scale / seconds;
        var askedRate = cache.Asked * scale / seconds;
        var hottest = partitions.FirstOrDefault();
        Console.WriteLine();
        Console.WriteLine($"account at the {CityCentres}-centre peak (availability summaries asked {askedRate:F0}/s; {cache.Summaries * scale:F0} summaries):");
        Console.WriteLine($"  measured, one instance: {accountRate:F0} requests/s ({accountRate / AccountTarget:P1}), {requests / bookings:F1} per booking, " +
                          $"{cache.Reads / (double)bookings:F2} of them summary reads");
        foreach (var n in new[] { 1, 10, 20, instances, 100, 125 }.Distinct().Order())
        {
            var reads = cache.ReadsPerSecond(n, askedRate, cache.Summaries * scale);
            var rate = otherRate + reads;
            Console.WriteLine($"  computed, {n,3} instances: {rate:F0} requests/s ({rate / AccountTarget:P1}), {rate / CityPeakBookingsPerSecond:F1} per booking, " +
                              $"{reads / CityPeakBookingsPerSecond:F2} of them summary reads{(n == instances ? "  <- stated below" : "")}");
        }
        // The last line keeps its format; its account figure is the one computed for the stated instances.
        var stated = otherRate + cache.ReadsPerSecond(instances, askedRate, cache.Summaries * scale);
        Console.WriteLine($"last line: the account computed for {instances} instances");
        Console.WriteLine($"hottest partition {hottest.Rate:F0} entities/s of {PartitionTarget:F0} ({hottest.Rate / PartitionTarget * 100:F1}%), " +
                          $"account {stated:F0} requests/s of {AccountTarget:F0} ({stated / AccountTarget * 100:F1}%) at {CityCentres} centres peak");
    }
}
