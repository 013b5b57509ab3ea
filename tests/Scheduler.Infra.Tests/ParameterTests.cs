using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Scheduler.Infra.Tests;

/// <summary>
/// A deployment without a required value stops before anything is created, naming the value. Parameter files are
/// built as <c>bicep build-params</c> builds them, by the shared <see cref="BicepServer"/>.
/// </summary>
public sealed partial class ParameterTests
{
    private static async Task<BicepCompilation> BuildParamsAsync(string body)
    {
        var dir = Directory.CreateTempSubdirectory("bicepparam-").FullName;
        try
        {
            var file = Path.Combine(dir, "test.bicepparam");
            // Bicep wants a relative path in `using`.
            var main = Path.GetRelativePath(dir, Repo.MainTemplate).Replace('\\', '/');
            await File.WriteAllTextAsync(file, $"using '{main}'\n{body}");
            return await (await BicepServer.SharedAsync()).CompileParamsAsync(file);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_parameter_file_missing_required_values_fails_naming_them()
    {
        var run = await BuildParamsAsync("param environmentName = 'test'\nparam location = 'eastasia'\n");

        Assert.False(run.Success);
        var missing = Assert.Single(run.WarningsAndErrors, d => d.Code == "BCP258");
        Assert.Equal("Error", missing.Level);
        Assert.Contains("\"centreId\"", missing.Message);
        Assert.Contains("\"tokenSigningKey\"", missing.Message);
    }

    [Fact]
    public async Task A_parameter_file_reading_an_unset_environment_variable_fails_naming_it()
    {
        var run = await BuildParamsAsync(
            "param environmentName = 'test'\nparam location = 'eastasia'\nparam centreId = 'huli'\n" +
            "param tokenSigningKey = readEnvironmentVariable('SCHEDULER_TEST_UNSET_SIGNING_KEY')\n");

        Assert.False(run.Success);
        Assert.Contains(run.WarningsAndErrors, d => d.Level == "Error" && d.Message.Contains("SCHEDULER_TEST_UNSET_SIGNING_KEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_complete_parameter_file_builds()
    {
        var run = await BuildParamsAsync(
            "param environmentName = 'test'\nparam location = 'eastasia'\nparam centreId = 'huli'\nparam tokenSigningKey = 'not-a-real-key'\n" +
            "param dataKey = 'not-a-real-key'\n");

        Assert.True(run.Success, run.Describe());
        Assert.Empty(run.WarningsAndErrors);
    }

    [Fact]
    public async Task Main_parameters_json_gives_every_parameter_and_leaves_required_ones_to_the_environment()
    {
        var template = await CompiledTemplate.MainAsync();
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repo.Infra, "main.parameters.json"), TestContext.Current.CancellationToken));
        var given = doc.RootElement.GetProperty("parameters");

        foreach (var (name, declaration) in template.Root["parameters"]!.AsObject())
        {
            Assert.True(given.TryGetProperty(name, out var p), $"main.parameters.json does not give '{name}'");
            var value = p.GetProperty("value").GetString() ?? "";
            Assert.Matches(AzdVariable(), value);
            // A required value has no fallback: azd asks for it, or stops naming it.
            if (declaration?["defaultValue"] is null)
                Assert.DoesNotContain("=", value);
        }
        foreach (var p in given.EnumerateObject())
            Assert.True(template.Root["parameters"]!.AsObject().ContainsKey(p.Name), $"main.parameters.json gives unknown parameter '{p.Name}'");
    }

    [GeneratedRegex(@"^\$\{[A-Z0-9_]+(=[^}]*)?\}$")]
    private static partial Regex AzdVariable();
}
