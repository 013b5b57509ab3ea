using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using NodaTime.Testing;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Home visits end to end on the dev host: requests by HTTP and by queue, the dispatcher's decision, a plan solved
/// in the background by the real route planner, and publishing it. The clock stands at Friday 2026-11-27 09:00.
/// </summary>
public sealed class HomeVisitTests(HomeVisitTests.Fixture fixture) : IClassFixture<HomeVisitTests.Fixture>
{
    /// <summary>The class's host, with a dispatcher signed in.</summary>
    public sealed class Fixture(AzuriteFixture azurite) : DemoHostFixture(azurite)
    {
        public HttpClient Dispatcher { get; private set; } = null!;

        protected override async Task OnStartedAsync(TestDevHost host) => Dispatcher = await host.SignedInClientAsync("dispatcher-wu", "dispatcher", "staff");

        public override async ValueTask DisposeAsync()
        {
            Dispatcher?.Dispose();
            await base.DisposeAsync();
        }
    }

    private readonly TestDevHost _host = fixture.Host;
    private readonly HttpClient _dispatcher = fixture.Dispatcher;

    private static Dictionary<string, object?> Request(string date = "2026-12-08", string? mobile = null, string item = "pension-certification",
        double latitude = 24.52, double longitude = 118.12, string? idNumber = "350206195001011230", string? reason = "Aged60Plus") => new()
    {
        ["name"] = "林秀兰",
        ["mobile"] = mobile ?? NewMobile(),
        ["idNumber"] = idNumber,
        ["reason"] = reason,
        ["location"] = new { latitude, longitude },
        ["address"] = "福建省厦门市湖里区县后社区12号301室",
        ["itemId"] = item,
        ["windows"] = new[] { new { date, from = "09:00", to = "11:00" } },
        ["urgency"] = "Soon",
        ["notes"] = "行动不便，请敲门后稍等",
    };

    private async Task<string> SubmitAsync(Dictionary<string, object?> body)
    {
        var (status, receipt) = await PostAsync(_host.Client, "/api/home-visits", Json(body));
        Assert.Equal(HttpStatusCode.Accepted, status);
        return receipt.GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> WaitForPlanAsync(string id)
    {
        for (var i = 0; i < 300; i++)
        {
            var run = await _dispatcher.GetFromJsonAsync<JsonElement>($"/api/dispatch/plans/{id}");
            if (run.GetProperty("status").GetString() is "Solved" or "Failed") return run;
            await Task.Delay(200);
        }
        throw new TimeoutException("The plan was not solved in time.");
    }

    [Fact]
    public async Task A_request_from_a_mobile_nobody_verified_is_refused_and_leaves_nothing_stored_and_sends_nothing()
    {
        var mobile = NewMobile();
        var body = Request(mobile: mobile, date: "2026-12-10");
        body["name"] = "冒名者" + mobile[^4..];
        using var refused = await _host.Client.PostAsync("/api/home-visits", Json(body), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(("verification-required", "verificationCode"), (problem.GetProperty("code").GetString(), problem.GetProperty("field").GetString()));
        // A wrong code is refused the same way, with its own code.
        body["verificationCode"] = "000000";
        using var wrong = await _host.Client.PostAsync("/api/home-visits", Json(body), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);

        var list = await _dispatcher.GetStringAsync("/api/dispatch/home-visits?pageSize=200", TestContext.Current.CancellationToken);
        Assert.DoesNotContain((string)body["name"]!, list);
        Assert.Equal(0, TableRowsMentioning(mobile));
        Assert.Empty(await Sms.InboxAsync(_host.Client, "+86" + mobile));
    }

    [Fact]
    public async Task A_request_with_the_code_from_the_sms_is_taken_and_earns_the_device_a_proof_for_the_next_one()
    {
        var mobile = NewMobile();
        var code = await SendCodeAsync(_host.Client, "+86" + mobile);
        var body = Request(mobile: mobile, date: "2026-12-10");
        body["verificationCode"] = code;
        using var taken = await _host.Client.PostAsync("/api/home-visits", Json(body), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, taken.StatusCode);
        var proof = Assert.Single(taken.Headers.GetValues("X-Mobile-Proof"));

        // The next request from this device brings the proof instead of a code.
        var next = Request(mobile: mobile, date: "2026-12-11", item: "pension-certification");
        using var again = new HttpRequestMessage(HttpMethod.Post, "/api/home-visits") { Content = Json(next) };
        again.Headers.Add("X-Mobile-Proof", proof);
        using var second = await _host.Client.SendAsync(again, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var inbox = await Sms.WaitForAsync(_host.Client, "+86" + mobile, "home-visit-received", 2);
        Assert.Equal(2, Sms.Count(inbox, "home-visit-received"));
    }

    /// <summary>Rows of the home-visit table holding the mobile in any text column (in any form: local or E.164).</summary>
    private int TableRowsMentioning(string mobile) =>
        new TableClient(fixture.ConnectionString, Scheduler.Functions.Platform.StorageNames.HomeVisitsTable).Query<TableEntity>()
            .Count(e => e.Select(p => p.Value).OfType<string>().Any(v => v.Contains(mobile, StringComparison.Ordinal)));

    [Fact]
    public async Task A_request_is_assessed_and_its_resident_id_is_kept_only_encrypted()
    {
        var id = await SubmitAsync(Request());
        var list = await _dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/home-visits");
        var mine = list.EnumerateArray().Single(r => r.GetProperty("id").GetString() == id);

        Assert.Equal("Submitted", mine.GetProperty("status").GetString());
        Assert.Equal(76, mine.GetProperty("age").GetInt32());
        Assert.True(mine.GetProperty("assessment").GetProperty("eligible").GetBoolean());
        Assert.True(mine.GetProperty("idGiven").GetBoolean());
        Assert.DoesNotContain("350206195001011230", list.GetRawText());

        var stored = new TableClient(fixture.ConnectionString, "homevisits").GetEntity<TableEntity>("huli", $"req|{id}");
        Assert.DoesNotContain("350206195001011230", stored.Value.GetString("Json"));
        Assert.Contains("\"protectedIdNumber\":\"v1:", stored.Value.GetString("Json"));
        // Under the current data key of the settings, and only under it.
        var protectedId = System.Text.Json.JsonDocument.Parse(stored.Value.GetString("Json")).RootElement.GetProperty("protectedIdNumber").GetString()!;
        var keys = new Platform.DataKeyOptions { Current = "v1" };
        keys.Keys["v1"] = SchedulerHost.Settings("")["DataKeys__Keys__v1"]!;
        Assert.Equal("350206195001011230", new HomeVisits.AesGcmIdProtector(new Platform.DataKeyRing(keys, null)).Unprotect(protectedId));
    }

    [Fact]
    public async Task An_under_age_resident_is_recorded_as_not_eligible_with_the_reason()
    {
        var id = await SubmitAsync(Request(idNumber: "350206201001011239"));
        var list = await _dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/home-visits");
        var mine = list.EnumerateArray().Single(r => r.GetProperty("id").GetString() == id);
        Assert.False(mine.GetProperty("assessment").GetProperty("eligible").GetBoolean());
        Assert.Contains("under 60", mine.GetProperty("assessment").GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("location", 31.23, 121.47, "350206195001011230", "Aged60Plus", "2026-12-08", "09:00", "11:00")]
    [InlineData("idNumber", 24.52, 118.12, "350206195001011231", "Aged60Plus", "2026-12-08", "09:00", "11:00")]
    [InlineData("idNumber", 24.52, 118.12, "35020619991340123X", "Aged60Plus", "2026-12-08", "09:00", "11:00")]
    [InlineData("reason", 24.52, 118.12, null, null, "2026-12-08", "09:00", "11:00")]
    [InlineData("windows[0]", 24.52, 118.12, null, "Disabled", "2026-11-26", "09:00", "11:00")]
    [InlineData("windows[0]", 24.52, 118.12, null, "Disabled", "2026-12-08", "11:00", "09:00")]
    [InlineData("windows[0]", 24.52, 118.12, null, "Disabled", "2026-12-05", "09:00", "11:00")]
    [InlineData("windows[0]", 24.52, 118.12, null, "Disabled", "2026-12-08", "19:00", "21:00")]
    [InlineData("windows[0]", 24.52, 118.12, null, "Disabled", "2027-01-01", "09:00", "11:00")]
    [InlineData("windows[0].date", 24.52, 118.12, null, "Disabled", "tomorrow", "09:00", "11:00")]
    public async Task Bad_requests_are_refused_naming_the_field_and_nothing_is_stored(string field, double lat, double lon, string? idNumber, string? reason,
        string date, string from, string to)
    {
        var mobile = NewMobile();
        var body = Request(mobile: mobile, latitude: lat, longitude: lon, idNumber: idNumber, reason: reason);
        body["windows"] = new[] { new { date, from, to } };
        // Masked numbers of two requests can match: a name no other request uses tells this one apart.
        var name = "林" + Guid.NewGuid().ToString("N")[..6];
        body["name"] = name;
        var (status, problem) = await PostAsync(_host.Client, "/api/home-visits", Json(body));

        Assert.True((int)status is >= 400 and < 500, $"got {(int)status}");
        Assert.Equal(field, problem.GetProperty("field").GetString());
        var list = await _dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/home-visits");
        var masked = Scheduler.Core.Privacy.Redact.Phone("+86" + mobile);
        Assert.DoesNotContain(list.EnumerateArray(), r => r.GetProperty("mobileMasked").GetString() == masked && r.GetProperty("residentName").GetString() == name);
    }

    [Theory]
    [InlineData("""{"name":"林","mobile":"13912345678","reason":"Disabled","location":{"latitude":"north","longitude":118.1}}""", "$.location.latitude")]
    [InlineData("""{"name":"林","mobile":"13912345678","reason":"Disabled","location":{"latitude":24.5,"longitude":118.1},"address":"县后","itemId":"pension-certification","windows":[]}""", "windows")]
    [InlineData("""{"name":"林","mobile":"13912345678","reason":"Flying","location":{"latitude":24.5,"longitude":118.1}}""", "$.reason")]
    public async Task Malformed_or_empty_fields_are_refused(string json, string field)
    {
        var (status, problem) = await PostAsync(_host.Client, "/api/home-visits", Raw(json));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_same_resident_item_and_day_is_a_duplicate()
    {
        var mobile = NewMobile();
        await SubmitAsync(Request(mobile: mobile, date: "2026-12-09"));
        var (status, problem) = await PostAsync(_host.Client, "/api/home-visits", Json(Request(mobile: mobile, date: "2026-12-09")));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("duplicate", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_queue_message_runs_the_same_validation_and_a_bad_one_records_its_reason()
    {
        var queue = new QueueClient(fixture.ConnectionString, "home-visit-requests", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var mobile = NewMobile();
        await queue.SendMessageAsync(JsonSerializer.Serialize(Request(mobile: mobile, date: "2026-12-10")));
        var bad = JsonSerializer.Serialize(Request(idNumber: "350206195001011231", date: "2026-12-10"));
        await queue.SendMessageAsync(bad);

        JsonElement? mine = null;
        for (var i = 0; i < 100 && mine is null; i++)
        {
            var list = await _dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/home-visits");
            mine = list.EnumerateArray().Where(r => r.GetProperty("channel").GetString() == "queue" && r.GetProperty("windows")[0].GetProperty("date").GetString() == "2026-12-10")
                .Cast<JsonElement?>().FirstOrDefault();
            if (mine is null) await Task.Delay(200);
        }
        Assert.NotNull(mine);

        var key = Scheduler.Core.Operations.PoisonWatch.KeyOf(bad);
        var poison = new TableClient(fixture.ConnectionString, "poison");
        Azure.NullableResponse<TableEntity>? reason = null;
        for (var i = 0; i < 100 && reason?.HasValue != true; i++)
        {
            reason = await poison.GetEntityIfExistsAsync<TableEntity>("failure|home-visit-requests", key);
            if (!reason.HasValue) await Task.Delay(200);
        }
        Assert.True(reason!.HasValue);
        Assert.StartsWith("InvalidDataException: idNumber:", reason.Value!.GetString("Reason"));
        Assert.DoesNotContain("350206195001011231", reason.Value.GetString("Reason"));

        // When the host gives up, the message reaches the poison queue: it is recorded with that reason for
        // dispatchers (and health), described by its type and ids only.
        var poisonQueue = new QueueClient(fixture.ConnectionString, "home-visit-requests-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await poisonQueue.SendMessageAsync(bad);
        JsonElement? listed = null;
        for (var i = 0; i < 100 && listed is null; i++)
        {
            var poisoned = await _dispatcher.GetFromJsonAsync<JsonElement>("/api/dispatch/poisoned");
            listed = poisoned.EnumerateArray().Where(p => p.GetProperty("key").GetString() == key).Cast<JsonElement?>().FirstOrDefault();
            if (listed is null) await Task.Delay(200);
        }
        Assert.NotNull(listed);
        Assert.Equal("home-visit-requests", listed.Value.GetProperty("queue").GetString());
        Assert.StartsWith("InvalidDataException: idNumber:", listed.Value.GetProperty("reason").GetString());
        Assert.DoesNotContain("350206195001011231", listed.Value.ToString());
        Assert.DoesNotContain("林", listed.Value.ToString());
        var health = await _host.Client.GetFromJsonAsync<JsonElement>("/api/health");
        Assert.Contains(health.GetProperty("alerts").EnumerateArray(), a => a.GetString()!.Contains("home-visit-requests"));
        var (anonymous, _) = (await _host.KeyedClient().GetAsync("/api/dispatch/poisoned")).StatusCode switch { var c => (c, 0) };
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
    }

    [Fact]
    public async Task A_dispatcher_decides_the_resident_is_told_and_a_rejection_needs_a_reason()
    {
        var mobile = NewMobile();
        var id = await SubmitAsync(Request(mobile: mobile, date: "2026-12-11"));
        var (noReason, problem) = await PostAsync(_dispatcher, $"/api/dispatch/home-visits/{id}/decision", Json(new { decision = "Reject" }));
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.Equal("reason", problem.GetProperty("field").GetString());

        var (anonymous, _) = await PostAsync(_host.KeyedClient(), $"/api/dispatch/home-visits/{id}/decision", Json(new { decision = "Approve" }));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);

        var (ok, decided) = await PostAsync(_dispatcher, $"/api/dispatch/home-visits/{id}/decision", Json(new { decision = "Approve" }));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("Approved", decided.GetProperty("status").GetString());
        await PostAsync(_dispatcher, $"/api/dispatch/home-visits/{id}/decision", Json(new { decision = "Approve" }));

        // Besides the code that verified the mobile: the receipt and one decision, however often it was repeated.
        var sms = new TableClient(fixture.ConnectionString, "sms").Query<TableEntity>()
            .Where(e => e.GetString("To") == "+86" + mobile && e.GetString("Kind") != "verification-code").ToList();
        Assert.Equal(["home-visit-approved", "home-visit-received"], sms.Select(e => e.GetString("Kind")).Order());
        Assert.Contains("已通过", sms.Single(e => e.GetString("Kind") == "home-visit-approved").GetString("Text"));
    }

    [Fact]
    public async Task After_a_cancellation_the_resident_can_ask_again_for_the_same_day()
    {
        var mobile = NewMobile();
        var id = await SubmitAsync(Request(mobile: mobile, date: "2026-12-11"));
        var (cancelled, _) = await PostAsync(_dispatcher, $"/api/dispatch/home-visits/{id}/cancel", Json(new { reason = "住院" }));
        Assert.Equal(HttpStatusCode.OK, cancelled);
        var again = await SubmitAsync(Request(mobile: mobile, date: "2026-12-11"));
        Assert.NotEqual(id, again);
    }

    [Fact]
    public async Task A_request_by_address_alone_waits_with_its_place_pending_until_a_dispatcher_sets_it_and_is_then_planned()
    {
        const string day = "2026-12-03";
        var body = Request(date: day, reason: "BedriddenOrSeriouslyIll", idNumber: null);
        body.Remove("location");
        var (status, receipt) = await PostAsync(_host.Client, "/api/home-visits", Json(body));
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.True(receipt.GetProperty("locationPending").GetBoolean());
        var id = receipt.GetProperty("id").GetString()!;
        var placed = await SubmitAsync(Request(date: day, reason: "BedriddenOrSeriouslyIll", idNumber: null, latitude: 24.50, longitude: 118.13));
        foreach (var approve in new[] { id, placed })
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(_dispatcher, $"/api/dispatch/home-visits/{approve}/decision", Json(new { decision = "Approve" }))).Status);

        // The dispatcher's list says so, without coordinates.
        var listed = (await _dispatcher.GetFromJsonAsync<JsonElement>($"/api/dispatch/home-visits?date={day}&pageSize=200")).EnumerateArray().Single(r => r.GetProperty("id").GetString() == id);
        Assert.True(listed.GetProperty("locationPending").GetBoolean());
        Assert.False(listed.TryGetProperty("latitude", out _));

        // A plan of the day leaves it out, saying why, and plans the rest.
        var (_, first) = await PostAsync(_dispatcher, "/api/dispatch/plans", Json(new { date = day }));
        var run = await WaitForPlanAsync(first.GetProperty("id").GetString()!);
        Assert.Equal("Solved", run.GetProperty("status").GetString());
        var dropped = run.GetProperty("plan").GetProperty("dropped").EnumerateArray().Single(d => d.GetProperty("visitId").GetString() == id);
        Assert.Equal("LocationPending", dropped.GetProperty("reason").GetString());
        Assert.Contains(placed, Visited(run));

        // Bad coordinates are refused and change nothing; nobody but a dispatcher may set them.
        foreach (var bad in new object[] { new { latitude = 95.0, longitude = 118.13 }, new { latitude = 24.51 }, new { latitude = 31.23, longitude = 121.47 } })
        {
            using var refused = await _dispatcher.PutAsync($"/api/dispatch/home-visits/{id}/location", Json(bad), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        using (var raw = await _dispatcher.PutAsync($"/api/dispatch/home-visits/{id}/location", Raw("{\"latitude\":\"north\"}"), TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
        using (var anonymous = await _host.Client.PutAsync($"/api/dispatch/home-visits/{id}/location", Json(new { latitude = 24.51, longitude = 118.14 }), TestContext.Current.CancellationToken))
            Assert.Contains(anonymous.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        using (var keyed = await _host.KeyedClient().PutAsync($"/api/dispatch/home-visits/{id}/location", Json(new { latitude = 24.51, longitude = 118.14 }), TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.Unauthorized, keyed.StatusCode);
        using (var staff = await _host.SignedInClientAsync("s01", "staff"))
        using (var notDispatcher = await staff.PutAsync($"/api/dispatch/home-visits/{id}/location", Json(new { latitude = 24.51, longitude = 118.14 }), TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.Forbidden, notDispatcher.StatusCode);
        var still = (await _dispatcher.GetFromJsonAsync<JsonElement>($"/api/dispatch/home-visits?date={day}&pageSize=200")).EnumerateArray().Single(r => r.GetProperty("id").GetString() == id);
        Assert.True(still.GetProperty("locationPending").GetBoolean());

        // The dispatcher sets it from the address: audited, and the next plan visits the home.
        using var set = await _dispatcher.PutAsync($"/api/dispatch/home-visits/{id}/location", Json(new { latitude = 24.51, longitude = 118.14 }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var view = await set.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal((false, 24.51, 118.14), (view.GetProperty("locationPending").GetBoolean(), view.GetProperty("latitude").GetDouble(), view.GetProperty("longitude").GetDouble()));
        var audit = new TableClient(fixture.ConnectionString, "audit").Query<TableEntity>().ToList();
        Assert.Contains(audit, e => e.GetString("Action") == "home-visit.location-set" && e.GetString("Subject") == $"home-visit/{id}");
        var (_, second) = await PostAsync(_dispatcher, "/api/dispatch/plans", Json(new { date = day }));
        var again = await WaitForPlanAsync(second.GetProperty("id").GetString()!);
        Assert.Equal("Solved", again.GetProperty("status").GetString());
        Assert.Contains(id, Visited(again));
    }

    private static List<string?> Visited(JsonElement run) =>
        run.GetProperty("plan").GetProperty("routes").EnumerateArray().SelectMany(r => r.GetProperty("stops").EnumerateArray().Select(s => s.GetProperty("visitId").GetString())).ToList();

    [Fact]
    public async Task A_day_is_planned_in_the_background_checked_and_published_to_residents()
    {
        var ids = new List<string>();
        var mobiles = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var mobile = NewMobile();
            mobiles.Add(mobile);
            var body = Request(mobile: mobile, date: "2026-11-30", latitude: 24.50 + i * 0.01, longitude: 118.10 + i * 0.015,
                item: i == 3 ? "subsistence-allowance" : "pension-certification", reason: "BedriddenOrSeriouslyIll", idNumber: null);
            var id = await SubmitAsync(body);
            ids.Add(id);
            await PostAsync(_dispatcher, $"/api/dispatch/home-visits/{id}/decision", Json(new { decision = "Approve" }));
        }

        var (saturday, sat) = await PostAsync(_dispatcher, "/api/dispatch/plans", Json(new { date = "2026-11-28" }));
        Assert.Equal(HttpStatusCode.BadRequest, saturday);
        Assert.Equal("no-staff-on-duty", sat.GetProperty("code").GetString());

        var (accepted, plan) = await PostAsync(_dispatcher, "/api/dispatch/plans", Json(new { date = "2026-11-30" }));
        Assert.Equal(HttpStatusCode.Accepted, accepted);
        var run = await WaitForPlanAsync(plan.GetProperty("id").GetString()!);
        Assert.Equal("Solved", run.GetProperty("status").GetString());
        // How the search went is kept with the run and shown to the dispatcher: it searched (2 s here), or says why it stopped.
        Assert.Matches(@"^(searched \d|stopped)", run.GetProperty("search").GetString());
        // ... and in parts: how it ended, and why when that was well inside its limit, with the solver's status.
        var details = run.GetProperty("searchDetails");
        Assert.False(string.IsNullOrEmpty(details.GetProperty("solverStatus").GetString()));
        if (details.GetProperty("ended").GetString() is not ("TimeLimit" or "IterationLimit"))
            Assert.False(string.IsNullOrEmpty(details.GetProperty("reason").GetString()), run.GetRawText());
        var routes = run.GetProperty("plan").GetProperty("routes");
        var visited = routes.EnumerateArray().SelectMany(r => r.GetProperty("stops").EnumerateArray().Select(s => s.GetProperty("visitId").GetString())).ToList();
        Assert.All(ids, id => Assert.Contains(id, visited));
        Assert.Equal(2, visited.Count(v => v == ids[3]));

        var (published, _) = await PostAsync(_dispatcher, $"/api/dispatch/plans/{plan.GetProperty("id").GetString()}/publish", Json(new { }));
        Assert.Equal(HttpStatusCode.OK, published);
        var sms = new TableClient(fixture.ConnectionString, "sms").Query<TableEntity>().ToList();
        Assert.All(mobiles, m => Assert.Contains(sms, e => e.GetString("To") == "+86" + m && e.GetString("Text").Contains("上门办理")));

        // Cancelling a visit of the published day plans it again around the visits residents were told: same starts.
        var starts = routes.EnumerateArray().SelectMany(r => r.GetProperty("stops").EnumerateArray())
            .GroupBy(s => s.GetProperty("visitId").GetString()!).ToDictionary(g => g.Key, g => g.First().GetProperty("start").GetString(), StringComparer.Ordinal);
        var plans = new TableClient(fixture.ConnectionString, "plans");
        List<(string Id, string By)> Runs() => plans.Query<TableEntity>(e => e.PartitionKey == "huli|20261130" && e.RowKey.CompareTo("run|") > 0 && e.RowKey.CompareTo("run|~") < 0)
            .Select(e => (e.RowKey[4..], JsonDocument.Parse(e.GetString("Json")).RootElement.GetProperty("requestedBy").GetString()!)).ToList();
        var runsBefore = Runs().Select(r => r.Id).ToHashSet();
        var (cancelled, _) = await PostAsync(_dispatcher, $"/api/dispatch/home-visits/{ids[0]}/cancel", Json(new { reason = "家属已代办" }));
        Assert.Equal(HttpStatusCode.OK, cancelled);
        // Other tests of the class share the day, so the new run is told apart by who asked for it.
        var newest = Assert.Single(Runs(), r => !runsBefore.Contains(r.Id) && r.By == "system:replan-on-cancellation").Id;
        var again = await WaitForPlanAsync(newest);
        Assert.Equal("Solved", again.GetProperty("status").GetString());
        var stopsAgain = again.GetProperty("plan").GetProperty("routes").EnumerateArray().SelectMany(r => r.GetProperty("stops").EnumerateArray()).ToList();
        Assert.DoesNotContain(stopsAgain, s => s.GetProperty("visitId").GetString() == ids[0]);
        // Visits approved since the publication (other classes share the day) get times of their own; those told keep theirs.
        var told = stopsAgain.Where(s => starts.ContainsKey(s.GetProperty("visitId").GetString()!)).ToList();
        Assert.All(ids.Skip(1).Where(starts.ContainsKey), id => Assert.Contains(told, s => s.GetProperty("visitId").GetString() == id));
        Assert.All(told, s => Assert.Equal(starts[s.GetProperty("visitId").GetString()!], s.GetProperty("start").GetString()));

        var staffId = routes.EnumerateArray().First(r => r.GetProperty("stops").GetArrayLength() > 0).GetProperty("staffId").GetString();
        var schedule = await _dispatcher.GetFromJsonAsync<JsonElement>($"/api/staff/schedule?date=2026-11-30&staffId={staffId}");
        Assert.True(schedule.GetProperty("stops").GetArrayLength() > 0);
        Assert.Contains("湖里区", schedule.GetProperty("stops")[0].GetProperty("address").GetString());
    }
}
