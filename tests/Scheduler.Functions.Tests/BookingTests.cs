using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Booking through HTTP on the dev host against Azurite. The clock stands at Friday 2026-11-27 09:00 in Xiamen;
/// the demo centre books 14 days ahead with a 30-minute cut-off, social slots are 15 minutes with 8 windows
/// (a quarter held for the green channel). Each test uses slots no other test uses. The tests share one host; the
/// two that move the clock start their own.
/// </summary>
public sealed class BookingTests(DemoHostFixture demo) : IClassFixture<DemoHostFixture>
{
    private readonly TestDevHost _host = demo.Host;

    private Task<(HttpStatusCode Status, JsonElement Body)> Book(object body, string? key = null) =>
        PostAsync(_host.Client, "/api/appointments", Json(body), key);

    private static Task<(HttpStatusCode Status, JsonElement Body)> Book(TestDevHost host, object body) =>
        PostAsync(host.Client, "/api/appointments", Json(body));

    private async Task<JsonElement> Availability(string query) =>
        await _host.Client.GetFromJsonAsync<JsonElement>("/api/availability?" + query);

    private static int FreeAt(JsonElement days, string date, string start) =>
        days.EnumerateArray().Where(d => d.GetProperty("date").GetString() == date)
            .SelectMany(d => d.GetProperty("slots").EnumerateArray())
            .Where(s => s.GetProperty("start").GetString()!.StartsWith(start))
            .Select(s => s.GetProperty("free").GetInt32()).DefaultIfEmpty(0).First();

    [Fact]
    public async Task Availability_starts_after_the_cut_off_includes_evenings_and_shows_held_seats_only_to_the_green_channel()
    {
        var days = await Availability("itemId=pension-certification&from=2026-11-27&to=2026-12-03");
        var green = await Availability("itemId=pension-certification&from=2026-11-27&to=2026-12-03&priority=Elderly");

        var today = days.EnumerateArray().First();
        Assert.Equal("2026-11-27", today.GetProperty("date").GetString());
        Assert.Equal("09:30:00", today.GetProperty("slots")[0].GetProperty("start").GetString());
        Assert.DoesNotContain(days.EnumerateArray(), d => d.GetProperty("date").GetString() == "2026-11-29");
        Assert.Equal(6, FreeAt(days, "2026-12-01", "16:00"));
        Assert.True(FreeAt(days, "2026-12-03", "19:45") > 0, "Thursday evening is bookable");
        Assert.Equal(8, FreeAt(green, "2026-12-01", "16:00"));
    }

    [Fact]
    public async Task A_booking_returns_a_link_that_manages_it_and_emits_an_event()
    {
        var mobile = NewMobile();
        var (status, body) = await Book(Booking("2026-11-30", "10:00", mobile));

        Assert.Equal(HttpStatusCode.Created, status);
        var appointment = body.GetProperty("appointment");
        Assert.Equal("Booked", appointment.GetProperty("status").GetString());
        Assert.Equal("10:15:00", appointment.GetProperty("end").GetString());
        Assert.DoesNotContain(mobile, appointment.GetProperty("mobileMasked").GetString());
        Assert.Equal("居民身份证", appointment.GetProperty("documents")[0].GetProperty("zh").GetString());
        Assert.Contains("/api/pages/manage?token=", body.GetProperty("manageUrl").GetString());

        var id = appointment.GetProperty("id").GetString()!;
        var token = body.GetProperty("manageToken").GetString()!;
        var viewed = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/appointments/{id}?token={Uri.EscapeDataString(token)}");
        Assert.Equal(id, viewed.GetProperty("id").GetString());

        Assert.True(RowsMentioning(demo.ConnectionString, mobile) >= 1, "the appointment row holds the number (the check the bad-input test relies on can see it)");

        // The event goes through the appointment-events queue to its consumer, which writes the audit entry and
        // empties the outbox.
        var audit = new TableClient(demo.ConnectionString, "audit");
        var appointments = new TableClient(demo.ConnectionString, "appointments");
        bool Audited() => audit.Query<TableEntity>(e => e.PartitionKey == "huli|20261127" && e.GetString("Subject") == $"appointment/{id}")
            .Any(e => e.GetString("Action") == "appointment.booked" && e.GetString("Detail") == "pension-certification 2026-11-30 10:00");
        bool InOutbox() => appointments.Query<TableEntity>(e => e.PartitionKey == "huli" && e.RowKey.CompareTo($"event|{id}-") > 0 && e.RowKey.CompareTo($"event|{id}-~") < 0).Any();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((!Audited() || InOutbox()) && waited.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(200);
        Assert.True(Audited(), "the booking is audited from its event");
        Assert.False(InOutbox(), "the handled event left the outbox");
    }

    [Theory]
    [InlineData("mobile", "12345", "2026-11-30", "10:15", "李芳", "pension-certification")]
    [InlineData("mobile", "05925551234", "2026-11-30", "10:15", "李芳", "pension-certification")]
    [InlineData("name", null, "2026-11-30", "10:15", "", "pension-certification")]
    [InlineData("name", null, "2026-11-30", "10:15", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一", "pension-certification")]
    [InlineData("name", null, "2026-11-30", "10:15", "李\u0007芳", "pension-certification")]
    [InlineData("itemId", null, "2026-11-30", "10:15", "李芳", "no-such-item")]
    [InlineData("start", null, "2026-11-27", "08:30", "李芳", "pension-certification")]
    [InlineData("start", null, "2026-11-27", "09:15", "李芳", "pension-certification")]
    [InlineData("start", null, "2026-11-30", "07:00", "李芳", "pension-certification")]
    [InlineData("start", null, "2026-11-30", "10:05", "李芳", "pension-certification")]
    [InlineData("date", null, "2027-01-01", "10:00", "李芳", "pension-certification")]
    [InlineData("date", null, "2026-12-14", "10:00", "李芳", "pension-certification")]
    [InlineData("date", null, "2026-13-01", "10:00", "李芳", "pension-certification")]
    [InlineData("start", null, "2026-11-30", "25:00", "李芳", "pension-certification")]
    public async Task Bad_bookings_are_refused_naming_the_field_and_nothing_is_written(string field, string? badMobile, string date, string start, string name, string item)
    {
        var mobile = badMobile ?? NewMobile();
        // A name no other booking uses, where the name is not what is wrong, so a row written for this request can be found.
        if (field != "name") name += Guid.NewGuid().ToString("N")[..8];
        var (status, body) = await Book(new { itemId = item, date, start, name, mobile });

        Assert.True((int)status is >= 400 and < 500, $"got {(int)status}");
        Assert.Equal(field, body.GetProperty("field").GetString());
        var needles = field == "name" ? new[] { mobile } : [name];
        Assert.Equal(0, RowsMentioning(demo.ConnectionString, needles));
    }

    [Fact]
    public async Task Unknown_bundle_and_item_with_bundle_are_refused()
    {
        var (unknown, body) = await Book(new { bundleId = "open-a-spaceport", date = "2026-11-30", start = "10:15", name = "李芳", mobile = NewMobile() });
        var (both, body2) = await Book(new { itemId = "pension-certification", bundleId = "newborn", date = "2026-11-30", start = "10:15", name = "李芳", mobile = NewMobile() });
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("bundleId", body.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, both);
        Assert.Equal("bundleId", body2.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_bundle_takes_back_to_back_slots_for_all_its_items()
    {
        var (status, body) = await Book(Booking("2026-11-30", "14:00", bundle: "newborn"));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("14:45:00", body.GetProperty("appointment").GetProperty("end").GetString());
        Assert.True(body.GetProperty("appointment").GetProperty("isBundle").GetBoolean());
        Assert.Equal((1, 1), Slot(demo.ConnectionString, "social", "2026-11-30", "14:00"));
        Assert.Equal(1, Slot(demo.ConnectionString, "social", "2026-11-30", "14:30").Counted);
    }

    [Fact]
    public async Task A_full_slot_is_409_with_the_three_nearest_alternatives_and_held_seats_stay_for_the_green_channel()
    {
        for (var i = 0; i < 6; i++)
            Assert.Equal(HttpStatusCode.Created, (await Book(Booking("2026-11-30", "11:00"))).Status);

        var (full, body) = await Book(Booking("2026-11-30", "11:00"));
        Assert.Equal(HttpStatusCode.Conflict, full);
        Assert.Equal("slot-full", body.GetProperty("code").GetString());
        var alternatives = body.GetProperty("alternatives").EnumerateArray().Select(a => a.GetProperty("start").GetString()).ToList();
        Assert.Equal(3, alternatives.Count);
        Assert.Contains("10:45:00", alternatives);
        Assert.Contains("11:15:00", alternatives);

        Assert.Equal(HttpStatusCode.Created, (await Book(Booking("2026-11-30", "11:00", priority: "Elderly"))).Status);
        Assert.Equal(HttpStatusCode.Created, (await Book(Booking("2026-11-30", "11:00", priority: "Pregnant"))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Book(Booking("2026-11-30", "11:00", priority: "Disabled"))).Status);
        Assert.Equal((8, 8), Slot(demo.ConnectionString, "social", "2026-11-30", "11:00"));
    }

    [Fact]
    public async Task A_mobile_holds_at_most_three_appointments_and_one_per_item_per_day_per_resident()
    {
        var mobile = NewMobile();
        Assert.Equal(HttpStatusCode.Created, (await Book(Booking("2026-12-01", "09:00", mobile))).Status);
        var (duplicate, dupBody) = await Book(Booking("2026-12-01", "09:30", mobile));
        Assert.Equal(HttpStatusCode.Conflict, duplicate);
        Assert.Equal("duplicate", dupBody.GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.Created, (await Book(Booking("2026-12-01", "09:30", mobile, name: "王伟"))).Status);
        Assert.Equal(HttpStatusCode.Created, (await Book(Booking("2026-12-02", "09:00", mobile))).Status);
        var (limit, limitBody) = await Book(Booking("2026-12-04", "09:00", mobile));
        Assert.Equal(HttpStatusCode.Conflict, limit);
        Assert.Equal("too-many-active", limitBody.GetProperty("code").GetString());
        Assert.Equal("mobile", limitBody.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_same_appointment()
    {
        var body = Booking("2026-12-01", "10:00");
        var first = await Book(body, key: "tap-1");
        var second = await Book(body, key: "tap-1");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Body.GetProperty("appointment").GetProperty("id").GetString(), second.Body.GetProperty("appointment").GetProperty("id").GetString());
        Assert.Equal((1, 1), Slot(demo.ConnectionString, "social", "2026-12-01", "10:00"));
    }

    [Fact]
    public async Task Rescheduling_takes_the_new_slot_and_releases_the_old_one()
    {
        var (_, booked) = await Book(Booking("2026-12-01", "10:30"));
        var id = booked.GetProperty("appointment").GetProperty("id").GetString()!;
        var token = Uri.EscapeDataString(booked.GetProperty("manageToken").GetString()!);

        var (status, moved) = await PostAsync(_host.Client, $"/api/appointments/{id}/reschedule?token={token}", Json(new { date = "2026-12-02", start = "15:00" }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2026-12-02", moved.GetProperty("date").GetString());
        Assert.Equal((0, 0), Slot(demo.ConnectionString, "social", "2026-12-01", "10:30"));
        Assert.Equal((1, 1), Slot(demo.ConnectionString, "social", "2026-12-02", "15:00"));
    }

    [Fact]
    public async Task Rescheduling_into_a_full_slot_keeps_the_old_one()
    {
        for (var i = 0; i < 6; i++) await Book(Booking("2026-12-02", "11:00"));
        var (_, booked) = await Book(Booking("2026-12-02", "11:30"));
        var id = booked.GetProperty("appointment").GetProperty("id").GetString()!;
        var token = Uri.EscapeDataString(booked.GetProperty("manageToken").GetString()!);

        var (status, body) = await PostAsync(_host.Client, $"/api/appointments/{id}/reschedule?token={token}", Json(new { date = "2026-12-02", start = "11:00" }));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(3, body.GetProperty("alternatives").GetArrayLength());
        Assert.Equal((1, 1), Slot(demo.ConnectionString, "social", "2026-12-02", "11:30"));
        Assert.Equal((6, 6), Slot(demo.ConnectionString, "social", "2026-12-02", "11:00"));
    }

    [Fact]
    public async Task Cancelling_returns_the_seat_at_once_and_the_link_cannot_act_on_another_appointment()
    {
        var (_, a) = await Book(Booking("2026-12-02", "14:00"));
        var (_, b) = await Book(Booking("2026-12-02", "14:15"));
        var idA = a.GetProperty("appointment").GetProperty("id").GetString()!;
        var idB = b.GetProperty("appointment").GetProperty("id").GetString()!;
        var tokenA = Uri.EscapeDataString(a.GetProperty("manageToken").GetString()!);

        var (other, _) = await PostAsync(_host.Client, $"/api/appointments/{idB}/cancel?token={tokenA}", Json(new { }));
        var (forged, _) = await PostAsync(_host.Client, $"/api/appointments/{idA}/cancel?token={tokenA}x", Json(new { }));
        var (none, _) = await PostAsync(_host.Client, $"/api/appointments/{idA}/cancel", Json(new { }));
        Assert.Equal(HttpStatusCode.Forbidden, other);
        Assert.Equal(HttpStatusCode.Unauthorized, forged);
        Assert.Equal(HttpStatusCode.Unauthorized, none);

        var (status, cancelled) = await PostAsync(_host.Client, $"/api/appointments/{idA}/cancel?token={tokenA}", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal((0, 0), Slot(demo.ConnectionString, "social", "2026-12-02", "14:00"));
        Assert.Equal((1, 1), Slot(demo.ConnectionString, "social", "2026-12-02", "14:15"));
    }

    [Fact]
    public async Task Nothing_can_be_changed_once_the_slot_has_started_and_an_expired_link_is_refused()
    {
        // The clock moves: a host of this test's own, so the shared one keeps standing at the demo's "now".
        var clock = SchedulerHost.DemoClock();
        await using var host = await SchedulerHost.StartAsync(demo.ConnectionString, clock);
        var (_, booked) = await Book(host, Booking("2026-11-27", "16:00"));
        var id = booked.GetProperty("appointment").GetProperty("id").GetString()!;
        var token = Uri.EscapeDataString(booked.GetProperty("manageToken").GetString()!);

        clock.Advance(Duration.FromHours(7));
        var (cancel, body) = await PostAsync(host.Client, $"/api/appointments/{id}/cancel?token={token}", Json(new { }));
        var (move, _) = await PostAsync(host.Client, $"/api/appointments/{id}/reschedule?token={token}", Json(new { date = "2026-11-30", start = "16:00" }));
        Assert.Equal(HttpStatusCode.Conflict, cancel);
        Assert.Equal("already-started", body.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Conflict, move);

        clock.Advance(Duration.FromDays(2));
        using var stillValid = await host.Client.GetAsync($"/api/appointments/{id}?token={token}");
        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        clock.Advance(Duration.FromDays(14));
        using var expired = await host.Client.GetAsync($"/api/appointments/{id}?token={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task Staff_check_in_and_serve_and_repeated_no_shows_make_the_next_booking_wait_for_confirmation()
    {
        // The clock moves: a host of this test's own, so the shared one keeps standing at the demo's "now".
        var clock = SchedulerHost.DemoClock();
        await using var host = await SchedulerHost.StartAsync(demo.ConnectionString, clock);
        using var staff = await host.SignedInClientAsync("window-3", "staff");
        var mobile = NewMobile();
        var (_, first) = await Book(host, Booking("2026-11-27", "10:00", mobile));
        var (_, second) = await Book(host, Booking("2026-11-27", "10:15", mobile, item: "elderly-allowance"));
        var (_, third) = await Book(host, Booking("2026-11-27", "10:30", mobile, item: "household-transfer"));
        string Id(JsonElement b) => b.GetProperty("appointment").GetProperty("id").GetString()!;

        var (early, _) = await PostAsync(staff, $"/api/staff/appointments/{Id(first)}/no-show", Json(new { }));
        Assert.Equal(HttpStatusCode.Conflict, early);

        clock.Advance(Duration.FromMinutes(75));
        var (checkedIn, c) = await PostAsync(staff, $"/api/staff/appointments/{Id(third)}/check-in", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, checkedIn);
        Assert.Equal("CheckedIn", c.GetProperty("status").GetString());
        Assert.Equal("Served", (await PostAsync(staff, $"/api/staff/appointments/{Id(third)}/served", Json(new { }))).Body.GetProperty("status").GetString());
        Assert.Equal("NoShow", (await PostAsync(staff, $"/api/staff/appointments/{Id(first)}/no-show", Json(new { }))).Body.GetProperty("status").GetString());
        Assert.Equal("NoShow", (await PostAsync(staff, $"/api/staff/appointments/{Id(second)}/no-show", Json(new { }))).Body.GetProperty("status").GetString());

        var (status, next) = await Book(host, Booking("2026-12-03", "09:00", mobile));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("AwaitingConfirmation", next.GetProperty("appointment").GetProperty("status").GetString());
        var token = Uri.EscapeDataString(next.GetProperty("manageToken").GetString()!);
        var (confirmed, body) = await PostAsync(host.Client, $"/api/appointments/{Id(next)}/confirm?token={token}", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, confirmed);
        Assert.Equal("Booked", body.GetProperty("status").GetString());

        var (anonymous, _) = await PostAsync(host.Client, $"/api/staff/appointments/{Id(next)}/check-in", Json(new { }));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);

        var (_, unconfirmed) = await Book(host, Booking("2026-12-04", "16:45", mobile));
        Assert.Equal("AwaitingConfirmation", unconfirmed.GetProperty("appointment").GetProperty("status").GetString());
        Assert.Equal(1, Slot(demo.ConnectionString, "social", "2026-12-04", "16:45").Counted);
        clock.Advance(Duration.FromHours(13));
        using var master = host.KeyedClient(host.Keys.MasterKey);
        using var fired = await master.PostAsync("/admin/functions/LapseUnconfirmedAppointments", null);
        Assert.Equal(HttpStatusCode.Accepted, fired.StatusCode);
        var lapsedToken = Uri.EscapeDataString(unconfirmed.GetProperty("manageToken").GetString()!);
        var lapsed = await host.Client.GetFromJsonAsync<JsonElement>($"/api/appointments/{Id(unconfirmed)}?token={lapsedToken}");
        Assert.Equal("Lapsed", lapsed.GetProperty("status").GetString());
        Assert.Equal((0, 0), Slot(demo.ConnectionString, "social", "2026-12-04", "16:45"));
    }

    [Fact]
    public async Task An_extended_hours_request_books_an_evening_session_or_is_recorded()
    {
        var (eveningStatus, evening) = await PostAsync(_host.Client, "/api/extended-hours-requests",
            Json(new { itemId = "medical-reimbursement", date = "2026-12-03", wanted = "Evening", name = "陈明", mobile = NewMobile() }));
        Assert.Equal(HttpStatusCode.Created, eveningStatus);
        Assert.Equal("booked", evening.GetProperty("outcome").GetString());
        Assert.Equal("17:30:00", evening.GetProperty("booked").GetProperty("appointment").GetProperty("start").GetString());

        var (weekendStatus, weekend) = await PostAsync(_host.Client, "/api/extended-hours-requests",
            Json(new { itemId = "company-registration", date = "2026-12-05", wanted = "Weekend", name = "陈明", mobile = NewMobile() }));
        Assert.Equal(HttpStatusCode.Created, weekendStatus);
        Assert.Equal("recorded", weekend.GetProperty("outcome").GetString());
        Assert.StartsWith("xh-", weekend.GetProperty("requestId").GetString());

        var (bad, badBody) = await PostAsync(_host.Client, "/api/extended-hours-requests",
            Json(new { itemId = "company-registration", date = "2026-12-05", wanted = "Regular", name = "陈明", mobile = NewMobile() }));
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("wanted", badBody.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_double_tap_on_the_last_seat_books_once_and_both_taps_see_the_booking()
    {
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Created, (await Book(Booking("2026-12-04", "11:00"))).Status);
        var body = Booking("2026-12-04", "11:00");
        var taps = await Task.WhenAll(Book(body, key: "double-tap"), Book(body, key: "double-tap"));

        Assert.All(taps, t => Assert.True(t.Status is HttpStatusCode.Created or HttpStatusCode.OK, $"got {t.Status}"));
        Assert.Equal(taps[0].Body.GetProperty("appointment").GetProperty("id").GetString(), taps[1].Body.GetProperty("appointment").GetProperty("id").GetString());
        Assert.Equal((6, 6), Slot(demo.ConnectionString, "social", "2026-12-04", "11:00"));
    }

    [Fact]
    public async Task Rescheduling_cannot_put_two_of_one_item_on_one_day_for_a_resident()
    {
        var mobile = NewMobile();
        await Book(Booking("2026-12-08", "09:00", mobile));
        var (_, second) = await Book(Booking("2026-12-09", "09:00", mobile));
        var id = second.GetProperty("appointment").GetProperty("id").GetString()!;
        var token = Uri.EscapeDataString(second.GetProperty("manageToken").GetString()!);
        // Other tests on the same storage may book this slot too: the refused reschedule must leave it as it was.
        var before = Slot(demo.ConnectionString, "social", "2026-12-09", "09:00");

        var (status, problem) = await PostAsync(_host.Client, $"/api/appointments/{id}/reschedule?token={token}", Json(new { date = "2026-12-08", start = "10:00" }));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("duplicate", problem.GetProperty("code").GetString());
        Assert.Equal(before, Slot(demo.ConnectionString, "social", "2026-12-09", "09:00"));
        Assert.True(before.Counted >= 1 && before.Counted == before.Appointments, $"the booking holds its seat: {before}");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_host.Client, $"/api/appointments/{id}/reschedule?token={token}", Json(new { date = "2026-12-10", start = "10:00" }))).Status);
    }

    [Fact]
    public async Task Names_with_markup_are_stored_as_given()
    {
        var (status, body) = await Book(Booking("2026-12-04", "10:00", name: "<script>alert(1)</script>"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("<script>alert(1)</script>", body.GetProperty("appointment").GetProperty("residentName").GetString());
    }

    [Fact]
    public async Task Wrong_content_type_and_oversized_bodies_are_refused()
    {
        var (type, _) = await PostAsync(_host.Client, "/api/appointments", new StringContent("itemId=x", Encoding.UTF8, "text/plain"));
        var (size, _) = await PostAsync(_host.Client, "/api/appointments", Raw($$"""{"name":"{{new string('x', 20000)}}"}"""));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, type);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, size);
    }
}
