using System.Text.Json;
using Microsoft.Extensions.Options;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>The secrets of local.settings.sample.json are public: a deployment does not start with any of them, a local run does.</summary>
public sealed class SampleSecretTests(AzuriteFixture azurite)
{
    private const string Deployed = "https://booking.huli.example";

    private static Dictionary<string, string> SampleValues() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Scheduler.DevHost.LocalSettings.FindRepositoryRoot(), "local.settings.sample.json")))
            .RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");

    [Fact]
    public void Every_secret_of_the_sample_settings_is_a_known_sample_secret()
    {
        var sample = SampleValues();

        Assert.Equal(SchedulerOptions.SampleSigningKey, sample["Scheduler__TokenSigningKey"]);
        Assert.Equal(DataKeyOptions.SampleKey, sample["DataKeys__Keys__v1"]);
        Assert.Equal(Scheduler.Functions.Notifications.TwilioOptions.LocalAuthToken, sample["Twilio__AuthToken"]);
        // Every non-empty setting that names a key, token or secret is one of them, so a new sample secret cannot be forgotten here.
        var secretLike = sample.Where(p => p.Value.Length > 0 && System.Text.RegularExpressions.Regex.IsMatch(p.Key, "(Key|Token|Secret|Password)(__|$)"))
            .Select(p => p.Value).ToHashSet();
        Assert.Subset(SampleSecrets.All.Select(s => s.Value).ToHashSet(), secretLike);
    }

    public static TheoryData<string> SecretSettings() => ["Scheduler__TokenSigningKey", "DataKeys__Keys__v1", "Twilio__AuthToken"];

    [Theory]
    [MemberData(nameof(SecretSettings))]
    public async Task A_deployment_with_a_sample_secret_does_not_start_and_the_failure_names_the_setting_not_the_value(string setting)
    {
        var sample = SampleValues()[setting];

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s =>
        {
            s["Scheduler__PublicBaseUrl"] = Deployed;
            s[setting] = sample;
        }));

        Assert.Contains(setting.Replace("__", ":", StringComparison.Ordinal) + " holds the sample value", error.Message);
        Assert.DoesNotContain(sample, error.Message);
    }

    [Fact]
    public async Task A_deployment_with_its_own_secrets_starts_and_a_local_run_takes_every_sample_secret()
    {
        await using (await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s =>
        {
            s["Scheduler__PublicBaseUrl"] = Deployed;
            s["Twilio__AuthToken"] = "a-deployment-s-own-token";
        }))
        {
        }

        var sample = SampleValues();
        await using var local = await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s =>
        {
            foreach (var name in SecretSettings()) s[name] = sample[name];
        });
        using var health = await local.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }
}
