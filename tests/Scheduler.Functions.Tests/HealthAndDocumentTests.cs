using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.DevHost;
using Scheduler.Testing;
using Xunit;
using Scheduler.Functions.Identity;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

public sealed class HealthAndDocumentTests(DemoHostFixture demo) : IClassFixture<DemoHostFixture>
{
    private readonly TestDevHost _host = demo.Host;

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
        await using var host = await SchedulerHost.StartAsync(demo.ConnectionString, adjust: s =>
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
        await using var host = await SchedulerHost.StartAsync(demo.ConnectionString, adjust: s =>
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
        await using var host = await SchedulerHost.StartAsync(demo.ConnectionString, adjust: s => s["Sms__Provider"] = "carrier-pigeon");

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

    /// <summary>What App Service leaves in a setting whose Key Vault reference it could not resolve.</summary>
    private const string UnresolvedSigningKey = "@Microsoft.KeyVault(VaultName=kv-x;SecretName=scheduler-token-signing-key)";

    [Fact]
    public async Task The_app_starts_with_the_signing_key_left_as_a_key_vault_reference_and_health_names_it()
    {
        // The deployment's limit on anonymous reads is on: a read that needs no key is served uncounted meanwhile.
        await using var host = await SchedulerHost.StartAsync(demo.ConnectionString, adjust: s =>
        {
            s["Scheduler__TokenSigningKey"] = UnresolvedSigningKey;
            s.Remove("RateLimits__ReadsPerAddress");
        });

        using var response = await host.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var body = JsonDocument.Parse(text).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Key Vault reference not resolved: Scheduler:TokenSigningKey", body.GetProperty("checks").GetProperty("settings").GetString());
        Assert.Equal(["settings"], body.GetProperty("failed").EnumerateArray().Select(e => e.GetString()).ToList());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("tables").GetString());
        Assert.DoesNotContain("SecretName", text);

        // What needs the key fails on its own (never signs with a made-up key); what does not, keeps serving.
        using var centre = await host.Client.GetAsync("/api/centre", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, centre.StatusCode);
        var error = Assert.Throws<Scheduler.Functions.Platform.SettingUnavailableException>(() => host.Services.GetRequiredService<CallerResolver>());
        Assert.Equal("Scheduler:TokenSigningKey", error.Setting);
    }

    [Fact]
    public async Task A_signing_key_that_is_there_but_too_short_still_stops_the_app()
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() =>
            SchedulerHost.StartAsync(demo.ConnectionString, adjust: s => s["Scheduler__TokenSigningKey"] = "Microsoft.KeyVault(not-a-reference)"));
    }

    [Theory]
    [InlineData("Notifications__ReminderTime", "6pm", "Notifications:ReminderTime")]
    [InlineData("Notifications__StaffDayTime", "24:00", "Notifications:StaffDayTime")]
    [InlineData("Notifications__VisitRatingTime", "", "Notifications:VisitRatingTime")]
    [InlineData("Notifications__QuietFrom", "08:00", "Notifications:QuietFrom")] // equal to QuietUntil
    [InlineData("Notifications__FollowUpWorkingDays", "0", "FollowUpWorkingDays")]
    [InlineData("Notifications__ConversationMinutes", "100000", "ConversationMinutes")]
    public async Task A_malformed_notification_setting_stops_the_app_naming_it(string setting, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SchedulerHost.StartAsync(demo.ConnectionString, adjust: s => s[setting] = value));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void The_notification_settings_default_to_the_issue_s_times()
    {
        var settings = new Scheduler.Functions.Notifications.NotificationOptions().ToSettings();
        Assert.Equal((new NodaTime.LocalTime(18, 0), new NodaTime.LocalTime(7, 30), new NodaTime.LocalTime(19, 0), new NodaTime.LocalTime(21, 0), new NodaTime.LocalTime(8, 0),
                NodaTime.Duration.FromMinutes(30)),
            (settings.RemindersAt, settings.StaffDayAt, settings.VisitRatingsAt, settings.QuietFrom, settings.QuietUntil, settings.ChoicesFor));
        Assert.Equal(3, new Scheduler.Functions.Notifications.NotificationOptions().FollowUpWorkingDays);
    }

    [Fact]
    public async Task The_app_starts_when_its_identity_gets_no_token_and_health_says_so()
    {
        var nowhere = new Uri("https://127.0.0.1:1/devstoreaccount1");
        await using var host = await SchedulerHost.StartAsync(demo.ConnectionString,
            adjust: s => s["Scheduler__LoadDemoData"] = "false",
            replace: services => services.AddSingleton(new StorageClients(
                new Azure.Data.Tables.TableServiceClient(nowhere, new TokenlessCredential()),
                new Azure.Storage.Queues.QueueServiceClient(nowhere, new TokenlessCredential()))));

        using var response = await host.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(["tables", "queues"], body.GetProperty("failed").EnumerateArray().Select(e => e.GetString()).ToList());
        Assert.Equal("identity: the app's managed identity got no token (CredentialUnavailableException)",
            body.GetProperty("checks").GetProperty("tables").GetString());
    }

    [Fact]
    public async Task The_app_starts_when_storage_refuses_its_identity_and_health_says_forbidden()
    {
        await using var refusing = await RefusingStorage.StartAsync();
        await using var host = await SchedulerHost.StartAsync(refusing.ConnectionString);

        using var response = await host.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(["tables", "queues"], body.GetProperty("failed").EnumerateArray().Select(e => e.GetString()).ToList());
        Assert.StartsWith("forbidden: the app's identity may not use it (HTTP 403", body.GetProperty("checks").GetProperty("tables").GetString());
        Assert.StartsWith("forbidden: the app's identity may not use it (HTTP 403", body.GetProperty("checks").GetProperty("queues").GetString());
    }

    /// <summary>A managed identity with nothing to get a token from (outside Azure, or before it is ready).</summary>
    private sealed class TokenlessCredential : Azure.Core.TokenCredential
    {
        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new Azure.Identity.CredentialUnavailableException("No managed identity endpoint found.");

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new Azure.Identity.CredentialUnavailableException("No managed identity endpoint found.");
    }

    /// <summary>A storage endpoint that answers every request as Azure Storage does before a role assignment applies.</summary>
    private sealed class RefusingStorage : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RefusingStorage(WebApplication app, int port)
        {
            _app = app;
            ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;" +
                $"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        }

        public string ConnectionString { get; }

        public static async Task<RefusingStorage> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.Run(async context =>
            {
                context.Response.StatusCode = 403;
                context.Response.Headers["x-ms-error-code"] = "AuthorizationPermissionMismatch";
                context.Response.ContentType = "application/xml";
                await context.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code>" +
                    "<Message>This request is not authorized to perform this operation using this permission.</Message></Error>");
            });
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return new RefusingStorage(app, address.Port);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
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
