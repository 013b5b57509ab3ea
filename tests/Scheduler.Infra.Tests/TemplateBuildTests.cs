using Xunit;

namespace Scheduler.Infra.Tests;

/// <summary>Every Bicep file builds and the linter (rules in infra/bicepconfig.json) reports nothing.</summary>
public sealed class TemplateBuildTests
{
    public static TheoryData<string> Templates() => new(Repo.Templates().Select(p => Path.GetRelativePath(Repo.Root, p)));

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Every_template_builds_without_diagnostics(string template)
    {
        var run = await Bicep.RunAsync("build", template, "--stdout");

        Assert.True(run.ExitCode == 0, $"bicep build {template} failed:\n{run.Errors}");
        Assert.True(run.Diagnostics.Count == 0, $"bicep build {template}:\n{string.Join('\n', run.Diagnostics)}");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Every_template_passes_the_linter_without_warnings(string template)
    {
        var run = await Bicep.RunAsync("lint", template);

        Assert.True(run.ExitCode == 0, $"bicep lint {template} failed:\n{run.Errors}");
        Assert.True(run.Diagnostics.Count == 0, $"bicep lint {template}:\n{string.Join('\n', run.Diagnostics)}");
    }

    [Fact]
    public async Task The_linter_check_would_catch_a_warning()
    {
        var dir = Directory.CreateTempSubdirectory("bicep-lint-").FullName;
        try
        {
            File.Copy(Path.Combine(Repo.Infra, "bicepconfig.json"), Path.Combine(dir, "bicepconfig.json"));
            var file = Path.Combine(dir, "unused.bicep");
            await File.WriteAllTextAsync(file, "param unused string\noutput answer int = 42\n", TestContext.Current.CancellationToken);

            var run = await Bicep.RunAsync("lint", file);

            Assert.Contains(run.Diagnostics, d => d.Contains("no-unused-params", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void No_template_uses_a_module_registry()
    {
        // The public registry cannot be reached from CI: modules are local files.
        foreach (var template in Repo.Templates())
        {
            var text = File.ReadAllText(template);
            Assert.False(text.Contains("'br/", StringComparison.Ordinal) || text.Contains("'br:", StringComparison.Ordinal) || text.Contains("'ts:", StringComparison.Ordinal),
                $"{Path.GetRelativePath(Repo.Root, template)} references a registry module");
        }
    }

    [Fact]
    public void Azure_yaml_deploys_the_function_app_as_service_api()
    {
        var lines = File.ReadAllLines(Path.Combine(Repo.Root, "azure.yaml")).Select(l => l.Trim()).ToList();

        var service = lines.IndexOf("api:");
        Assert.True(service > lines.IndexOf("services:"), "azure.yaml has no service 'api'");
        var body = lines.Skip(service + 1).TakeWhile(l => l.Contains(':') && !l.EndsWith(':')).ToList();
        Assert.Contains("project: ./functions/Scheduler.Functions", body);
        Assert.Contains("host: function", body);
        Assert.Contains("language: dotnet", body);
        Assert.True(File.Exists(Path.Combine(Repo.Root, "functions", "Scheduler.Functions", "Scheduler.Functions.csproj")));
    }

    [Fact]
    public async Task The_function_app_carries_the_azd_service_tag_and_runs_dotnet_isolated_10_on_flex_consumption()
    {
        var template = await CompiledTemplate.MainAsync();
        var api = template.OfType("Microsoft.Resources/deployments").Single(d => d.Json["name"]?.GetValue<string>() == "api");
        var site = template.OfType("Microsoft.Web/sites").Single();
        var plan = template.OfType("Microsoft.Web/serverfarms").Single();

        Assert.Equal("api", api.Json["properties"]?["parameters"]?["serviceName"]?["value"]?.GetValue<string>());
        Assert.Contains("azd-service-name", site.Json["tags"]?.ToJsonString());
        Assert.Equal("FlexConsumption", plan.Json["sku"]?["tier"]?.GetValue<string>());
        var config = site.Properties?["functionAppConfig"];
        Assert.Equal("dotnet-isolated", config?["runtime"]?["name"]?.GetValue<string>());
        Assert.Equal("10.0", config?["runtime"]?["version"]?.GetValue<string>());
        Assert.Equal("[parameters('instanceMemoryMB')]", config?["scaleAndConcurrency"]?["instanceMemoryMB"]?.GetValue<string>());
        Assert.Equal("[parameters('maximumInstanceCount')]", config?["scaleAndConcurrency"]?["maximumInstanceCount"]?.GetValue<string>());
    }
}
