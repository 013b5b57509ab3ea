using System.Text.Json;

namespace Scheduler.DevHost;

/// <summary>Finds the repository and reads the app settings the local run uses.</summary>
public static class LocalSettings
{
    /// <summary>The folder that holds <c>Scheduler.sln</c>, from the working directory or the program's own folder upwards.</summary>
    public static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Scheduler.sln"))) return dir.FullName;
        }
        throw new DevHostSetupException("Run this from inside the Scheduler repository (no Scheduler.sln found above the current folder).");
    }

    /// <summary>
    /// <c>functions/Scheduler.Functions/local.settings.json</c> when a developer made one, else the committed
    /// <c>local.settings.sample.json</c>; environment variables override either, as in the Functions host.
    /// </summary>
    public static (Dictionary<string, string?> Values, string Source) Load(string root)
    {
        var own = Path.Combine(root, "functions", "Scheduler.Functions", "local.settings.json");
        var path = File.Exists(own) ? own : Path.Combine(root, "local.settings.sample.json");
        if (!File.Exists(path)) throw new DevHostSetupException($"No settings: neither {own} nor local.settings.sample.json exists.");
        Dictionary<string, string?> values;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            values = doc.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => (string?)p.Value.ToString());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DevHostSetupException($"{path} is not valid: {e.Message}");
        }
        foreach (var key in values.Keys.ToList())
            if (Environment.GetEnvironmentVariable(key) is { } env) values[key] = env;
        return (values, path);
    }
}
