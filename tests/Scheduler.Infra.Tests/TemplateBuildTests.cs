using Xunit;

namespace Scheduler.Infra.Tests;

/// <summary>
/// Every Bicep file builds and the linter (rules in infra/bicepconfig.json) reports nothing. Building goes through the
/// shared <see cref="BicepServer"/> (one process for every file); the linter is the CLI's own <c>bicep lint</c>, run
/// once over the whole folder with a glob, and each template's test reads the lines that name that template.
/// </summary>
public sealed class TemplateBuildTests
{
    public static TheoryData<string> Templates() => new(Repo.Templates().Select(p => Path.GetRelativePath(Repo.Root, p)));

    /// <summary><c>bicep lint --pattern **/*.bicep</c> in infra/, once for the test run.</summary>
    internal static readonly Lazy<Task<BicepRun>> LintAll = new(() => LintFolderAsync(Repo.Infra));

    private static Task<BicepRun> LintFolderAsync(string folder) => Bicep.RunInAsync(folder, "lint", "--pattern", "**/*.bicep");

    /// <summary>The lines of a lint run about one file (the CLI starts each with the file's full path).</summary>
    private static List<string> About(BicepRun run, string file) =>
        run.Diagnostics.Where(d => d.StartsWith(Path.GetFullPath(file, Repo.Root) + "(", StringComparison.Ordinal)).ToList();

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Every_template_builds_without_diagnostics(string template)
    {
        var compiled = await (await BicepServer.SharedAsync()).CompileAsync(template);

        Assert.True(compiled.Success, $"bicep build {template} failed:\n{compiled.Describe()}");
        Assert.True(compiled.WarningsAndErrors.Count == 0, $"bicep build {template}:\n{string.Join('\n', compiled.WarningsAndErrors)}");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Every_template_passes_the_linter_without_warnings(string template)
    {
        var run = await LintAll.Value;

        Assert.True(run.ExitCode == 0, $"bicep lint failed:\n{run.Errors}");
        Assert.True(About(run, template).Count == 0, $"bicep lint {template}:\n{string.Join('\n', About(run, template))}");
        Assert.True(run.Diagnostics.Count == 0, $"bicep lint infra/**/*.bicep:\n{string.Join('\n', run.Diagnostics)}");
    }

    /// <summary>The same lint, over a folder of its own with an unused parameter at the top and one level down.</summary>
    internal static readonly Lazy<Task<(BicepRun Run, string Top, string Nested)>> LintSample = new(async () =>
    {
        var dir = Directory.CreateTempSubdirectory("bicep-lint-").FullName;
        try
        {
            File.Copy(Path.Combine(Repo.Infra, "bicepconfig.json"), Path.Combine(dir, "bicepconfig.json"));
            var top = Path.Combine(dir, "unused.bicep");
            var nested = Path.Combine(dir, "app", "unused-too.bicep");
            Directory.CreateDirectory(Path.GetDirectoryName(nested)!);
            await File.WriteAllTextAsync(top, "param unused string\noutput answer int = 42\n");
            await File.WriteAllTextAsync(nested, "param unused string\noutput answer int = 42\n");
            return (await LintFolderAsync(dir), top, nested);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    });

    [Fact]
    public async Task The_linter_check_would_catch_a_warning()
    {
        var (run, top, nested) = await LintSample.Value;

        Assert.Contains(About(run, top), d => d.Contains("no-unused-params", StringComparison.Ordinal));
        Assert.Contains(About(run, nested), d => d.Contains("no-unused-params", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_build_check_would_catch_a_warning_in_the_file_and_in_its_modules()
    {
        var dir = Directory.CreateTempSubdirectory("bicep-build-").FullName;
        try
        {
            File.Copy(Path.Combine(Repo.Infra, "bicepconfig.json"), Path.Combine(dir, "bicepconfig.json"));
            var module = Path.Combine(dir, "app", "module.bicep");
            Directory.CreateDirectory(Path.GetDirectoryName(module)!);
            await File.WriteAllTextAsync(module, "param unused string = 'x'\noutput answer int = 42\n", TestContext.Current.CancellationToken);
            var main = Path.Combine(dir, "main.bicep");
            await File.WriteAllTextAsync(main, "param alsoUnused string\nmodule m 'app/module.bicep' = {\n  name: 'm'\n}\n", TestContext.Current.CancellationToken);

            var compiled = await (await BicepServer.SharedAsync()).CompileAsync(main);

            Assert.True(compiled.Success, compiled.Describe());
            Assert.Contains(compiled.WarningsAndErrors, d => d.File == main && d.Code == "no-unused-params");
            Assert.Contains(compiled.WarningsAndErrors, d => d.File == module && d.Code == "no-unused-params" && d.Line == 1 && d.Column == 7);
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
