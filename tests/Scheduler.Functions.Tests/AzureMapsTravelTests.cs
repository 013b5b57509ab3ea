using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Xunit;
using Scheduler.Functions.HomeVisits;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The Azure Maps route matrix adapter against a local HTTP server that answers in the service's format: a trip
/// from place i to place j takes 60 s x |i - j| + 30 s over 1,000 m x |i - j|, and Azure Maps cannot route to place
/// <see cref="Unroutable"/> (an island).
/// </summary>
public sealed class AzureMapsTravelTests : IAsyncLifetime
{
    private const int Unroutable = 7;
    private WebApplication _server = null!;
    private Uri _endpoint = null!;
    private readonly ConcurrentQueue<(int Origins, int Destinations, string? Auth, string? ClientId, string? Key, string? Version)> _requests = new();
    private readonly FixedCredential _credential = new();
    private volatile int _failWith;

    private static readonly GreatCircleTravelTimeProvider Estimate = new(new TravelEstimateOptions());

    // Places along a line east of Xiamen's centre; place k is k/100 of a degree east, so its index is recoverable.
    private static IReadOnlyList<GeoPoint> Places(int n) =>
        Enumerable.Range(0, n).Select(k => new GeoPoint(24.48, 118.08 + k / 100.0)).ToList();

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapPost("/route/matrix", async (HttpContext http) =>
        {
            var body = (await http.Request.ReadFromJsonAsync<JsonObject>())!;
            var origins = Coordinates(body, "origins");
            var destinations = Coordinates(body, "destinations");
            _requests.Enqueue((origins.Count, destinations.Count, http.Request.Headers.Authorization, http.Request.Headers["x-ms-client-id"],
                http.Request.Headers["subscription-key"], http.Request.Query["api-version"]));
            if (_failWith != 0) return Results.StatusCode(_failWith);
            if (origins.Count * destinations.Count > 2500) return Results.BadRequest();
            var cells = new JsonArray();
            for (var o = 0; o < origins.Count; o++)
            for (var d = 0; d < destinations.Count; d++)
            {
                int from = origins[o], to = destinations[d], steps = Math.Abs(from - to);
                cells.Add(to == Unroutable && from != to
                    ? new JsonObject { ["statusCode"] = 400, ["originIndex"] = o, ["destinationIndex"] = d, ["error"] = new JsonObject { ["code"] = "ROUTE_NOT_FOUND" } }
                    : new JsonObject
                    {
                        ["statusCode"] = 200, ["originIndex"] = o, ["destinationIndex"] = d,
                        ["durationInSeconds"] = 60 * steps + 30, ["distanceInMeters"] = 1000 * steps,
                    });
            }
            return Results.Json(new JsonObject
            {
                ["type"] = "Feature", ["geometry"] = null,
                ["properties"] = new JsonObject { ["summary"] = new JsonObject { ["totalCount"] = cells.Count }, ["matrix"] = cells },
            });
        });
        await _server.StartAsync();
        _endpoint = new Uri(_server.Urls.First() + "/");
    }

    private static List<int> Coordinates(JsonObject body, string pointType) =>
        body["features"]!.AsArray().Single(f => (string?)f!["properties"]!["pointType"] == pointType)!["geometry"]!["coordinates"]!.AsArray()
            .Select(c => (int)Math.Round(((double)c![0]! - 118.08) * 100)).ToList();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private AzureMapsTravelTimeProvider Provider() =>
        new(new HttpClient(), new TravelOptions { Provider = "azuremaps", AzureMapsEndpoint = _endpoint, AzureMapsAccountClientId = "maps-account-id" },
            _credential, Estimate, NullLogger<AzureMapsTravelTimeProvider>.Instance);

    [Fact]
    public async Task A_large_matrix_is_asked_in_blocks_within_the_cell_limit_and_assembled_in_order()
    {
        var places = Places(60);

        var matrix = await Provider().GetMatrixAsync(places, TestContext.Current.CancellationToken);

        Assert.Equal(4, _requests.Count); // 50 + 10 places each way
        Assert.All(_requests, r => Assert.True(r.Origins * r.Destinations <= 2500));
        Assert.All(_requests, r => Assert.Equal("2025-01-01", r.Version));
        Assert.Equal(60 * 3 + 30, matrix.Seconds(2, 5));
        Assert.Equal(60 * 52 + 30, matrix.Seconds(55, 3));
        Assert.Equal(1000 * 49, matrix.Metres(59, 10));
        Assert.Equal(0, matrix.Seconds(40, 40));
    }

    [Fact]
    public async Task A_trip_the_service_cannot_route_keeps_the_great_circle_estimate()
    {
        var places = Places(10);
        var estimate = await Estimate.GetMatrixAsync(places, TestContext.Current.CancellationToken);

        var matrix = await Provider().GetMatrixAsync(places, TestContext.Current.CancellationToken);

        Assert.Equal(estimate.Seconds(2, Unroutable), matrix.Seconds(2, Unroutable));
        Assert.Equal(estimate.Metres(2, Unroutable), matrix.Metres(2, Unroutable));
        Assert.Equal(60 * 5 + 30, matrix.Seconds(Unroutable, 2)); // the way back is routed
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(401)]
    public async Task When_the_service_fails_the_plan_is_made_with_the_estimate(int status)
    {
        _failWith = status;
        var places = Places(5);
        var estimate = await Estimate.GetMatrixAsync(places, TestContext.Current.CancellationToken);

        var matrix = await Provider().GetMatrixAsync(places, TestContext.Current.CancellationToken);

        for (var i = 0; i < 5; i++)
        for (var j = 0; j < 5; j++)
            Assert.Equal(estimate.Seconds(i, j), matrix.Seconds(i, j));
    }

    [Fact]
    public async Task It_signs_in_with_Entra_for_Azure_Maps_and_names_the_account_without_a_shared_key()
    {
        await Provider().GetMatrixAsync(Places(3), TestContext.Current.CancellationToken);

        var request = Assert.Single(_requests);
        Assert.Equal("Bearer token-for-maps", request.Auth);
        Assert.Equal("maps-account-id", request.ClientId);
        Assert.Null(request.Key);
        Assert.Equal(["https://atlas.microsoft.com/.default"], _credential.Scopes);
    }

    [Theory]
    [InlineData("azuremaps", "", "AzureMapsAccountClientId")]
    [InlineData("google", "", "'estimate' or 'azuremaps'")]
    public void Settings_that_cannot_work_are_refused_at_start(string provider, string clientId, string expected)
    {
        var problem = new TravelOptions { Provider = provider, AzureMapsAccountClientId = clientId }.Problem();
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Null(new TravelOptions().Problem());
        Assert.Null(new TravelOptions { Provider = "AzureMaps", AzureMapsAccountClientId = "id" }.Problem());
    }

    private sealed class FixedCredential : TokenCredential
    {
        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            return new AccessToken("token-for-maps", DateTimeOffset.MaxValue);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
