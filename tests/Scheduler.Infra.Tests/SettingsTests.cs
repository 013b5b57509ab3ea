using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Platform;

namespace Scheduler.Infra.Tests;

/// <summary>The template sets every setting the app reads, secrets only as Key Vault references, and creates its tables and queues.</summary>
public sealed class SettingsTests
{
    /// <summary>Settings the options classes bind: every public settable property of a type with a <c>Section</c> constant.</summary>
    public static IReadOnlyList<string> OptionsSettings() =>
        typeof(SchedulerOptions).Assembly.GetTypes()
            .Where(t => t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal))
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(x => x.Section is not null)
            .SelectMany(x => x.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite && p.SetMethod!.IsPublic)
                .Select(p => $"{x.Section}__{p.Name}"))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<string> LocalSettings()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "local.settings.sample.json")));
        return doc.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();
    }

    private static async Task<JsonObject> AppSettingsAsync()
    {
        var template = await CompiledTemplate.MainAsync();
        var settings = template.OfType("Microsoft.Web/sites/config").Single(r => r.Name.Contains("'appsettings'", StringComparison.Ordinal));
        return settings.Properties!.AsObject();
    }

    [Fact]
    public void The_options_classes_are_found()
    {
        var settings = OptionsSettings();

        Assert.Contains("Scheduler__TokenSigningKey", settings);
        Assert.Contains("Sms__Provider", settings);
        Assert.Contains("Twilio__AuthToken", settings);
    }

    [Fact]
    public async Task Every_setting_the_app_reads_is_set_by_the_template()
    {
        var appSettings = await AppSettingsAsync();
        var site = (await CompiledTemplate.MainAsync()).OfType("Microsoft.Web/sites").Single();

        bool IsSet(string name) =>
            appSettings.ContainsKey(name)
            // An identity-based connection is a group of settings: SchedulerStorage__tableServiceUri, __credential, ...
            || appSettings.Any(s => s.Key.StartsWith(name + "__", StringComparison.Ordinal) && !name.Contains("__", StringComparison.Ordinal))
            // Flex Consumption takes the worker runtime from functionAppConfig, not from an app setting.
            || (name == "FUNCTIONS_WORKER_RUNTIME"
                && site.Properties?["functionAppConfig"]?["runtime"]?["name"]?.GetValue<string>() == "dotnet-isolated");

        var missing = LocalSettings().Concat(OptionsSettings()).Distinct().Where(n => !IsSet(n)).ToList();
        Assert.True(missing.Count == 0, "Not set by infra/app/api.bicep: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Connections_use_the_managed_identity()
    {
        var appSettings = await AppSettingsAsync();

        foreach (var connection in new[] { "AzureWebJobsStorage", StorageClients.ConnectionName })
        {
            Assert.Equal("managedidentity", appSettings[$"{connection}__credential"]?.GetValue<string>());
            Assert.Contains("clientId", appSettings[$"{connection}__clientId"]?.GetValue<string>());
            Assert.False(appSettings.ContainsKey(connection), $"{connection} must not be a connection string");
        }
        Assert.Contains("tableServiceUri", string.Join(",", appSettings.Select(s => s.Key)));
        Assert.Contains("Authorization=AAD", appSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("Scheduler__TokenSigningKey")]
    [InlineData("Twilio__AccountSid")]
    [InlineData("Twilio__AuthToken")]
    public async Task Secrets_are_key_vault_references(string setting)
    {
        var value = (await AppSettingsAsync())[setting]?.GetValue<string>() ?? "";

        Assert.Contains("@Microsoft.KeyVault(VaultName=", value);
    }

    [Fact]
    public async Task Every_secret_looking_option_is_a_key_vault_reference()
    {
        var appSettings = await AppSettingsAsync();

        foreach (var setting in OptionsSettings().Where(s => s.EndsWith("Key", StringComparison.Ordinal) || s.EndsWith("Token", StringComparison.Ordinal)
                     || s.EndsWith("Secret", StringComparison.Ordinal) || s.EndsWith("Password", StringComparison.Ordinal)))
            Assert.True((appSettings[setting]?.GetValue<string>() ?? "").Contains("@Microsoft.KeyVault(", StringComparison.Ordinal),
                $"{setting} must be a Key Vault reference");
    }

    [Fact]
    public async Task The_template_creates_every_table_and_queue_the_app_uses()
    {
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repo.Infra, "storage-names.json"), TestContext.Current.CancellationToken));
        var tables = doc.RootElement.GetProperty("tables").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        var queues = doc.RootElement.GetProperty("queues").EnumerateArray().Select(e => e.GetString()).ToHashSet();

        var missingTables = StorageNames.Tables.Where(t => !tables.Contains(t)).ToList();
        var missingQueues = StorageNames.Queues.Where(q => !queues.Contains(q)).ToList();
        Assert.True(missingTables.Count == 0, "Add to infra/storage-names.json tables: " + string.Join(", ", missingTables));
        Assert.True(missingQueues.Count == 0, "Add to infra/storage-names.json queues: " + string.Join(", ", missingQueues));

        // main.bicep loads that file and the data storage module creates each table, and each queue with its -poison twin.
        var template = await CompiledTemplate.MainAsync();
        // loadJsonContent() inlines the file as a variable of its own.
        var loaded = template.Root["variables"]!.AsObject().Select(v => v.Value).OfType<JsonObject>().Single(v => v.ContainsKey("tables") && v.ContainsKey("queues"));
        Assert.Equal(tables.Order(), loaded["tables"]!.AsArray().Select(n => n?.GetValue<string>()).Order());
        var data = template.OfType("Microsoft.Resources/deployments").Single(d => d.Json["name"]?.GetValue<string>() == "data-storage");
        Assert.Contains("-poison", data.Json["properties"]?["parameters"]?["queues"]?.ToJsonString());
    }
}
