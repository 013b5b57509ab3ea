using System.Diagnostics;
using System.Reflection;

namespace Scheduler.Infra.Tests;

public sealed record BicepRun(int ExitCode, string Output, string Errors)
{
    /// <summary>Diagnostics the CLI printed (it writes warnings and errors to standard error, one a line, each starting with the file's path).</summary>
    public IReadOnlyList<string> Diagnostics =>
        Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains(" : Warning ", StringComparison.Ordinal) || l.Contains(" : Error ", StringComparison.Ordinal)).ToList();
}

/// <summary>Runs the Bicep CLI from the <c>Azure.Bicep.CommandLine.linux-x64</c> package (or <c>BICEP_PATH</c>).</summary>
public static class Bicep
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string ExecutablePath { get; } = Locate();

    public static Task<BicepRun> RunAsync(params string[] arguments) => RunInAsync(Repo.Root, arguments);

    /// <summary>Runs the CLI in <paramref name="workingDirectory"/> (where a <c>--pattern</c> glob starts).</summary>
    public static async Task<BicepRun> RunInAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ExecutablePath}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} took longer than {Timeout}.");
        }
        return new BicepRun(process.ExitCode, await output, await errors);
    }

    private static string Locate()
    {
        var path = Environment.GetEnvironmentVariable("BICEP_PATH") is { Length: > 0 } env
            ? env
            : typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        if (!File.Exists(path))
            throw new FileNotFoundException($"The Bicep CLI is not at {path}; restore the test project (package Azure.Bicep.CommandLine.linux-x64).", path);
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & UnixFileMode.UserExecute) == 0) File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }
        return path;
    }
}

/// <summary>Paths in the repository.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();
    public static string Infra => Path.Combine(Root, "infra");
    public static string MainTemplate => Path.Combine(Infra, "main.bicep");

    /// <summary>Every template, found as the glob <c>**/*.bicep</c> from <see cref="Infra"/> finds them.</summary>
    public static IReadOnlyList<string> Templates() =>
        Directory.EnumerateFiles(Infra, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Scheduler.sln"))) return dir.FullName;
        throw new InvalidOperationException("Scheduler.sln not found above " + AppContext.BaseDirectory);
    }
}
