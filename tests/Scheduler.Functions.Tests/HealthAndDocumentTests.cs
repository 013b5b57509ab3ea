using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Scheduler.DevHost;
using Scheduler.Functions.Http;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

public sealed class HealthAndDocumentTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestDevHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await SchedulerHost.StartAsync(azurite.ConnectionString);
    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Health_is_200_with_version_and_storage_checks_when_storage_answers()
    {
        using var response = await _host.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", body.GetProperty("version").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("tables").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("queues").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("sms").GetString());
    }

    /// <summary>A made-up SID of the right shape (built, so it never looks like a pasted credential).</summary>
    private static readonly string AccountSid = "AC" + string.Concat(Enumerable.Repeat("0123456789abcdef", 2));
    private const string MessagingServiceSid = "MG0123456789abcdef0123456789abcdef";

    public static TheoryData<string?, string?, string?, string?, string> BrokenTwilioSettings() => new()
    {
        { null, null, null, null, "missing: Twilio:AccountSid, Twilio:AuthToken, Twilio:FromNumber or Twilio:MessagingServiceSid" },
        { AccountSid, null, "+8613800000000", null, "missing: Twilio:AuthToken" },
        { AccountSid, "@Microsoft.KeyVault(VaultName=kv-x;SecretName=twilio-auth-token)", null, MessagingServiceSid,
            "Key Vault reference not resolved: Twilio:AuthToken" },
        { "not-a-sid", "token", "13800000000", null, "malformed: Twilio:AccountSid, Twilio:FromNumber" },
    };

    [Theory]
    [MemberData(nameof(BrokenTwilioSettings))]
    public async Task Health_is_503_naming_the_twilio_setting_that_is_missing_when_sms_go_through_twilio(
        string? accountSid, string? authToken, string? fromNumber, string? messagingServiceSid, string expected)
    {
        await using var host = await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s =>
        {
            s["Sms__Provider"] = "twilio";
            s["Twilio__AccountSid"] = accountSid;
            s["Twilio__AuthToken"] = authToken;
            s["Twilio__FromNumber"] = fromNumber;
            s["Twilio__MessagingServiceSid"] = messagingServiceSid;
        });

        using var response = await host.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var body = JsonDocument.Parse(text).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(expected, body.GetProperty("checks").GetProperty("sms").GetString());
        Assert.Equal(["sms"], body.GetProperty("failed").EnumerateArray().Select(e => e.GetString()).ToList());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("tables").GetString());
        Assert.DoesNotContain("SecretName", text);
        if (authToken is { Length: > 0 } && !authToken.StartsWith('@')) Assert.DoesNotContain(authToken, text);
    }

    [Fact]
    public async Task Health_is_200_when_every_twilio_setting_is_present()
    {
        await using var host = await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s =>
        {
            s["Sms__Provider"] = "twilio";
            s["Twilio__AccountSid"] = AccountSid;
            s["Twilio__AuthToken"] = "0123456789abcdef0123456789abcdef";
            s["Twilio__MessagingServiceSid"] = MessagingServiceSid;
        });

        using var response = await host.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("sms").GetString());
    }

    [Fact]
    public async Task Health_is_503_for_an_unknown_sms_provider()
    {
        await using var host = await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s => s["Sms__Provider"] = "carrier-pigeon");

        using var response = await host.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.StartsWith("unknown provider 'carrier-pigeon'", body.GetProperty("checks").GetProperty("sms").GetString());
    }

    [Fact]
    public async Task Health_is_503_naming_the_storage_that_failed_when_storage_is_down()
    {
        var dead = AzuritePorts.Free();
        await using var host = await SchedulerHost.StartAsync(dead.ConnectionString, adjust: s => s["Scheduler__LoadDemoData"] = "false");

        using var response = await host.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var failed = body.GetProperty("failed").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["tables", "queues"], failed);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_http_function_with_its_methods()
    {
        using var response = await _host.Client.GetAsync("/api/openapi.json", TestContext.Current.CancellationToken);
        var doc = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var functions = OpenApiDocumentBuilder.HttpFunctions(await new GeneratedFunctionMetadataProvider().GetFunctionMetadataAsync(""),
            typeof(GeneratedFunctionMetadataProvider).Assembly);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString());
        var paths = doc.GetProperty("paths");
        var documented = functions.Where(f => !f.Route.Contains('*')).ToList();
        Assert.True(documented.Count >= 6, $"only {documented.Count} HTTP functions found");
        foreach (var f in documented)
        {
            Assert.True(paths.TryGetProperty("/" + f.Route, out var item), $"function {f.Name} (/{f.Route}) is missing from the document");
            foreach (var method in f.Methods)
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} /{f.Route} is missing from the document");
        }
    }

    [Fact]
    public async Task The_openapi_document_describes_request_and_response_bodies()
    {
        var doc = await _host.Client.GetFromJsonAsync<JsonElement>("/api/openapi.json", TestContext.Current.CancellationToken);
        var post = doc.GetProperty("paths").GetProperty("/resident-links").GetProperty("post");

        var request = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.True(request.GetProperty("properties").TryGetProperty("purpose", out _));
        var created = post.GetProperty("responses").GetProperty("201").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.True(created.GetProperty("properties").TryGetProperty("token", out _));
        Assert.True(post.GetProperty("responses").GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.True(post.TryGetProperty("security", out _));
    }

    [Fact]
    public async Task Every_http_function_declares_its_operation_and_answers()
    {
        var functions = OpenApiDocumentBuilder.HttpFunctions(await new GeneratedFunctionMetadataProvider().GetFunctionMetadataAsync(""),
            typeof(GeneratedFunctionMetadataProvider).Assembly);
        foreach (var f in functions.Where(f => !f.Route.Contains('*')))
        {
            Assert.True(f.Method.GetCustomAttribute<ApiOperationAttribute>() is not null, $"{f.Name} has no [ApiOperation]");
            Assert.True(f.Method.GetCustomAttributes<ApiResponseAttribute>().Any(), $"{f.Name} has no [ApiResponse]");
        }
    }

    [Theory]
    [InlineData("GET", "/api/no-such-thing")]
    [InlineData("POST", "/api/appointments/x/y/z")]
    [InlineData("DELETE", "/api/centre")]
    public async Task Unknown_routes_are_404_problems(string method, string path)
    {
        using var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
    }
}
