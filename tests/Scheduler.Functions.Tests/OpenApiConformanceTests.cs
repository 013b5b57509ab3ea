extern alias JsonSchemaNet;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using JsonSchemaNet::Json.Schema;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The OpenAPI document describes the API exactly: real requests to the dev host, and its real answers, are checked
/// against the document the app serves, by a JSON Schema 2020-12 validator (OpenAPI 3.1 schemas are JSON Schema).
/// Every answer's status must be one the operation declares, with the declared media type and a body its schema
/// accepts; every request a test means as valid must pass the request schema, and those it means as invalid must not.
/// </summary>
public sealed class OpenApiConformanceTests(OpenApiConformanceTests.Fixture fixture) : IClassFixture<OpenApiConformanceTests.Fixture>
{
    public sealed class Fixture(AzuriteFixture azurite) : DemoHostFixture(azurite)
    {
        public HttpClient Dispatcher { get; private set; } = null!;
        public HttpClient Staff { get; private set; } = null!;
        public JsonElement Document { get; private set; }

        protected override async Task OnStartedAsync(TestDevHost host)
        {
            Dispatcher = await host.SignedInClientAsync("dispatcher-openapi", "dispatcher", "staff");
            Staff = await host.SignedInClientAsync("s01", "staff");
            Document = await host.Client.GetFromJsonAsync<JsonElement>("/api/openapi.json");
        }

        public override async ValueTask DisposeAsync()
        {
            Dispatcher?.Dispose();
            Staff?.Dispose();
            await base.DisposeAsync();
        }
    }

    private readonly TestDevHost _host = fixture.Host;
    private readonly JsonElement _doc = fixture.Document;
    private readonly List<string> _violations = [];
    private readonly HashSet<string> _checked = [];
    private static int _schemas;

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>The violations of <paramref name="schema"/> by <paramref name="instance"/>, none when it conforms.</summary>
    private static string? Violations(JsonElement schema, JsonElement instance)
    {
        var built = JsonSchema.Build(schema, BuildOptions.Default, new Uri($"https://scheduler.test/schemas/{Interlocked.Increment(ref _schemas)}"));
        var result = built.Evaluate(instance, Evaluation);
        if (result.IsValid) return null;
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})"));
        return string.Join("; ", errors.Take(6));
    }

    private (string Template, JsonElement Operation) OperationOf(HttpMethod method, string path)
    {
        var bare = path.Split('?')[0];
        bare = bare.StartsWith("/api", StringComparison.Ordinal) ? bare[4..] : bare;
        var matches = _doc.GetProperty("paths").EnumerateObject()
            .Where(p => Regex.IsMatch(bare, "^" + Regex.Replace(Regex.Escape(p.Name), @"\\\{[^}]+}", "[^/]+") + "$"))
            .OrderBy(p => p.Name.Count(c => c == '{')) // a literal segment wins over a parameter
            .ToList();
        Assert.True(matches.Count > 0, $"{method} {bare} is not in the document");
        Assert.True(matches[0].Value.TryGetProperty(method.Method.ToLowerInvariant(), out var operation), $"{method} {matches[0].Name} is not in the document");
        return (matches[0].Name, operation);
    }

    /// <summary>A schema, or the component schema its <c>$ref</c> names.</summary>
    private JsonElement Resolve(JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? _doc.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;

    /// <summary>Sends the request and checks it and its answer against the document; the answer's body (default when empty).</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> ExchangeAsync(HttpClient client, HttpMethod method, string path,
        object? body = null, bool validRequest = true, string? rawBody = null, string contentType = "application/json", Action<HttpRequestMessage>? adjust = null)
    {
        var (template, operation) = OperationOf(method, path);
        using var request = new HttpRequestMessage(method, path);
        var text = rawBody ?? (body is null ? null : JsonSerializer.Serialize(body, Platform.Json.Options));
        if (text is not null) request.Content = new StringContent(text, Encoding.UTF8, contentType);
        adjust?.Invoke(request);
        var label = $"{method} {template}";

        if (text is not null && rawBody is null && contentType == "application/json")
        {
            Assert.True(operation.TryGetProperty("requestBody", out var requestBody), $"{label} takes a body the document does not describe");
            var schema = requestBody.GetProperty("content").GetProperty("application/json").GetProperty("schema");
            var requestViolations = Violations(schema, JsonDocument.Parse(text).RootElement);
            if (validRequest && requestViolations is not null) _violations.Add($"{label}: a valid request is refused by the request schema: {requestViolations}");
            if (!validRequest && requestViolations is null) _violations.Add($"{label}: an invalid request {text} passes the request schema");
        }

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var status = (int)response.StatusCode;
        var answer = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        _checked.Add($"{label} {status}");
        if (!operation.GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var declared))
        {
            _violations.Add($"{label} answered {status}, which the document does not declare: {answer[..Math.Min(answer.Length, 200)]}");
            return (response.StatusCode, default, response);
        }
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!declared.TryGetProperty("content", out var content))
        {
            if (answer.Length > 0) _violations.Add($"{label} {status} has a body ({mediaType}) the document does not describe");
            return (response.StatusCode, default, response);
        }
        if (mediaType is null || !content.TryGetProperty(mediaType, out var media))
        {
            _violations.Add($"{label} {status} is {mediaType}, the document says {string.Join(", ", content.EnumerateObject().Select(c => c.Name))}");
            return (response.StatusCode, default, response);
        }
        if (mediaType is not ("application/json" or "application/problem+json")) return (response.StatusCode, default, response);
        var parsed = JsonDocument.Parse(answer).RootElement.Clone();
        if (Violations(media.GetProperty("schema"), parsed) is { } answerViolations)
            _violations.Add($"{label} {status}: the answer does not match its schema: {answerViolations}");
        return (response.StatusCode, parsed, response);
    }

    private void AssertConforms() =>
        Assert.True(_violations.Count == 0, $"{_violations.Count} differences from the document:\n" + string.Join("\n", _violations) + "\nchecked: " + string.Join(", ", _checked));

    [Fact]
    public async Task The_document_serves_openapi_3_1_with_dates_and_times_described_and_no_empty_schemas()
    {
        Assert.StartsWith("3.1", _doc.GetProperty("openapi").GetString());
        var book = _doc.GetProperty("paths").GetProperty("/appointments").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema");
        var required = book.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        Assert.Equal(["date", "start", "name", "mobile"], required);
        Assert.Equal(2, book.GetProperty("oneOf").GetArrayLength());
        Assert.Equal("date", book.GetProperty("properties").GetProperty("date").GetProperty("format").GetString());

        var view = _doc.GetProperty("paths").GetProperty("/appointments/{id}").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties");
        Assert.Equal("date", view.GetProperty("date").GetProperty("format").GetString());
        Assert.True(view.GetProperty("start").TryGetProperty("pattern", out _));

        // No schema anywhere is empty ({} accepts anything, so it describes nothing).
        var empty = new List<string>();
        void Walk(JsonElement e, string at)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name is "schema" or "items" && p.Value.ValueKind == JsonValueKind.Object && !p.Value.EnumerateObject().Any()) empty.Add(at + "/" + p.Name);
                    if (p.Name == "properties")
                        foreach (var prop in p.Value.EnumerateObject())
                            if (prop.Value.ValueKind == JsonValueKind.Object && !prop.Value.EnumerateObject().Any()) empty.Add(at + "/properties/" + prop.Name);
                    Walk(p.Value, at + "/" + p.Name);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in e.EnumerateArray()) Walk(item, $"{at}/{i++}");
            }
        }
        Walk(_doc.GetProperty("paths"), "#/paths");
        Assert.True(empty.Count == 0, "empty schemas: " + string.Join(", ", empty.Take(20)));
    }

    [Fact]
    public async Task A_resident_s_booking_its_management_and_its_refusals_match_the_document()
    {
        var client = _host.Client;
        await ExchangeAsync(client, HttpMethod.Get, "/api/health");
        await ExchangeAsync(client, HttpMethod.Get, "/api/centre");
        await ExchangeAsync(client, HttpMethod.Get, "/api/availability?itemId=pension-certification&from=2026-12-01&to=2026-12-09");
        await ExchangeAsync(client, HttpMethod.Get, "/api/availability?itemId=pension-certification&from=1-12-2026");
        await ExchangeAsync(client, HttpMethod.Post, "/api/phone-verifications", new { mobile = NewMobile() });
        await ExchangeAsync(client, HttpMethod.Post, "/api/phone-verifications", new { language = "zh" }, validRequest: false);
        await ExchangeAsync(client, HttpMethod.Post, "/api/phone-verifications/check", new { mobile = NewMobile(), code = "123456" });

        // Without a verified mobile, both ids, neither, a body that is not JSON, another media type.
        await ExchangeAsync(client, HttpMethod.Post, "/api/appointments", new { itemId = "pension-certification", date = "2026-12-09", start = "09:00", name = "李芳", mobile = NewMobile() });
        await ExchangeAsync(client, HttpMethod.Post, "/api/appointments",
            new { itemId = "pension-certification", bundleId = "newborn", date = "2026-12-09", start = "09:00", name = "李芳", mobile = NewMobile() }, validRequest: false);
        await ExchangeAsync(client, HttpMethod.Post, "/api/appointments", new { date = "2026-12-09", start = "09:00", name = "李芳", mobile = NewMobile() }, validRequest: false);
        await ExchangeAsync(client, HttpMethod.Post, "/api/appointments", rawBody: "{\"itemId\": ");
        await ExchangeAsync(client, HttpMethod.Post, "/api/appointments", rawBody: "itemId=x", contentType: "application/x-www-form-urlencoded");

        // A booking from a verified mobile, with the optional fields left out and then given.
        string? id = null, token = null;
        foreach (var (start, extra) in new[] { ("14:15", false), ("14:45", true), ("15:15", false), ("15:45", false) })
        {
            var mobile = NewMobile();
            var proof = await VerifiedMobiles.ProofAsync(_host, "huli", "+86" + mobile, TestContext.Current.CancellationToken);
            object body = extra
                ? new { itemId = "pension-certification", date = "2026-12-09", start, name = "李芳", mobile, priority = "Elderly", language = "en" }
                : new { itemId = "pension-certification", date = "2026-12-09", start, name = "李芳", mobile };
            var (status, booked, _) = await ExchangeAsync(client, HttpMethod.Post, "/api/appointments", body, adjust: r => r.Headers.Add("X-Mobile-Proof", proof));
            if (status == HttpStatusCode.Created && id is null)
            {
                id = booked.GetProperty("appointment").GetProperty("id").GetString();
                token = booked.GetProperty("manageToken").GetString();
            }
        }
        Assert.True(id is not null, "no booking was made: " + string.Join("\n", _violations));
        var t = Uri.EscapeDataString(token!);
        await ExchangeAsync(client, HttpMethod.Get, $"/api/appointments/{id}?token={t}");
        await ExchangeAsync(client, HttpMethod.Get, $"/api/appointments/{id}?token=forged");
        await ExchangeAsync(client, HttpMethod.Post, $"/api/appointments/{id}/reschedule?token={t}", new { date = "2026-12-09", start = "16:15" });
        await ExchangeAsync(client, HttpMethod.Post, $"/api/appointments/{id}/reschedule?token={t}", new { date = "2026-12-09" }, validRequest: false);
        await ExchangeAsync(client, HttpMethod.Post, $"/api/appointments/{id}/reschedule?token={t}", new { date = "9 Dec", start = "16:15" }, validRequest: false);
        await ExchangeAsync(client, HttpMethod.Post, $"/api/appointments/{id}/cancel?token={t}");

        var extendedMobile = NewMobile();
        var extendedProof = await VerifiedMobiles.ProofAsync(_host, "huli", "+86" + extendedMobile, TestContext.Current.CancellationToken);
        await ExchangeAsync(client, HttpMethod.Post, "/api/extended-hours-requests",
            new { itemId = "pension-certification", date = "2026-12-09", wanted = "Evening", name = "王五", mobile = extendedMobile },
            adjust: r => r.Headers.Add("X-Mobile-Proof", extendedProof));
        AssertConforms();
    }

    [Fact]
    public async Task Home_visits_staff_and_dispatcher_answers_match_the_document()
    {
        var mobile = NewMobile();
        var proof = await VerifiedMobiles.ProofAsync(_host, "huli", "+86" + mobile, TestContext.Current.CancellationToken);
        var request = new Dictionary<string, object?>
        {
            ["name"] = "林秀兰", ["mobile"] = mobile, ["reason"] = "Aged60Plus", ["location"] = new { latitude = 24.52, longitude = 118.12 },
            ["address"] = "福建省厦门市湖里区县后社区12号301室", ["itemId"] = "pension-certification",
            ["windows"] = new[] { new { date = "2026-12-08", from = "09:00", to = "11:00" } }, ["language"] = "en",
        };
        // Without a code or a proof: 403 verification-required.
        var (unverified, _, _) = await ExchangeAsync(_host.Client, HttpMethod.Post, "/api/home-visits", request);
        Assert.Equal(HttpStatusCode.Forbidden, unverified);
        Action<HttpRequestMessage> verified = r => r.Headers.Add("X-Mobile-Proof", proof);
        var (_, receipt, _) = await ExchangeAsync(_host.Client, HttpMethod.Post, "/api/home-visits", request, adjust: verified);
        await ExchangeAsync(_host.Client, HttpMethod.Post, "/api/home-visits", new Dictionary<string, object?>(request) { ["windows"] = null }, validRequest: false, adjust: verified);
        await ExchangeAsync(_host.Client, HttpMethod.Post, "/api/home-visits", new Dictionary<string, object?>(request) { ["language"] = "fr" }, validRequest: false, adjust: verified);
        // The resident's language is an optional field of the request, zh or en.
        var body = Resolve(OperationOf(HttpMethod.Post, "/api/home-visits").Operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(body.GetProperty("properties").TryGetProperty("language", out _), "the home-visit request schema has no language");
        Assert.DoesNotContain("language", body.GetProperty("required").EnumerateArray().Select(r => r.GetString()));

        var dispatcher = fixture.Dispatcher;
        await ExchangeAsync(dispatcher, HttpMethod.Get, "/api/me");
        await ExchangeAsync(dispatcher, HttpMethod.Get, "/api/dispatch/home-visits?pageSize=2");
        await ExchangeAsync(dispatcher, HttpMethod.Get, "/api/dispatch/home-visits?pageSize=0");
        await ExchangeAsync(_host.KeyedClient(), HttpMethod.Get, "/api/dispatch/home-visits");
        var id = receipt.GetProperty("id").GetString();
        // By address alone: taken, its place pending, then set by a dispatcher (and refused to anyone else, and half a place refused).
        var (_, pending, _) = await ExchangeAsync(_host.Client, HttpMethod.Post, "/api/home-visits",
            new Dictionary<string, object?>(request) { ["location"] = null, ["name"] = "林秀英" }, adjust: verified);
        Assert.True(pending.GetProperty("locationPending").GetBoolean());
        var pendingId = pending.GetProperty("id").GetString();
        await ExchangeAsync(dispatcher, HttpMethod.Get, "/api/dispatch/home-visits?pageSize=200&date=2026-12-08");
        await ExchangeAsync(dispatcher, HttpMethod.Put, $"/api/dispatch/home-visits/{pendingId}/location", new { latitude = 24.51 }, validRequest: false);
        await ExchangeAsync(_host.KeyedClient(), HttpMethod.Put, $"/api/dispatch/home-visits/{pendingId}/location", new { latitude = 24.51, longitude = 118.14 });
        await ExchangeAsync(dispatcher, HttpMethod.Put, $"/api/dispatch/home-visits/{pendingId}/location", new { latitude = 24.51, longitude = 118.14 });
        await ExchangeAsync(dispatcher, HttpMethod.Put, "/api/dispatch/home-visits/hv-none/location", new { latitude = 24.51, longitude = 118.14 });
        await ExchangeAsync(dispatcher, HttpMethod.Post, $"/api/dispatch/home-visits/{id}/decision", new { reason = "?" }, validRequest: false);
        await ExchangeAsync(dispatcher, HttpMethod.Post, $"/api/dispatch/home-visits/{id}/decision", new { decision = "Approve" });
        await ExchangeAsync(dispatcher, HttpMethod.Post, $"/api/dispatch/home-visits/{id}/cancel", new { reason = "住院" });
        await ExchangeAsync(dispatcher, HttpMethod.Post, "/api/dispatch/home-visits/hv-none/cancel", new { });
        await ExchangeAsync(dispatcher, HttpMethod.Get, "/api/dispatch/follow-ups");
        await ExchangeAsync(dispatcher, HttpMethod.Get, "/api/dispatch/sessions?date=2026-12-09");
        await ExchangeAsync(dispatcher, HttpMethod.Get, "/api/dispatch/poisoned");
        await ExchangeAsync(fixture.Staff, HttpMethod.Get, "/api/staff/appointments?categoryId=social&date=2026-11-30");
        await ExchangeAsync(fixture.Staff, HttpMethod.Get, "/api/staff/schedule?date=2026-11-30&staffId=s01");
        await ExchangeAsync(fixture.Staff, HttpMethod.Get, "/api/dispatch/home-visits");

        // A visit's outcome: recorded by s01 on their published route (a past Monday of its own), and the refusals.
        var visit = await PublishedVisitAsync(new NodaTime.LocalDate(2026, 11, 23), "s01");
        var (recorded, _, _) = await ExchangeAsync(fixture.Staff, HttpMethod.Post, $"/api/staff/visits/{visit}/outcome", new { outcome = "Done" });
        Assert.Equal(HttpStatusCode.OK, recorded);
        var (contradicted, _, _) = await ExchangeAsync(fixture.Staff, HttpMethod.Post, $"/api/staff/visits/{visit}/outcome", new { outcome = "NotDone", reason = "NotHome" });
        Assert.Equal(HttpStatusCode.Conflict, contradicted);
        await ExchangeAsync(fixture.Staff, HttpMethod.Post, $"/api/staff/visits/{visit}/outcome", new { outcome = "Maybe" }, validRequest: false);
        await ExchangeAsync(fixture.Staff, HttpMethod.Post, $"/api/staff/visits/{visit}/outcome", new { reason = "NotHome" }, validRequest: false);
        await ExchangeAsync(fixture.Staff, HttpMethod.Post, $"/api/staff/visits/{visit}/outcome", rawBody: "{\"outcome\": ");
        await ExchangeAsync(fixture.Staff, HttpMethod.Post, "/api/staff/visits/hv-none/outcome", new { outcome = "Done" });
        await ExchangeAsync(fixture.Staff, HttpMethod.Post, $"/api/staff/visits/{id}/outcome", new { outcome = "Done" });
        await ExchangeAsync(_host.KeyedClient(), HttpMethod.Post, $"/api/staff/visits/{visit}/outcome", new { outcome = "Done" });
        await ExchangeAsync(dispatcher, HttpMethod.Get, "/api/dispatch/visit-outcomes?date=2026-11-23");
        await ExchangeAsync(dispatcher, HttpMethod.Get, "/api/dispatch/visit-outcomes");
        await ExchangeAsync(fixture.Staff, HttpMethod.Get, "/api/dispatch/visit-outcomes?date=2026-11-23");
        using (var other = await _host.SignedInClientAsync("s09", "staff"))
            await ExchangeAsync(other, HttpMethod.Post, $"/api/staff/visits/{visit}/outcome", new { outcome = "Done" });
        AssertConforms();
    }

    /// <summary>An approved request visited by <paramref name="staffId"/> in the published plan of <paramref name="date"/>, stored as planning leaves it; its id.</summary>
    private async Task<string> PublishedVisitAsync(NodaTime.LocalDate date, string staffId)
    {
        var ct = TestContext.Current.CancellationToken;
        var services = _host.Services;
        var id = $"hv-oa-{Guid.NewGuid():N}"[..20];
        Assert.True(await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Scheduler.Core.HomeVisits.Requests.IHomeVisitStore>(services)
            .AddAsync(new Scheduler.Core.HomeVisits.Requests.HomeVisitRequest(id, "huli", "林秀兰", "+86" + NewMobile(), null, 82,
                Scheduler.Core.Residents.EligibilityReason.Aged60Plus, new Scheduler.Core.Catalogue.GeoPoint(24.52, 118.12), "湖里区县后社区12号", "pension-certification",
                [new Scheduler.Core.HomeVisits.Requests.VisitWindow(date, new NodaTime.LocalTime(9, 0), new NodaTime.LocalTime(12, 0))], Scheduler.Core.HomeVisits.VisitUrgency.Routine,
                null, "web", new Scheduler.Core.HomeVisits.Requests.EligibilityAssessment(true, "Aged 82."), Scheduler.Core.HomeVisits.Requests.HomeVisitStatus.Approved,
                new Scheduler.Core.HomeVisits.Requests.Decision(Scheduler.Core.HomeVisits.Requests.HomeVisitStatus.Approved, "staff:dispatch", SchedulerHost.DemoNow, null),
                SchedulerHost.DemoNow, "anonymous", id), ct));
        var stop = new Scheduler.Core.HomeVisits.RouteStop(id, new NodaTime.LocalTime(9, 25), new NodaTime.LocalTime(9, 30), new NodaTime.LocalTime(10, 0));
        var plan = new Scheduler.Core.HomeVisits.HomeVisitPlan("huli", date,
            [new Scheduler.Core.HomeVisits.StaffRoute(staffId, new NodaTime.LocalTime(9, 0), new NodaTime.LocalTime(10, 30), [stop], null)], [],
            new Scheduler.Core.HomeVisits.PlanKpis(1, 0, NodaTime.Duration.FromMinutes(20), 5_000, NodaTime.Duration.Zero, []));
        var runs = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Scheduler.Core.HomeVisits.Planning.IPlanRunStore>(services);
        var run = new Scheduler.Core.HomeVisits.Planning.PlanRun($"{date:yyyyMMdd}-{Guid.NewGuid():N}"[..20], "huli", date,
            Scheduler.Core.HomeVisits.Planning.PlanRunStatus.Solved, SchedulerHost.DemoNow, "staff:dispatch", null, null, plan, [], null, null);
        Assert.True(await runs.AddAsync(run, ct));
        Assert.True(await runs.PublishAsync((await runs.GetAsync("huli", run.Id, ct))!, await runs.PublishedAsync("huli", date, ct), SchedulerHost.DemoNow, ct));
        return id;
    }
}
