using System.Diagnostics;
using Xunit;

namespace Scheduler.Infra.Tests;

/// <summary>
/// The package azd deploys (a plain <c>dotnet publish -c Release</c> of the function app) is for Flex Consumption's
/// Linux x64 only: without a runtime identifier it would carry OR-Tools' native libraries for every platform.
/// </summary>
public sealed class PublishTests
{
    private static string Project => Path.Combine(Repo.Root, "functions", "Scheduler.Functions", "Scheduler.Functions.csproj");

    /// <summary>Where .ci/run published the function app (<c>dotnet publish -c Release -o ...</c>), if it did.</summary>
    private static string? PublishDirectory => Environment.GetEnvironmentVariable("SCHEDULER_PUBLISH_DIR") is { Length: > 0 } d ? d : null;

    /// <summary>
    /// The three evaluations the tests need, started together on first use: each is a process of its own (one global
    /// property set per evaluation), so they run side by side rather than one after another.
    /// </summary>
    internal static readonly Lazy<Task<Dictionary<string, string>[]>> Evaluations = new(() => Task.WhenAll(
        EvaluateAsync("-p:_IsPublishing=true", "-p:Configuration=Release"),
        EvaluateAsync(),
        EvaluateAsync("-p:_IsPublishing=true", "-p:RuntimeIdentifier=linux-arm64")));

    private static async Task<Dictionary<string, string>> EvaluateAsync(params string[] arguments)
    {
        // Evaluation only (-getProperty): nothing is restored or built, so it is quick and leaves obj/ alone.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        foreach (var a in new[] { "msbuild", Project, "-nologo", "-getProperty:RuntimeIdentifier", "-getProperty:SelfContained", "-getProperty:Configuration" }.Concat(arguments))
            start.ArgumentList.Add(a);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"dotnet msbuild {string.Join(' ', arguments)} failed:\n{await output}\n{await errors}");
        var properties = System.Text.Json.JsonDocument.Parse(await output).RootElement.GetProperty("Properties");
        return properties.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
    }

    [Fact]
    public async Task Publishing_targets_linux_x64_framework_dependent()
    {
        // `dotnet publish` (azd runs it) sets _IsPublishing.
        var publish = (await Evaluations.Value)[0];

        Assert.Equal("linux-x64", publish["RuntimeIdentifier"]);
        Assert.Equal("false", publish["SelfContained"], ignoreCase: true);
        Assert.Equal("Release", publish["Configuration"]);
    }

    [Fact]
    public async Task Building_keeps_no_runtime_identifier_so_tests_and_the_dev_host_find_the_usual_output()
    {
        var build = (await Evaluations.Value)[1];

        Assert.Equal("", build["RuntimeIdentifier"]);
    }

    [Fact]
    public async Task An_explicit_runtime_identifier_still_wins()
    {
        var publish = (await Evaluations.Value)[2];

        Assert.Equal("linux-arm64", publish["RuntimeIdentifier"]);
    }

    [Fact(SkipUnless = nameof(Published), Skip = "SCHEDULER_PUBLISH_DIR is not set: .ci/run publishes the function app and sets it")]
    public void The_published_package_holds_linux_x64_native_libraries_only()
    {
        var dir = PublishDirectory!;
        Assert.True(File.Exists(Path.Combine(dir, "Scheduler.Functions.dll")), $"{dir} holds no published function app");

        var runtimes = Path.Combine(dir, "runtimes");
        var platforms = Directory.Exists(runtimes) ? Directory.GetDirectories(runtimes).Select(Path.GetFileName).ToList() : [];
        var foreign = platforms.Where(p => p!.StartsWith("win", StringComparison.Ordinal) || p.StartsWith("osx", StringComparison.Ordinal)
            || p.StartsWith("linux-arm", StringComparison.Ordinal) || p.StartsWith("linux-musl", StringComparison.Ordinal)).ToList();
        Assert.True(foreign.Count == 0, "The package carries native files for " + string.Join(", ", foreign));
        // OR-Tools' own native library is there, for Linux x64.
        var native = Directory.EnumerateFiles(dir, "libortools*.so*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(native);
        Assert.All(native, f => Assert.DoesNotContain("arm64", f, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(dir, "*.dylib", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(dir, "google-ortools-native.dll", SearchOption.AllDirectories));
    }

    public static bool Published => PublishDirectory is not null;
}
