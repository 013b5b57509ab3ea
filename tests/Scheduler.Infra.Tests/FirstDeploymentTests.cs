using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit;

namespace Scheduler.Infra.Tests;

/// <summary>What a first `azd up`, and one after `azd down`, needs from the templates and the azd hooks (docs/operations.md).</summary>
public sealed class FirstDeploymentTests
{
    private static async Task<JsonObject> ParameterAsync(string name) =>
        (await CompiledTemplate.MainAsync()).Root["parameters"]![name]!.AsObject();

    [Fact]
    public async Task Maximum_instance_count_is_at_least_40_which_flex_consumption_requires()
    {
        var p = await ParameterAsync("maximumInstanceCount");

        Assert.Equal(40, p["minValue"]?.GetValue<int>());
        Assert.Equal(1000, p["maxValue"]?.GetValue<int>());
        Assert.True(p["defaultValue"]?.GetValue<int>() >= 40);
    }

    [Fact]
    public async Task Instances_have_4096_mb_two_cores_for_the_planners_two_parallel_searches()
    {
        var p = await ParameterAsync("instanceMemoryMB");

        Assert.Equal(4096, p["defaultValue"]?.GetValue<int>());
        Assert.Equal([2048, 4096], p["allowedValues"]!.AsArray().Select(v => v!.GetValue<int>()));
        var parameters = await File.ReadAllTextAsync(Path.Combine(Repo.Infra, "main.parameters.json"), TestContext.Current.CancellationToken);
        Assert.Contains("${FUNCTIONS_INSTANCE_MEMORY_MB=4096}", parameters);
    }

    [Fact]
    public async Task The_key_vault_is_recovered_when_the_preprovision_hook_finds_it_soft_deleted()
    {
        var template = await CompiledTemplate.MainAsync();
        var p = await ParameterAsync("keyVaultCreateMode");
        var vault = template.OfType("Microsoft.KeyVault/vaults").Single(r => r.Properties is not null);
        var module = template.OfType("Microsoft.Resources/deployments").Single(d => d.Json["name"]?.GetValue<string>() == "key-vault");

        Assert.Equal("default", p["defaultValue"]?.GetValue<string>());
        Assert.Equal(["default", "recover"], p["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("[parameters('createMode')]", vault.Properties?["createMode"]?.GetValue<string>());
        Assert.Equal("[parameters('keyVaultCreateMode')]", module.Json["properties"]?["parameters"]?["createMode"]?["value"]?.GetValue<string>());
        var parameters = await File.ReadAllTextAsync(Path.Combine(Repo.Infra, "main.parameters.json"), TestContext.Current.CancellationToken);
        Assert.Contains("${AZURE_KEY_VAULT_CREATE_MODE=default}", parameters);
        foreach (var hook in new[] { "preprovision.sh", "preprovision.ps1" })
        {
            var text = await File.ReadAllTextAsync(Path.Combine(Repo.Infra, "hooks", hook), TestContext.Current.CancellationToken);
            Assert.Contains("az keyvault list-deleted", text);
            Assert.Contains("azd env set AZURE_KEY_VAULT_CREATE_MODE recover", text);
            Assert.Contains("azd env set AZURE_KEY_VAULT_CREATE_MODE default", text);
            Assert.Contains("AZURE_PRINCIPAL_TYPE ServicePrincipal", text);
        }
    }

    [Fact]
    public async Task The_hooks_know_the_app_by_the_outputs_azd_stores()
    {
        var outputs = (await CompiledTemplate.MainAsync()).Root["outputs"]!.AsObject();

        foreach (var name in new[] { "AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_APP_NAME", "AZURE_FUNCTION_APP_HOST_NAME" })
            Assert.True(outputs.ContainsKey(name), $"main.bicep does not output {name}, which infra/hooks reads");
    }

    public static TheoryData<string> Hooks() => new("preprovision", "postprovision", "postdeploy");

    [Theory]
    [MemberData(nameof(Hooks))]
    public async Task Azure_yaml_runs_each_hook_in_sh_and_pwsh(string hook)
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "azure.yaml"), TestContext.Current.CancellationToken);

        Assert.Contains("\nhooks:\n", yaml);
        Assert.Contains($"\n  {hook}:\n    posix:\n      shell: sh\n      run: ./infra/hooks/{hook}.sh\n    windows:\n      shell: pwsh\n      run: ./infra/hooks/{hook}.ps1\n", yaml);
        Assert.True(File.Exists(Path.Combine(Repo.Infra, "hooks", $"{hook}.ps1")));
        var script = Path.Combine(Repo.Infra, "hooks", $"{hook}.sh");
        if (!OperatingSystem.IsWindows())
            Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, $"{hook}.sh is not executable");
        // Syntax only (sh -n): the hooks talk to Azure, which tests cannot reach.
        using var check = Process.Start(new ProcessStartInfo("sh", ["-n", script]) { RedirectStandardError = true })!;
        var errors = await check.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await check.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(check.ExitCode == 0, $"{hook}.sh: {errors}");
    }

    [Fact]
    public async Task The_postdeploy_hook_polls_health_and_refreshes_key_vault_references_and_restarts()
    {
        foreach (var file in new[] { "postdeploy.sh", "postdeploy.ps1" })
        {
            var text = await File.ReadAllTextAsync(Path.Combine(Repo.Infra, "hooks", file), TestContext.Current.CancellationToken);
            Assert.Contains("/api/health", text);
            Assert.Contains("/config/configreferences/appsettings/refresh", text);
            Assert.Contains("az functionapp restart", text);
        }
    }
}
