using System.Text.RegularExpressions;
using Xunit;

namespace Scheduler.Infra.Tests;

/// <summary>What the compiled ARM template must never allow, whatever the parameters.</summary>
public sealed partial class SecurityTests
{
    [Fact]
    public async Task Storage_accounts_refuse_shared_keys_plain_http_old_tls_and_public_blobs()
    {
        var accounts = (await CompiledTemplate.MainAsync()).OfType("Microsoft.Storage/storageAccounts").Where(r => r.Properties is not null).ToList();

        Assert.True(accounts.Count >= 2, "expected the host and the data storage accounts");
        foreach (var account in accounts)
        {
            var p = account.Properties!;
            Assert.False(p["allowSharedKeyAccess"]?.GetValue<bool>() ?? true, $"{account.Module}: shared-key access is not disabled");
            Assert.True(p["supportsHttpsTrafficOnly"]?.GetValue<bool>() ?? false, $"{account.Module}: HTTPS only is not set");
            Assert.Equal("TLS1_2", p["minimumTlsVersion"]?.GetValue<string>());
            Assert.False(p["allowBlobPublicAccess"]?.GetValue<bool>() ?? true, $"{account.Module}: public blob access is not disabled");
        }
    }

    [Fact]
    public async Task The_maps_account_refuses_shared_keys_and_only_the_app_may_read_it()
    {
        var template = await CompiledTemplate.MainAsync();
        var maps = template.OfType("Microsoft.Maps/accounts").Single();

        Assert.True(maps.Properties?["disableLocalAuth"]?.GetValue<bool>(), "the Azure Maps account must refuse shared keys");
        var readers = template.OfType("Microsoft.Authorization/roleAssignments").Where(r => r.Module == maps.Module).ToList();
        var reader = Assert.Single(readers);
        Assert.Contains("azureMapsDataReader", reader.Properties?["roleDefinitionId"]?.ToJsonString());
        Assert.Contains("\"azureMapsDataReader\": \"423170ca-a8f6-4b0f-8487-9e4eb8f49bfa\"", template.Root.ToJsonString(new() { WriteIndented = true }));
    }

    [Fact]
    public async Task The_function_app_is_https_only_with_tls_1_2_and_no_password_publishing()
    {
        var template = await CompiledTemplate.MainAsync();
        var site = template.OfType("Microsoft.Web/sites").Single();

        Assert.True(site.Properties?["httpsOnly"]?.GetValue<bool>());
        Assert.Equal("1.2", site.Properties?["siteConfig"]?["minTlsVersion"]?.GetValue<string>());
        Assert.Equal("1.2", site.Properties?["siteConfig"]?["scmMinTlsVersion"]?.GetValue<string>());
        // Flex Consumption refuses siteConfig.ftpsState (error 51021); FTP is off through the publishing policy below.
        Assert.False(site.Properties?["siteConfig"]?.AsObject().ContainsKey("ftpsState"), "the Flex Consumption site must not set ftpsState");
        Assert.DoesNotContain("ftpsState", site.Json.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("UserAssigned", site.Json["identity"]?["type"]?.GetValue<string>());
        var publishing = template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(2, publishing.Count);
        Assert.Contains(publishing, p => p.Name.Contains("'ftp'", StringComparison.Ordinal));
        Assert.All(publishing, p => Assert.False(p.Properties?["allow"]?.GetValue<bool>()));
    }

    [Fact]
    public async Task Key_vault_uses_rbac_with_purge_protection_and_telemetry_needs_entra_id()
    {
        var template = await CompiledTemplate.MainAsync();
        var vault = template.OfType("Microsoft.KeyVault/vaults").Single(r => r.Properties is not null);
        var insights = template.OfType("Microsoft.Insights/components").Single(r => r.Properties is not null);

        Assert.True(vault.Properties?["enableRbacAuthorization"]?.GetValue<bool>());
        Assert.True(vault.Properties?["enablePurgeProtection"]?.GetValue<bool>());
        Assert.True(insights.Properties?["DisableLocalAuth"]?.GetValue<bool>());
    }

    [Fact]
    public async Task No_output_carries_a_secret()
    {
        var template = await CompiledTemplate.MainAsync();

        Assert.NotEmpty(template.Outputs);
        foreach (var output in template.Outputs)
        {
            var where = $"output {output.Name} of {output.Module}";
            Assert.False(output.Type.StartsWith("secure", StringComparison.OrdinalIgnoreCase), $"{where} is secure-typed");
            Assert.False(SecretName().IsMatch(output.Name), $"{where} is named like a secret");
            Assert.False(ListFunction().IsMatch(output.Value), $"{where} calls a list*() function: {output.Value}");
            Assert.False(SecretProperty().IsMatch(output.Value), $"{where} reads a key or connection string: {output.Value}");
            foreach (var (module, parameter) in template.SecureParameters.Where(p => p.Module == output.Module))
                Assert.False(output.Value.Contains($"parameters('{parameter}')", StringComparison.Ordinal), $"{where} returns secure parameter {parameter} of {module}");
        }
    }

    [Fact]
    public async Task Secure_parameters_reach_only_key_vault_secrets()
    {
        var template = await CompiledTemplate.MainAsync();

        Assert.Contains(template.SecureParameters, p => p is { Module: "main", Name: "tokenSigningKey" });
        foreach (var (module, parameter) in template.SecureParameters)
        {
            var users = template.Resources.Where(r => r.Module == module && r.Type != "Microsoft.Resources/deployments"
                && r.Json.ToJsonString().Contains($"parameters('{parameter}')", StringComparison.Ordinal)).ToList();
            Assert.All(users, r => Assert.Equal("Microsoft.KeyVault/vaults/secrets", r.Type));
        }
    }

    [Fact]
    public async Task Role_assignments_are_named_by_guid_of_scope_principal_and_role()
    {
        var assignments = (await CompiledTemplate.MainAsync()).OfType("Microsoft.Authorization/roleAssignments").ToList();

        Assert.True(assignments.Count >= 5, $"only {assignments.Count} role assignments");
        Assert.All(assignments, a => Assert.StartsWith("[guid(", a.Name));
    }

    [GeneratedRegex("secret|password|token|connectionstring|accountkey|apikey|instrumentationkey", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListFunction();

    [GeneratedRegex(@"ConnectionString|InstrumentationKey|primaryKey|secondaryKey|\.secretUri|secretUriWithVersion", RegexOptions.IgnoreCase)]
    private static partial Regex SecretProperty();
}
