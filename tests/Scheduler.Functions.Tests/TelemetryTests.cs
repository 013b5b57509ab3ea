using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using Xunit;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

public sealed class TelemetryTests
{
    [Theory]
    [InlineData("sms to +8613812345678 failed", "+8613812345678")]
    [InlineData("sms to 13812345678 failed", "13812345678")]
    [InlineData("to 8613812345678", "8613812345678")]
    [InlineData("to +86 13812345678", "+86 13812345678")]
    [InlineData("resident 11010519491231002X", "11010519491231002X")]
    [InlineData("resident 110105194912310021 booked", "110105194912310021")]
    public void Phone_numbers_and_resident_ids_are_masked(string text, string secret)
    {
        var scrubbed = TelemetryPrivacy.Scrub(text);

        Assert.DoesNotContain(secret, scrubbed);
        Assert.Contains("*", scrubbed);
    }

    [Theory]
    [InlineData("appointment/demo-1 booked at 2026-11-27T01:00:00Z")]
    [InlineData("trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7")]
    [InlineData("centre huli, 12 staff, 30 residents, 20 items")]
    [InlineData("id 3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    public void Ordinary_text_is_kept(string text) => Assert.Equal(text, TelemetryPrivacy.Scrub(text));

    [Fact]
    public void Spans_lose_query_strings_and_personal_numbers_before_export()
    {
        using var source = new ActivitySource("Scheduler.Tests.Privacy");
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddProcessor(new PrivacyActivityProcessor())
            .AddProcessor(new CaptureProcessor(exported))
            .Build();

        using (var activity = source.StartActivity("send sms to 13812345678"))
        {
            activity!.SetTag("url.full", "https://app.example/api/appointments/a1?token=abc.def");
            activity.SetTag("url.query", "token=abc.def");
            activity.SetTag("sms.to", "+8613812345678");
            activity.SetTag("centre", "huli");
        }

        var span = Assert.Single(exported);
        Assert.Equal("https://app.example/api/appointments/a1?[redacted]", span.GetTagItem("url.full"));
        Assert.Equal("[redacted]", span.GetTagItem("url.query"));
        Assert.DoesNotContain("13812345678", (string)span.GetTagItem("sms.to")!);
        Assert.Equal("huli", span.GetTagItem("centre"));
        Assert.DoesNotContain("13812345678", span.DisplayName);
    }

    [Theory]
    [InlineData("url.full", "https://app.example/api/calendar/eyJhbGciOi.c2lnbmF0dXJl", "https://app.example/api/calendar/[redacted]")]
    [InlineData("url.full", "https://app.example/api/calendar/eyJhbGciOi.c2lnbmF0dXJl?centre=huli", "https://app.example/api/calendar/[redacted]?[redacted]")]
    [InlineData("url.path", "/api/calendar/eyJhbGciOi.c2lnbmF0dXJl", "/api/calendar/[redacted]")]
    [InlineData("http.target", "/api/l/m/social.0123456789abcdef0123/Xk3_9aQ", "/api/l/m/social.0123456789abcdef0123/[redacted]")]
    [InlineData("url.path", "/API/L/r/hv-0123/Xk3_9aQ", "/API/L/r/hv-0123/[redacted]")]
    [InlineData("url.full", "http://localhost:7071/api/l/m/social.0123/Xk3_9aQ?utm=sms", "http://localhost:7071/api/l/m/social.0123/[redacted]?[redacted]")]
    [InlineData("url.path", "/api/appointments/social.0123", "/api/appointments/social.0123")]
    [InlineData("url.path", "/api/l/m/social.0123", "/api/l/m/social.0123")]
    [InlineData("url.path", "/api/calendar", "/api/calendar")]
    public void Credentials_in_paths_are_redacted_by_route_template(string tag, string value, string expected)
    {
        var span = Export(tag, value, "GET");
        Assert.Equal(expected, span.GetTagItem(tag));
    }

    [Theory]
    [InlineData("GET /api/calendar/eyJhbGciOi.c2lnbmF0dXJl", "GET /api/calendar/[redacted]")]
    [InlineData("GET /api/l/m/social.0123456789abcdef0123/Xk3_9aQ", "GET /api/l/m/social.0123456789abcdef0123/[redacted]")]
    [InlineData("GET calendar/eyJhbGciOi.c2lnbmF0dXJl", "GET calendar/[redacted]")]
    [InlineData("GET api/calendar/{token}", "GET api/calendar/{token}")]
    [InlineData("GET api/l/{kind}/{id}/{mac}", "GET api/l/{kind}/{id}/{mac}")]
    [InlineData("GET /api/pages/manage?token=abc.def", "GET /api/pages/manage?[redacted]")]
    [InlineData("ShortLink", "ShortLink")]
    public void Span_names_lose_credentials_in_paths(string name, string expected) => Assert.Equal(expected, Export("centre", "huli", name).DisplayName);

    /// <summary>Every route parameter whose name says it is a credential is redacted from telemetry by <see cref="TelemetryPrivacy.SecretRoutes"/>.</summary>
    [Fact]
    public void Every_credential_route_parameter_is_listed_for_redaction()
    {
        var credentials = new[] { "token", "mac", "code", "proof", "key", "secret" };
        var routes = typeof(ServiceRegistration).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters().Select(p => p.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false)
                .Cast<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>().FirstOrDefault()?.Route))
            .OfType<string>()
            .Where(r => credentials.Any(c => r.Contains("{" + c + "}", StringComparison.OrdinalIgnoreCase)))
            .Select(r => "api/" + credentials.Aggregate(r, (t, c) => t.Replace("{" + c + "}", "{!" + c + "}", StringComparison.OrdinalIgnoreCase)))
            .Order().ToList();

        Assert.Equal(["api/calendar/{!token}", "api/l/{kind}/{id}/{!mac}"], routes);
        Assert.Equal(routes, TelemetryPrivacy.SecretRoutes.Order());
    }

    private static Activity Export(string tag, string value, string name)
    {
        using var source = new ActivitySource("Scheduler.Tests.PathSecrets." + Guid.NewGuid().ToString("N"));
        var exported = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddProcessor(new PrivacyActivityProcessor()).AddProcessor(new CaptureProcessor(exported)).Build())
        {
            using var activity = source.StartActivity(name)!;
            activity.SetTag(tag, value);
        }
        return Assert.Single(exported);
    }

    [Fact]
    public void Log_records_lose_personal_numbers_before_export()
    {
        var exported = new List<(string? Message, List<KeyValuePair<string, object?>> Attributes)>();
        using (var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
               {
                   o.IncludeFormattedMessage = true;
                   o.AddProcessor(new PrivacyLogProcessor());
                   o.AddProcessor(new LogCapture(exported));
               })))
        {
            factory.CreateLogger("test").LogWarning("SMS to {Phone} for {Resident} failed with {Code}", "+8613812345678", "11010519491231002X", 21610);
        }

        var (message, attributes) = Assert.Single(exported);
        Assert.DoesNotContain("13812345678", message);
        Assert.DoesNotContain("11010519491231002X", message);
        Assert.Contains("21610", message);
        Assert.DoesNotContain(attributes, a => a.Value is string s && (s.Contains("13812345678") || s.Contains("11010519491231002X")));
    }

    [Fact]
    public void Metrics_have_named_instruments_and_scrub_tag_values()
    {
        using var services = new ServiceCollection().AddMetrics().AddSingleton<SchedulerMetrics>().BuildServiceProvider();
        var metrics = services.GetRequiredService<SchedulerMetrics>();
        var measured = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        // This test's meters only (their scope is its meter factory): hosts of other classes in the process record too.
        var factory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SchedulerMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measured.Add((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measured.Add((i.Name, v, Tags(tags))));
        listener.Start();

        metrics.AppointmentBooked("huli", "social-affairs");
        metrics.AppointmentRejected("huli", "social-affairs", "slot-full");
        metrics.SmsSent("huli", "confirmation", segments: 2);
        metrics.SmsFailed("huli", "reminder", "+8613812345678");
        metrics.PlanSolved("huli", "routes", "feasible", TimeSpan.FromSeconds(1.5), visitsServed: 9, visitsDropped: 1);

        Assert.Equal(
            ["scheduler.appointments.booked", "scheduler.appointments.rejected", "scheduler.sms.sent", "scheduler.sms.segments", "scheduler.sms.failed",
             "scheduler.plan.solve.duration", "scheduler.plan.visits.served", "scheduler.plan.visits.dropped"],
            measured.Select(m => m.Instrument).ToList());
        Assert.Equal(2, measured.Single(m => m.Instrument == "scheduler.sms.segments").Value);
        Assert.Equal(1.5, measured.Single(m => m.Instrument == "scheduler.plan.solve.duration").Value);
        Assert.Equal(9, measured.Single(m => m.Instrument == "scheduler.plan.visits.served").Value);
        Assert.Equal("slot-full", measured.Single(m => m.Instrument == "scheduler.appointments.rejected").Tags["reason"]);
        Assert.DoesNotContain("13812345678", (string)measured.Single(m => m.Instrument == "scheduler.sms.failed").Tags["error"]!);
    }

    [Fact]
    public void The_application_insights_credential_follows_the_authentication_string()
    {
        Assert.Null(Telemetry.CredentialFor(null));
        Assert.Null(Telemetry.CredentialFor(""));
        Assert.IsType<ManagedIdentityCredential>(Telemetry.CredentialFor("Authorization=AAD;ClientId=00000000-0000-0000-0000-000000000001"));
        Assert.IsType<ManagedIdentityCredential>(Telemetry.CredentialFor("Authorization=AAD"));
    }

    [Fact]
    public void Telemetry_is_wired_only_when_application_insights_is_configured()
    {
        var off = new ServiceCollection().AddSchedulerTelemetry(Configuration(""));
        Assert.DoesNotContain(off, d => d.ServiceType == typeof(TracerProvider));

        var on = new ServiceCollection().AddLogging().AddSchedulerTelemetry(
            Configuration("InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/"));
        Assert.Contains(on, d => d.ServiceType == typeof(TracerProvider));
    }

    private static IConfiguration Configuration(string connectionString) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [Telemetry.ConnectionStringSetting] = connectionString })
        .Build();

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags) result[tag.Key] = tag.Value;
        return result;
    }

    private sealed class CaptureProcessor(List<Activity> exported) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => exported.Add(data);
    }

    private sealed class LogCapture(List<(string?, List<KeyValuePair<string, object?>>)> exported) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data) => exported.Add((data.FormattedMessage, data.Attributes?.ToList() ?? []));
    }
}
