using System.Net;
using System.Text.Json;
using NodaTime.Testing;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Capacity under concurrency, with two dev hosts on one Azurite so no in-process lock could help: a slot never
/// takes more than its capacity, and its counter always agrees with the appointments that hold it.
/// </summary>
public sealed class ConcurrencyTests(ConcurrencyTests.Fixture fixture) : IClassFixture<ConcurrencyTests.Fixture>
{
    /// <summary>Two hosts on one Azurite for the class, their clocks standing at the demo's "now".</summary>
    public sealed class Fixture(AzuriteFixture azurite) : DemoHostFixture(azurite)
    {
        public TestDevHost Second { get; private set; } = null!;

        protected override async Task OnStartedAsync(TestDevHost host) => Second = await SchedulerHost.StartAsync(ConnectionString);

        public override async ValueTask DisposeAsync()
        {
            if (Second is not null) await Second.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    private readonly TestDevHost _a = fixture.Host;
    private readonly TestDevHost _b = fixture.Second;

    private HttpClient Host(int i) => i % 2 == 0 ? _a.Client : _b.Client;

    [Fact]
    public async Task Simultaneous_bookings_for_one_slot_admit_exactly_its_capacity()
    {
        const int requests = 60;
        var gate = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, requests).Select(async i =>
        {
            await gate.Task;
            return await PostAsync(Host(i), "/api/appointments", Json(Booking("2026-12-07", "09:00", priority: "Elderly")));
        }).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(8, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(requests - 8, results.Count(r => r.Status == HttpStatusCode.Conflict));
        Assert.All(results.Where(r => r.Status == HttpStatusCode.Conflict), r => Assert.Equal("slot-full", r.Body.GetProperty("code").GetString()));
        Assert.Equal((8, 8), Slot(fixture.ConnectionString, "social", "2026-12-07", "09:00"));
    }

    [Fact]
    public async Task Simultaneous_reschedules_into_the_last_free_seat_move_exactly_one()
    {
        var from = new List<(string Id, string Token)>();
        for (var i = 0; i < 8; i++)
        {
            var (status, body) = await PostAsync(_a.Client, "/api/appointments", Json(Booking("2026-12-07", "10:00", priority: "Elderly")));
            Assert.Equal(HttpStatusCode.Created, status);
            from.Add((body.GetProperty("appointment").GetProperty("id").GetString()!, body.GetProperty("manageToken").GetString()!));
        }
        for (var i = 0; i < 7; i++)
            Assert.Equal(HttpStatusCode.Created, (await PostAsync(_b.Client, "/api/appointments", Json(Booking("2026-12-07", "10:30", priority: "Elderly")))).Status);

        var gate = new TaskCompletionSource();
        var tasks = from.Select(async (a, i) =>
        {
            await gate.Task;
            return await PostAsync(Host(i), $"/api/appointments/{a.Id}/reschedule?token={Uri.EscapeDataString(a.Token)}",
                Json(new { date = "2026-12-07", start = "10:30" }));
        }).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(7, results.Count(r => r.Status == HttpStatusCode.Conflict));
        Assert.Equal((7, 7), Slot(fixture.ConnectionString, "social", "2026-12-07", "10:00"));
        Assert.Equal((8, 8), Slot(fixture.ConnectionString, "social", "2026-12-07", "10:30"));
    }

    [Fact]
    public async Task Simultaneous_cancellations_and_bookings_keep_the_counter_and_the_appointments_in_agreement()
    {
        var booked = new List<(string Id, string Token)>();
        for (var i = 0; i < 6; i++)
        {
            var (_, body) = await PostAsync(_a.Client, "/api/appointments", Json(Booking("2026-12-07", "11:00")));
            booked.Add((body.GetProperty("appointment").GetProperty("id").GetString()!, body.GetProperty("manageToken").GetString()!));
        }
        var gate = new TaskCompletionSource();
        var cancels = booked.Take(3).Select(async (a, i) =>
        {
            await gate.Task;
            return await PostAsync(Host(i), $"/api/appointments/{a.Id}/cancel?token={Uri.EscapeDataString(a.Token)}", Json(new { }));
        });
        var books = Enumerable.Range(0, 10).Select(async i =>
        {
            await gate.Task;
            return await PostAsync(Host(i + 1), "/api/appointments", Json(Booking("2026-12-07", "11:00")));
        }).ToList();
        var cancelTasks = cancels.ToList();
        gate.SetResult();
        var cancelled = await Task.WhenAll(cancelTasks);
        var newlyBooked = (await Task.WhenAll(books)).Count(r => r.Status == HttpStatusCode.Created);

        Assert.All(cancelled, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.InRange(newlyBooked, 0, 3);
        var (counted, holding) = Slot(fixture.ConnectionString, "social", "2026-12-07", "11:00");
        Assert.Equal(holding, counted);
        Assert.Equal(3 + newlyBooked, counted);
    }

    [Fact]
    public async Task Twenty_simultaneous_bookings_from_one_mobile_hold_exactly_three_and_each_is_audited_once()
    {
        var mobile = NewMobile();
        var gate = new TaskCompletionSource();
        // Twenty family members on one number, each a different slot, so only the per-number limit can refuse.
        var tasks = Enumerable.Range(0, 20).Select(async i =>
        {
            await gate.Task;
            var start = new NodaTime.LocalTime(9, 0).PlusMinutes(15 * i).ToString("HH:mm", null);
            return await PostAsync(Host(i), "/api/appointments", Json(Booking("2026-12-10", start, mobile, name: $"张{i:D2}")));
        }).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(3, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.Created), r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.Status);
            Assert.Equal("too-many-active", r.Body.GetProperty("code").GetString());
        });
        // Three appointments, each kept under its day (the rows the staff list reads), and nothing else (ADR 0031).
        Assert.Equal(3, RowsMentioning(fixture.ConnectionString, "+86" + mobile));

        // Every booking is audited from its event, exactly once, although two hosts consume the queue.
        var ids = results.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.Body.GetProperty("appointment").GetProperty("id").GetString()!).ToList();
        var audit = new Azure.Data.Tables.TableClient(fixture.ConnectionString, "audit");
        int[] Counts() => ids.Select(id => audit.Query<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "huli|20261127" && e.GetString("Subject") == $"appointment/{id}")
            .Count(e => e.GetString("Action") == "appointment.booked")).ToArray();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Counts().Any(c => c == 0) && waited.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(200);
        Assert.All(Counts(), c => Assert.Equal(1, c));
    }

    [Fact]
    public async Task Simultaneous_bookings_of_one_item_for_one_resident_on_one_day_book_exactly_one()
    {
        var mobile = NewMobile();
        var gate = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, 10).Select(async i =>
        {
            await gate.Task;
            var start = new NodaTime.LocalTime(14, 0).PlusMinutes(15 * i).ToString("HH:mm", null);
            return await PostAsync(Host(i), "/api/appointments", Json(Booking("2026-12-10", start, mobile, item: "elderly-allowance", name: "王秀英")));
        }).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.Created), r => Assert.Equal("duplicate", r.Body.GetProperty("code").GetString()));
    }
}
