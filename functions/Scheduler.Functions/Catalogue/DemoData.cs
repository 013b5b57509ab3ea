using System.Text.Json;
using Scheduler.Core.Catalogue;

namespace Scheduler.Functions.Catalogue;

/// <summary>The demo centre shipped with the app: <c>DemoData/huli-centre.json</c>, modelled on the Huli District centre in Xiamen.</summary>
public static class DemoData
{
    private const string Resource = "Scheduler.Functions.DemoData.huli-centre.json";

    /// <summary>Names the dataset by its content, so a changed demo file is loaded again over the old one.</summary>
    public static string Dataset { get; } = "demo-huli-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Bytes()))[..12].ToLowerInvariant();

    public static CentreProfile Load()
    {
        var profile = JsonSerializer.Deserialize<CentreProfile>(Bytes(), Json.Options)
            ?? throw new InvalidOperationException("The demo data file is empty.");
        var errors = profile.Validate();
        if (errors.Count > 0) throw new InvalidOperationException("The demo data is inconsistent: " + string.Join("; ", errors));
        return profile;
    }

    private static byte[] Bytes()
    {
        using var stream = typeof(DemoData).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException("The demo data file is not embedded in the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
