using System.Text.Json;
using Scheduler.Core.Catalogue;

namespace Scheduler.Functions.Catalogue;

/// <summary>
/// The demo centres shipped with the app, <c>DemoData/{id}-centre.json</c>: Huli, modelled on the Huli District centre
/// in Xiamen (the default centre), and a smaller street centre in Siming (two windows a category, six staff), so the
/// paths of a city with several centres run locally and in tests.
/// </summary>
public static class DemoData
{
    /// <summary>The default demo centre.</summary>
    public const string Huli = "huli";

    /// <summary>The second, smaller demo centre.</summary>
    public const string Siming = "siming";

    public static IReadOnlyList<string> Centres { get; } = [Huli, Siming];

    /// <summary>Names the default centre's dataset by its content, so a changed demo file is loaded again over the old one.</summary>
    public static string Dataset => DatasetOf(Huli);

    /// <summary>Names a demo centre's dataset by its content.</summary>
    public static string DatasetOf(string centreId) =>
        $"demo-{centreId}-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Bytes(centreId)))[..12].ToLowerInvariant();

    /// <summary>The default demo centre, Huli.</summary>
    public static CentreProfile Load() => Load(Huli);

    public static CentreProfile Load(string centreId)
    {
        var profile = JsonSerializer.Deserialize<CentreProfile>(Bytes(centreId), Json.Options)
            ?? throw new InvalidOperationException($"The demo data file of '{centreId}' is empty.");
        var errors = profile.Validate();
        if (errors.Count > 0) throw new InvalidOperationException($"The demo data of '{centreId}' is inconsistent: " + string.Join("; ", errors));
        return profile;
    }

    private static byte[] Bytes(string centreId)
    {
        using var stream = typeof(DemoData).Assembly.GetManifestResourceStream($"Scheduler.Functions.DemoData.{centreId}-centre.json")
            ?? throw new InvalidOperationException($"No demo data file for '{centreId}' is embedded in the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
