using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;

namespace Scheduler.Functions.HomeVisits;

/// <summary>Settings under <c>Travel</c>: where travel times come from.</summary>
public sealed class TravelOptions
{
    public const string Section = "Travel";

    /// <summary><c>estimate</c> (great-circle distance, the default) or <c>azuremaps</c> (Azure Maps route matrix).</summary>
    public string Provider { get; set; } = "estimate";

    public Uri AzureMapsEndpoint { get; set; } = new("https://atlas.microsoft.com");

    /// <summary>The Azure Maps account's client id (its <c>uniqueId</c>), sent with Entra tokens as <c>x-ms-client-id</c>.</summary>
    public string AzureMapsAccountClientId { get; set; } = "";

    /// <summary>
    /// Client id of the user-assigned identity that asks Azure Maps; empty for the environment's default credential
    /// (a developer's <c>az login</c>). Entra only: the deployment turns the account's shared keys off.
    /// </summary>
    public string ManagedIdentityClientId { get; set; } = "";

    public bool UsesAzureMaps => string.Equals(Provider, "azuremaps", StringComparison.OrdinalIgnoreCase);

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Problem() =>
        !UsesAzureMaps && !string.Equals(Provider, "estimate", StringComparison.OrdinalIgnoreCase)
            ? $"Travel:Provider must be 'estimate' or 'azuremaps', not '{Provider}'"
            : UsesAzureMaps && AzureMapsAccountClientId.Length == 0
                ? "Travel:Provider is 'azuremaps' but Travel:AzureMapsAccountClientId (the Azure Maps account's client id) is not set"
                : null;
}

/// <summary>
/// Travel times from the Azure Maps route matrix (Route 2025-01-01, synchronous, at most 2,500 cells a request):
/// the matrix is asked in blocks of 50 x 50 places, driving, fastest route, historical traffic. A cell Azure Maps
/// cannot route (an island without a road, a place off the road network) keeps the great-circle estimate, which
/// knows about ferries; if the service fails altogether the whole matrix is the estimate, with a warning in the log
/// (no coordinates: they are residents' homes). Either way a plan can always be made.
/// </summary>
public sealed class AzureMapsTravelTimeProvider(
    HttpClient http, TravelOptions options, TokenCredential credential, ITravelTimeProvider estimate,
    ILogger<AzureMapsTravelTimeProvider> logger) : ITravelTimeProvider
{
    public const string ApiVersion = "2025-01-01";
    public const int BlockSize = 50;
    private static readonly string[] Scopes = ["https://atlas.microsoft.com/.default"];

    public async Task<TravelMatrix> GetMatrixAsync(IReadOnlyList<GeoPoint> points, CancellationToken cancellationToken = default)
    {
        var fallback = await estimate.GetMatrixAsync(points, cancellationToken).ConfigureAwait(false);
        var n = points.Count;
        if (n < 2) return fallback;
        var seconds = new int[n * n];
        var metres = new int[n * n];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++)
        {
            seconds[i * n + j] = fallback.Seconds(i, j);
            metres[i * n + j] = fallback.Metres(i, j);
        }
        int routed = 0, unroutable = 0;
        try
        {
            for (var o = 0; o < n; o += BlockSize)
            for (var d = 0; d < n; d += BlockSize)
            {
                var (ok, failed) = await FillBlockAsync(points, o, Math.Min(BlockSize, n - o), d, Math.Min(BlockSize, n - d),
                    seconds, metres, cancellationToken).ConfigureAwait(false);
                routed += ok;
                unroutable += failed;
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested &&
                                  e is HttpRequestException or TaskCanceledException or JsonException or InvalidDataException
                                      or Azure.Identity.AuthenticationFailedException)
        {
            logger.LogWarning("Azure Maps route matrix unavailable ({Error}: {Reason}); planning {Places} places with the great-circle estimate",
                e.GetType().Name, e.Message, n);
            return fallback;
        }
        if (unroutable > 0)
            logger.LogInformation("Azure Maps routed {Routed} trips; {Unroutable} it could not route keep the great-circle estimate", routed, unroutable);
        return new TravelMatrix(n, seconds, metres);
    }

    private async Task<(int Routed, int Unroutable)> FillBlockAsync(IReadOnlyList<GeoPoint> points, int o, int origins, int d,
        int destinations, int[] seconds, int[] metres, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.AzureMapsEndpoint, $"route/matrix?api-version={ApiVersion}"))
        {
            Content = JsonContent.Create(Body(points.Skip(o).Take(origins), points.Skip(d).Take(destinations))),
        };
        var token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        request.Headers.Add("x-ms-client-id", options.AzureMapsAccountClientId);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Azure Maps answered {(int)response.StatusCode}", null, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
        var cells = json?["properties"]?["matrix"] as JsonArray ?? throw new InvalidDataException("the answer has no properties.matrix");
        int routed = 0, unroutable = 0;
        foreach (var cell in cells)
        {
            var oi = (int?)cell?["originIndex"] ?? -1;
            var di = (int?)cell?["destinationIndex"] ?? -1;
            if (oi < 0 || oi >= origins || di < 0 || di >= destinations) throw new InvalidDataException($"a cell outside the block ({oi}, {di})");
            int from = o + oi, to = d + di;
            if (from == to) continue;
            var time = (double?)cell!["durationInSeconds"];
            var length = (double?)cell["distanceInMeters"];
            if ((int?)cell["statusCode"] != 200 || time is not >= 0 || length is not >= 0)
            {
                unroutable++;
                continue;
            }
            seconds[from * points.Count + to] = (int)Math.Ceiling(time.Value);
            metres[from * points.Count + to] = (int)Math.Round(length.Value);
            routed++;
        }
        return (routed, unroutable);
    }

    /// <summary>The request: origins and destinations as GeoJSON multipoints ([longitude, latitude]).</summary>
    private static JsonObject Body(IEnumerable<GeoPoint> origins, IEnumerable<GeoPoint> destinations) => new()
    {
        ["type"] = "FeatureCollection",
        ["features"] = new JsonArray(Feature(origins, "origins"), Feature(destinations, "destinations")),
        ["travelMode"] = "driving",
        ["optimizeRoute"] = "fastest",
        ["traffic"] = "historical",
    };

    private static JsonObject Feature(IEnumerable<GeoPoint> points, string pointType) => new()
    {
        ["type"] = "Feature",
        ["geometry"] = new JsonObject
        {
            ["type"] = "MultiPoint",
            ["coordinates"] = new JsonArray(points.Select(p => (JsonNode)new JsonArray(Math.Round(p.Longitude, 6), Math.Round(p.Latitude, 6))).ToArray()),
        },
        ["properties"] = new JsonObject { ["pointType"] = pointType },
    };
}
