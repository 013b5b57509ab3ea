using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Scheduler.Core.Notifications;
using Scheduler.Functions.Notifications;
using Scheduler.Testing;

namespace Scheduler.Bench.Booking;

/// <summary>
/// The SMS outbox end to end on the dev host over a fresh Azurite. First, booking events through a local stub of
/// Twilio's REST API that fails 30% of create requests (a third each: 500, 429, and a timeout after taking the
/// message): every resident must end with exactly one confirmation counted at the stub. Then, with the local
/// provider, the time from a booking's 201 to its confirmation delivered in the local outbox.
/// </summary>
public static class SmsCommand
{
    private static int _mobile = 20000000;

    public static async Task<int> RunAsync(int events, int concurrency, int samples)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        var exact = await FailingTwilioAsync(events, concurrency);
        await LatencyAsync(samples);
        return exact ? 0 : 1;
    }

    private static List<(string Date, string Start)> Slots()
    {
        var slots = new List<(string, string)>();
        for (var d = new LocalDate(2026, 12, 1); d < new LocalDate(2027, 1, 22); d = d.PlusDays(1))
        {
            if (d.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday || d == new LocalDate(2027, 1, 1)) continue;
            for (var t = new LocalTime(8, 30); t < new LocalTime(17, 30); t = t.PlusMinutes(15))
                slots.Add((d.ToString("yyyy-MM-dd", null), t.ToString("HH:mm", null)));
        }
        return slots;
    }

    private static StringContent Json(object o) => new(JsonSerializer.Serialize(o, Scheduler.Functions.Platform.Json.Options), Encoding.UTF8, "application/json");

    /// <summary>A resident's booking link for a mobile (a link books with the mobile it was issued for only), set once a host is up.</summary>
    private static Func<string, string> BookingLink = _ => "";

    private static void IssueBookingLink(BenchHost host)
    {
        var tokens = host.Services.GetRequiredService<Scheduler.Core.Identity.ResidentTokenService>();
        var verification = host.Services.GetRequiredService<Scheduler.Core.Identity.PhoneVerification>();
        BookingLink = e164 => tokens.Issue("huli", verification.BookLinkSubject(e164), Scheduler.Core.Identity.PhoneVerification.BookLinkPurpose, Duration.FromDays(1));
    }

    private static async Task<(HttpStatusCode Status, string Mobile)> BookAsync(HttpClient http, List<(string Date, string Start)> slots, int i)
    {
        var mobile = "139" + Interlocked.Increment(ref _mobile).ToString("D8");
        var items = new[] { "pension-certification", "medical-insurance-enrolment", "elderly-allowance", "household-transfer" };
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var (date, start) = slots[(i * 7 + attempt * 131) % slots.Count];
            // A resident's signed booking link for this mobile stands for its verification, so the stub counts confirmations only.
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments") { Content = Json(new { itemId = items[i % items.Length], date, start, name = "李芳", mobile }) };
            request.Headers.Add("X-Resident-Token", BookingLink("+86" + mobile));
            using var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.Created) return (response.StatusCode, "+86" + mobile);
        }
        return (HttpStatusCode.Conflict, "+86" + mobile);
    }

    private static async Task<bool> FailingTwilioAsync(int events, int concurrency)
    {
        await using var stub = await TwilioStub.StartAsync();
        stub.SlowAnswer = TimeSpan.FromSeconds(3);
        var random = new Random(42);
        var gate = new object();
        stub.Choose = () =>
        {
            double r;
            lock (gate) r = random.NextDouble();
            return r < 0.1 ? StubAnswer.ServerError : r < 0.2 ? StubAnswer.TooManyRequests : r < 0.3 ? StubAnswer.TimeoutAfterAccept : StubAnswer.Accept;
        };
        var policy = new SmsRetryPolicy([Duration.FromSeconds(1), Duration.FromSeconds(2), Duration.FromSeconds(4), Duration.FromSeconds(8), Duration.FromSeconds(16), Duration.FromSeconds(30)],
            Duration.FromSeconds(10));
        await using var host = await BenchHost.StartAsync(new Dictionary<string, string?>
        {
            ["Sms__Provider"] = "twilio",
            ["Twilio__AccountSid"] = "AC" + new string('0', 32),
            ["Twilio__AuthToken"] = "benchmark-auth-token",
            ["Twilio__FromNumber"] = "+8613800000000",
            ["Twilio__ApiBaseUrl"] = stub.BaseAddress.ToString(),
            ["Twilio__TimeoutSeconds"] = "1",
        }, services => services.AddSingleton(policy));
        IssueBookingLink(host);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var slots = Slots();
        var mobiles = new ConcurrentBag<string>();
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events)
            {
                var (status, mobile) = await BookAsync(http, slots, i);
                if (status == HttpStatusCode.Created) mobiles.Add(mobile);
            }
        }));
        var booked = watch.Elapsed;
        Console.WriteLine($"twilio stub failing 30%: {mobiles.Count} of {events} bookings made in {booked.TotalSeconds:F1} s");

        var outbox = host.Services.GetRequiredService<TableSmsOutbox>();
        var wanted = mobiles.ToHashSet();
        IReadOnlyList<StoredSms> confirmations = [];
        var lastChange = watch.Elapsed;
        var lastFinal = -1;
        while (watch.Elapsed < TimeSpan.FromMinutes(20))
        {
            confirmations = (await outbox.ListAllAsync(CancellationToken.None)).Where(s => s.Message.Kind == SmsKinds.BookingConfirmation && wanted.Contains(s.Message.To)).ToList();
            var final = confirmations.Count(s => SmsStatuses.IsFinal(s.Status));
            if (final != lastFinal) { lastFinal = final; lastChange = watch.Elapsed; }
            if (final == wanted.Count) break;
            await Task.Delay(500);
        }
        var elapsed = lastChange;
        var atStub = stub.Taken.Where(m => wanted.Contains(m.To)).GroupBy(m => m.To).ToDictionary(g => g.Key, g => g.Count());
        var exactlyOne = wanted.Count(m => atStub.GetValueOrDefault(m) == 1);
        var twice = atStub.Count(p => p.Value > 1);
        var none = wanted.Count(m => !atStub.ContainsKey(m));
        var byStatus = confirmations.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        Console.WriteLine($"create requests at the stub: {stub.CreateRequests}, look-ups: {stub.LookupRequests}");
        Console.WriteLine($"residents with exactly one confirmation at the stub: {exactlyOne} of {wanted.Count}; more than one: {twice}; none: {none}");
        Console.WriteLine($"outbox statuses: {string.Join(", ", byStatus)}");
        Console.WriteLine($"confirmations final after {elapsed.TotalSeconds:F1} s from the first booking: {wanted.Count / elapsed.TotalSeconds:F1} sends/s through the outbox " +
                          $"(attempts: {confirmations.Sum(s => s.Attempts)})");
        return exactlyOne == wanted.Count && twice == 0;
    }

    private static async Task LatencyAsync(int samples)
    {
        await using var host = await BenchHost.StartAsync();
        IssueBookingLink(host);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var outbox = host.Services.GetRequiredService<TableSmsOutbox>();
        var slots = Slots();
        var latencies = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var watch = Stopwatch.StartNew();
            var (status, mobile) = await BookAsync(http, slots, i + 5000);
            if (status != HttpStatusCode.Created) continue;
            var created = watch.Elapsed;
            while (watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                var list = await outbox.ListToAsync(mobile, 5, CancellationToken.None);
                if (list.Any(s => s.Message.Kind == SmsKinds.BookingConfirmation && s.Status == SmsStatuses.Sent)) break;
                await Task.Delay(20);
            }
            latencies.Add((watch.Elapsed - created).TotalMilliseconds);
        }
        latencies.Sort();
        double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        Console.WriteLine($"local outbox, 201 to confirmation delivered, {latencies.Count} bookings one at a time: p50 {P(0.5):F0} ms, p99 {P(0.99):F0} ms, max {latencies[^1]:F0} ms");
    }
}
