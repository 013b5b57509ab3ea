using System.Text.Json;
using Scheduler.Core.Catalogue;
using Scheduler.Functions.Infrastructure;

namespace Scheduler.Functions.Storage;

/// <summary>The demo centre shipped with the app: <c>DemoData/huli-centre.json</c>, modelled on the Huli District centre in Xiamen.</summary>
public static class DemoData
{
    public const string Dataset = "demo-huli-v1";

    public static CentreProfile Load()
    {
        using var stream = typeof(DemoData).Assembly.GetManifestResourceStream("Scheduler.Functions.DemoData.huli-centre.json")
            ?? throw new InvalidOperationException("The demo data file is not embedded in the assembly.");
        var profile = JsonSerializer.Deserialize<CentreProfile>(stream, Json.Options)
            ?? throw new InvalidOperationException("The demo data file is empty.");
        var errors = profile.Validate();
        if (errors.Count > 0) throw new InvalidOperationException("The demo data is inconsistent: " + string.Join("; ", errors));
        return profile;
    }
}
