using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Platform;

namespace Scheduler.Bench.Booking;

/// <summary>
/// Booking through HTTP on the dev host over a fresh Azurite: the races (many requests for one slot, reschedules
/// between two full slots), throughput across many slots against the raw entity-group transaction rate Azurite
/// sustains from the same machine, and the latency of 60-day availability.
/// </summary>
public static class LoadCommand
{
    private static int _mobile = 10000000;

    public static async Task<int> RunAsync(int race, int bookings, int concurrency, int availabilityRequests)
    {
        await using var host = await BenchHost.StartAsync(countCalls: true);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");

        await RaceAsync(http, host, race);
        await RescheduleRaceAsync(http, host);
        var pool = await VerifiedAsync(http, bookings, concurrency);
        await BenchHost.DrainAsync(host.ConnectionString); // the codes' messages are sent before the bookings start
        StorageCallCounter.Instance.Reset();
        var booked = await ThroughputAsync(http, pool, bookings, concurrency);
        await CallsPerBookingAsync(host.ConnectionString, bookings);
        var raw = await RawTransactionsAsync(host.ConnectionString, bookings, concurrency);
        Console.WriteLine($"ratio booking/raw EGT, the events' consumer running on the same Azurite: {booked / raw:F2}");
        await RequestPathAsync(bookings, concurrency);
        await AvailabilityAsync(http, host, availabilityRequests, concurrency);
        return 0;
    }

    /// <summary>The booking call's ratio to the raw transaction alone (the last part of <see cref="RunAsync"/>).</summary>
    public static async Task<int> RequestPathOnlyAsync(int bookings, int concurrency)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        await RequestPathAsync(bookings, concurrency);
        return 0;
    }

    private static StringContent Json(object o) => new(JsonSerializer.Serialize(o, Scheduler.Functions.Platform.Json.Options), Encoding.UTF8, "application/json");

    private static string Mobile() => "139" + Interlocked.Increment(ref _mobile).ToString("D8");

    /// <summary>Mobiles with the proof their device earned: verified beforehand, outside every measurement.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Proofs = new();

    /// <summary>
    /// Verifies <paramref name="count"/> new mobiles through the real endpoints (a code asked for, read from the local
    /// SMS inbox, checked for the device's proof) and hands them out in order; bookings then send the proof, so what
    /// is measured is the booking call itself.
    /// </summary>
    private static async Task<System.Collections.Concurrent.ConcurrentQueue<string>> VerifiedAsync(HttpClient http, int count, int concurrency = 16)
    {
        var mobiles = Enumerable.Range(0, count).Select(_ => Mobile()).ToList();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, Math.Max(1, count))).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < mobiles.Count)
            {
                var e164 = "+86" + mobiles[i];
                using var sent = await http.PostAsync("/api/phone-verifications", Json(new { mobile = e164 }));
                if (sent.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"A code was refused: {(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync()}");
                var inbox = JsonDocument.Parse(await http.GetStringAsync($"/api/local/sms?to={Uri.EscapeDataString(e164)}")).RootElement;
                var code = System.Text.RegularExpressions.Regex.Match(inbox[0].GetProperty("text").GetString()!, "[0-9]{6}").Value;
                using var checkedCode = await http.PostAsync("/api/phone-verifications/check", Json(new { mobile = e164, code }));
                Proofs[mobiles[i]] = JsonDocument.Parse(await checkedCode.Content.ReadAsStringAsync()).RootElement.GetProperty("proof").GetString()!;
            }
        }));
        return new System.Collections.Concurrent.ConcurrentQueue<string>(mobiles);
    }

    private static string Take(System.Collections.Concurrent.ConcurrentQueue<string> pool) =>
        pool.TryDequeue(out var mobile) ? mobile : throw new InvalidOperationException("The pool of verified mobiles ran out.");

    private static async Task<(HttpStatusCode Status, JsonElement Body, double Ms)> PostAsync(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        if (body.GetType().GetProperty("mobile")?.GetValue(body) is string mobile && Proofs.TryGetValue(mobile, out var proof)) request.Headers.Add("X-Mobile-Proof", proof);
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// A booking as the timed rounds make it: the proof sent for the mobile, and the answer's body read as JSON only
    /// when it is not a 201 (its code is reported); the load generator shares the two cores with the app.
    /// </summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body, double Ms)> BookAsync<T>(HttpClient http, T body, string mobile) where T : notnull
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments")
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, Scheduler.Functions.Platform.Json.Options)),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (Proofs.TryGetValue(mobile, out var proof)) request.Headers.Add("X-Mobile-Proof", proof);
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var ms = watch.Elapsed.TotalMilliseconds;
        return (response.StatusCode, response.StatusCode != HttpStatusCode.Created && bytes.Length > 0 ? JsonDocument.Parse(bytes).RootElement.Clone() : default, ms);
    }

    /// <summary>Every weekday's 15-minute slots from 08:30 to 17:30 in [from, to), but 1 January.</summary>
    private static List<(string Date, string Start)> Slots(LocalDate from, LocalDate to)
    {
        var slots = new List<(string Date, string Start)>();
        for (var d = from; d < to; d = d.PlusDays(1))
        {
            if (d.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday || d == new LocalDate(2027, 1, 1)) continue;
            for (var t = new LocalTime(8, 30); t < new LocalTime(17, 30); t = t.PlusMinutes(15))
                slots.Add((d.ToString("yyyy-MM-dd", null), t.ToString("HH:mm", null)));
        }
        return slots;
    }

    private static (int Counted, int Holding) Slot(string connection, string category, LocalDate date, LocalTime start)
    {
        var table = new TableClient(connection, StorageNames.AppointmentsTable);
        var pk = "huli";
        var counter = table.GetEntityIfExists<TableEntity>(pk, TableAppointmentStore.SlotRow(category, new(date, start)));
        var counted = counter.HasValue ? (counter.Value!.GetInt32("General") ?? 0) + (counter.Value.GetInt32("Green") ?? 0) : 0;
        var day = date.ToString("yyyy-MM-dd", null);
        var holding = table.Query<TableEntity>(e => e.PartitionKey == pk && e.GetString("Date") == day && e.GetString("Category") == category)
            .Select(e => JsonDocument.Parse(e.GetString("Json")).RootElement)
            .Count(a => a.GetProperty("start").GetString() == start.ToString("HH:mm:ss", null) && a.GetProperty("status").GetString() is "Booked" or "AwaitingConfirmation" or "CheckedIn");
        return (counted, holding);
    }

    private static async Task RaceAsync(HttpClient http, BenchHost host, int requests)
    {
        var date = new LocalDate(2026, 11, 30);
        var start = new LocalTime(9, 30);
        var pool = await VerifiedAsync(http, requests);
        var gate = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, requests).Select(async _ =>
        {
            var mobile = Take(pool);
            await gate.Task;
            return await PostAsync(http, "/api/appointments", new { itemId = "invoice-application", date = "2026-11-30", start = "09:30", name = "王伟", mobile });
        }).ToList();
        var watch = Stopwatch.StartNew();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);
        var (counted, holding) = Slot(host.ConnectionString, "business", date, start);
        Console.WriteLine($"race: {requests} simultaneous bookings for one slot of capacity 5 (business, 6 windows, 1 held for the green channel): " +
                          $"{results.Count(r => r.Status == HttpStatusCode.Created)} created, {results.Count(r => r.Status == HttpStatusCode.Conflict)} answered 409, " +
                          $"{results.Count(r => r.Status is not (HttpStatusCode.Created or HttpStatusCode.Conflict))} other; counter {counted}, appointments {holding}; {watch.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task<List<(string Id, string Token)>> FillAsync(HttpClient http, string start, int count)
    {
        var booked = new List<(string Id, string Token)>();
        var pool = await VerifiedAsync(http, count);
        for (var i = 0; i < count; i++)
        {
            var r = await PostAsync(http, "/api/appointments", new { itemId = "invoice-application", date = "2026-11-30", start, name = "李芳", mobile = Take(pool) });
            booked.Add((r.Body.GetProperty("appointment").GetProperty("id").GetString()!, r.Body.GetProperty("manageToken").GetString()!));
        }
        return booked;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, double Ms)[]> MoveAllAsync(HttpClient http, IEnumerable<((string Id, string Token) From, string To)> moves)
    {
        var gate = new TaskCompletionSource();
        var tasks = moves.Select(async m =>
        {
            await gate.Task;
            return await PostAsync(http, $"/api/appointments/{m.From.Id}/reschedule?token={Uri.EscapeDataString(m.From.Token)}", new { date = "2026-11-30", start = m.To });
        }).ToList();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    private static async Task RescheduleRaceAsync(HttpClient http, BenchHost host)
    {
        var date = new LocalDate(2026, 11, 30);
        string Counts(params string[] starts) => string.Join(", ", starts.Select(s =>
        {
            var (counted, holding) = Slot(host.ConnectionString, "business", date, LocalTime.FromHourMinuteSecondMillisecondTick(int.Parse(s[..2]), int.Parse(s[3..]), 0, 0, 0));
            return $"{s} counter {counted}/appointments {holding}";
        }));

        var a = await FillAsync(http, "09:50", 5);
        var b = await FillAsync(http, "10:10", 5);
        var swaps = await MoveAllAsync(http, a.Select(x => (x, "10:10")).Concat(b.Select(x => (x, "09:50"))));
        Console.WriteLine($"reschedule race 1: 10 simultaneous swaps between two full slots: {swaps.Count(r => r.Status == HttpStatusCode.OK)} moved, " +
                          $"{swaps.Count(r => r.Status == HttpStatusCode.Conflict)} answered 409; {Counts("09:50", "10:10")}");

        var c = await FillAsync(http, "10:30", 5);
        await FillAsync(http, "10:50", 4);
        var last = await MoveAllAsync(http, c.Select(x => (x, "10:50")));
        Console.WriteLine($"reschedule race 2: 5 simultaneous moves from a full slot into the last free seat of another: {last.Count(r => r.Status == HttpStatusCode.OK)} moved, " +
                          $"{last.Count(r => r.Status == HttpStatusCode.Conflict)} answered 409; {Counts("10:30", "10:50")}");
    }

    /// <param name="first">The index of the first booking: rounds of one run go on round the slots where the last stopped.</param>
    private static async Task<double> ThroughputAsync(HttpClient http, System.Collections.Concurrent.ConcurrentQueue<string> pool, int count, int concurrency, int first = 0, bool quiet = false,
        string[]? items = null, List<(string Date, string Start)>? slots = null)
    {
        items ??= ["pension-certification", "medical-insurance-enrolment", "elderly-allowance", "household-transfer", "id-card-renewal", "provident-fund-withdrawal"];
        // Weekday social slots within the 60-day horizon; the bookings go round them, up to the six open seats each.
        slots ??= Slots(new LocalDate(2026, 12, 1), new LocalDate(2027, 1, 22));
        var latencies = new double[count];
        var statuses = new HttpStatusCode[count];
        var codes = new string?[count];
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var slot = slots[(first + i) % slots.Count];
                var mobile = Take(pool);
                var r = await BookAsync(http, new { itemId = items[(first + i) % items.Length], date = slot.Date, start = slot.Start, name = "陈明", mobile }, mobile);
                latencies[i] = r.Ms;
                statuses[i] = r.Status;
                if (r.Status != HttpStatusCode.Created)
                    codes[i] = $"{(int)r.Status} {(r.Body.ValueKind == JsonValueKind.Object && r.Body.TryGetProperty("code", out var c) ? c.GetString() : "")}";
            }
        }));
        var seconds = watch.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        var rate = count / seconds;
        if (!quiet)
            Console.WriteLine($"throughput: {count} bookings over {Math.Min(count, slots.Count)} slots at concurrency {concurrency}: {rate:F0}/s, " +
                          $"p50 {latencies[count / 2]:F1} ms, p99 {latencies[(int)(count * 0.99)]:F1} ms; {statuses.Count(s => s == HttpStatusCode.Created)} created" +
                          string.Concat(codes.Where(c => c is not null).GroupBy(c => c).Select(g => $", {g.Count()} answered {g.Key}")));
        return rate;
    }

    /// <summary>
    /// Once the consumers have drained the queues: the app's storage calls per booking over the throughput run, by
    /// operation (the request's and its consumers'; the host's own queue receives and deletes are not counted).
    /// </summary>
    private static async Task CallsPerBookingAsync(string connection, int bookings)
    {
        var watch = Stopwatch.StartNew();
        await BenchHost.DrainAsync(connection);
        var calls = StorageCallCounter.Instance.Snapshot();
        Console.WriteLine($"storage calls per booking, request and consumers (queues drained {watch.Elapsed.TotalSeconds:F0} s after the last booking): " +
                          $"{calls.Values.Sum() / (double)bookings:F2}; " +
                          string.Join(", ", calls.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value / (double)bookings:F2}")));
    }

    /// <summary>
    /// Untimed rounds of bookings and raw transactions before the timed ones (<see cref="RequestPathAsync"/>): until a
    /// round compiles fewer than <see cref="WarmMethods"/> methods, at most <see cref="MaxWarmUpRounds"/>.
    /// </summary>
    private const int MaxWarmUpRounds = 8, WarmMethods = 100;

    /// <summary>
    /// The booking call alone: a second host, on an Azurite of its own, whose queue functions do not run, so the events
    /// wait in the queue (counted afterwards: one per booking) instead of being handled on the same Azurite meanwhile.
    /// Bookings and raw transactions alternate in five rounds, so both see the same Azurite (its JIT warms up over a
    /// run: its raw rate has been seen to double between the start and the end) and the same neighbours on the machine.
    /// </summary>
    private static async Task RequestPathAsync(int bookings, int concurrency)
    {
        const int rounds = 5;
        await using var host = await BenchHost.StartAsync(runQueues: false, countCalls: true);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var size = bookings / rounds;
        // Warm-up rounds, not timed, until a round compiles fewer than WarmMethods methods (at most MaxWarmUpRounds):
        // the runtime's tiered compiler recompiles the booking path's methods in the background for a while after
        // they first run (under load, a profile found it taking about half the bench process's processor time in the
        // first rounds), which a long-running instance has long done. The timed rounds report the compiling left.
        // Each warm-up round also sends ten bookings to each of eight business slots past the timed rounds' days, so
        // the paths the timed rounds take on a full slot (the counters read after a guess that looks full, the 409
        // with its alternatives) are compiled too, as they are in an instance that has been taking bookings.
        var overflowSlots = Slots(new LocalDate(2027, 1, 22), new LocalDate(2027, 1, 26));
        const int overflowPerSlot = 10, overflowSlotsPerRound = 8;
        var warmUp = 0;
        for (long compiled = long.MaxValue; warmUp < MaxWarmUpRounds && compiled >= WarmMethods; warmUp++)
        {
            var warmPool = await VerifiedAsync(http, size + overflowPerSlot * overflowSlotsPerRound, concurrency);
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            // Raw rows of their own, past those of the timed rounds.
            await RawTransactionsAsync(host.ConnectionString, size, concurrency, (rounds + warmUp) * size, quiet: true);
            // The business category's seats, so the timed rounds find the social seats as a run without warm-up would;
            // one item of one slot and one of two, as the timed rounds' items are.
            await ThroughputAsync(http, warmPool, size, concurrency, warmUp * size, quiet: true, items: ["invoice-application", "tax-registration"]);
            await ThroughputAsync(http, warmPool, overflowPerSlot * overflowSlotsPerRound, concurrency, quiet: true, items: ["invoice-application"],
                slots: overflowSlots.Skip(warmUp * overflowSlotsPerRound % overflowSlots.Count).Take(overflowSlotsPerRound).ToList());
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
        }
        var pool = await VerifiedAsync(http, bookings, concurrency);
        Console.WriteLine($"request path: {warmUp} untimed rounds of {size} done, the timed rounds start");
        StorageCallCounter.Instance.Reset();
        double bookingSeconds = 0, rawSeconds = 0, bookingStorageSeconds = 0, rawStorageSeconds = 0, bookingOwnSeconds = 0;
        long bookingCompiled = 0;
        var ratios = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var cpu = host.AzuriteProcessorTime;
            var raw = await RawTransactionsAsync(host.ConnectionString, size, concurrency, round * size);
            var afterRaw = host.AzuriteProcessorTime;
            var ownBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            var booked = await ThroughputAsync(http, pool, size, concurrency, round * size);
            bookingCompiled += System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore;
            bookingOwnSeconds += (Process.GetCurrentProcess().TotalProcessorTime - ownBefore).TotalSeconds;
            rawStorageSeconds += (afterRaw - cpu).TotalSeconds;
            bookingStorageSeconds += (host.AzuriteProcessorTime - afterRaw).TotalSeconds;
            rawSeconds += size / raw;
            bookingSeconds += size / booked;
            ratios.Add(booked / raw);
        }
        var calls = StorageCallCounter.Instance.Snapshot();
        Console.WriteLine($"storage calls per booking, the booking call alone: {calls.Values.Sum() / (double)(size * rounds):F2}; " +
                          string.Join(", ", calls.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value / (double)(size * rounds):F2}")));
        var queued = (await new Azure.Storage.Queues.QueueClient(host.ConnectionString, StorageNames.AppointmentEventsQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        Console.WriteLine($"ratio booking/raw EGT, the booking call alone, {rounds} alternating rounds of {size} (events left queued: {queued}): " +
                          $"{rawSeconds / bookingSeconds:F2} over all ({size * rounds / bookingSeconds:F0} bookings/s, {size * rounds / rawSeconds:F0} raw/s); " +
                          $"by round {string.Join(", ", ratios.Select(r => r.ToString("F2", null)))}");
        // What storage spends: Azurite's processor time per booking against per raw transaction, whatever else the
        // two cores were doing (on this machine the dev host and the load generator take about one of them).
        await RawOperationsAsync(host.ConnectionString, size, concurrency, () => host.AzuriteProcessorTime);
        Console.WriteLine($"Azurite processor time: {bookingStorageSeconds * 1000 / (size * rounds):F2} ms per booking, {rawStorageSeconds * 1000 / (size * rounds):F2} ms per raw transaction: " +
                          $"ratio {rawStorageSeconds / bookingStorageSeconds:F2}");
        Console.WriteLine($"bench process (dev host and load generator) processor time: {bookingOwnSeconds * 1000 / (size * rounds):F2} ms per booking; " +
                          $"{bookingCompiled} methods compiled in the timed booking rounds, after {warmUp} untimed rounds of {size}");
    }

    /// <summary>The same number of transactions of the same shape (an appointment, a ledger, a counter and an event row in one partition), straight to Azurite.</summary>
    private static async Task<double> RawTransactionsAsync(string connection, int count, int concurrency, int first = 0, bool quiet = false)
    {
        var table = new TableClient(connection, "rawbench");
        await table.CreateIfNotExistsAsync();
        var payload = new string('x', 900);
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next) + first) < first + count)
            {
                await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("huli|raw", $"appt|{i:D8}") { ["Json"] = payload, ["Date"] = "2026-12-01" }),
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("huli|raw", $"booker|{i:D8}") { ["Json"] = payload[..200] }),
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("huli|raw", $"slot|{i:D8}") { ["General"] = 1, ["Green"] = 0 }),
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("huli|raw", $"event|{i:D8}") { ["Json"] = payload[..300] }),
                ]);
            }
        }));
        var rate = count / watch.Elapsed.TotalSeconds;
        if (!quiet) Console.WriteLine($"raw entity-group transactions (4 rows each, one partition) at concurrency {concurrency}: {rate:F0}/s");
        return rate;
    }

    /// <summary>What the other storage calls a booking makes cost on their own: point reads, replaces, queue sends (and Azurite's processor time for each, when known).</summary>
    private static async Task RawOperationsAsync(string connection, int count, int concurrency, Func<TimeSpan>? azuriteTime = null)
    {
        var table = new TableClient(connection, "rawbench");
        var queue = new Azure.Storage.Queues.QueueClient(connection, "rawbench");
        await queue.CreateIfNotExistsAsync();
        async Task<string> Rate(Func<int, Task> op)
        {
            var next = -1;
            var cpu = azuriteTime?.Invoke();
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count) await op(i);
            }));
            var rate = count / watch.Elapsed.TotalSeconds;
            return cpu is { } before ? $"{rate:F0}/s ({(azuriteTime!() - before).TotalMilliseconds / count:F2} ms of Azurite each)" : $"{rate:F0}/s";
        }
        var reads = await Rate(i => table.GetEntityAsync<TableEntity>("huli|raw", $"slot|{i:D8}"));
        var replaces = await Rate(i => table.UpsertEntityAsync(new TableEntity("huli|ledger", $"m{i:D8}") { ["Json"] = new string('x', 300) }, TableUpdateMode.Replace));
        var sends = await Rate(i => queue.SendMessageAsync("{\"type\":\"appointment.booked\",\"version\":1}"));
        var eventSized = "{" + new string('x', 420) + "}";
        var eventSends = await Rate(i => queue.SendMessageAsync(eventSized));
        Console.WriteLine($"raw single calls at concurrency {concurrency}: point reads {reads}, replaces {replaces}, queue sends {sends}, queue sends of an event's size {eventSends}");
    }

    private static async Task AvailabilityAsync(HttpClient http, BenchHost host, int requests, int concurrency)
    {
        var bookables = host.Profile.Items.Select(i => $"itemId={i.Id}").Concat(host.Profile.Bundles.Select(b => $"bundleId={b.Id}")).ToList();
        var latencies = new double[requests];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync($"/api/availability?{bookables[i % bookables.Count]}&from=2026-11-27&to=2027-01-25");
                await response.Content.ReadAsByteArrayAsync();
                latencies[i] = watch.Elapsed.TotalMilliseconds;
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"availability answered {(int)response.StatusCode}");
            }
        }));
        Array.Sort(latencies);
        Console.WriteLine($"availability over HTTP, 60 days, every item and bundle in turn, concurrency {concurrency}: p50 {latencies[requests / 2]:F1} ms, p95 {latencies[(int)(requests * 0.95)]:F1} ms");
    }
}
