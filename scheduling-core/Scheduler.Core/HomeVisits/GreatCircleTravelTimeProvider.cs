using Scheduler.Core.Catalogue;

namespace Scheduler.Core.HomeVisits;

/// <summary>What kind of place a point is in, for travel speed.</summary>
public enum TravelAreaKind
{
    Urban,
    Suburban,
    /// <summary>Across water from the mainland (an island village): reached by ferry.</summary>
    Island,
}

/// <summary>A rectangle of latitudes and longitudes of one kind, for example the island of Gulangyu.</summary>
public sealed record TravelArea(string Name, TravelAreaKind Kind, double SouthLatitude, double WestLongitude,
    double NorthLatitude, double EastLongitude)
{
    public bool Contains(GeoPoint p) =>
        p.Latitude >= SouthLatitude && p.Latitude <= NorthLatitude &&
        p.Longitude >= WestLongitude && p.Longitude <= EastLongitude;
}

/// <summary>
/// Calibration of <see cref="GreatCircleTravelTimeProvider"/>. The defaults are for a Chinese district by car or
/// e-bike in daytime traffic; calibrate them by comparing a sample of estimates with real trips (or a route-matrix
/// service) and adjusting the detour factor first, then the speeds.
/// </summary>
public sealed class TravelEstimateOptions
{
    /// <summary>Road distance divided by straight-line distance. 1.3-1.4 is typical of city grids.</summary>
    public double DetourFactor { get; set; } = 1.35;

    /// <summary>Average door-to-door speed when either end is urban, km/h.</summary>
    public double UrbanKmh { get; set; } = 20;

    /// <summary>Average speed between suburban points, km/h.</summary>
    public double SuburbanKmh { get; set; } = 35;

    /// <summary>Ferry speed for the straight-line part of a trip between an island and elsewhere, km/h.</summary>
    public double WaterKmh { get; set; } = 15;

    /// <summary>Added to every trip between two different places: parking, finding the door, stairs.</summary>
    public int StopOverheadSeconds { get; set; } = 180;

    /// <summary>Added to a trip that crosses water: walking to the pier, boarding, landing.</summary>
    public int CrossingOverheadSeconds { get; set; } = 1200;

    /// <summary>Areas by kind; the first that contains a point decides, otherwise <see cref="DefaultKind"/>.</summary>
    public List<TravelArea> Areas { get; set; } = [];

    public TravelAreaKind DefaultKind { get; set; } = TravelAreaKind.Urban;

    public TravelAreaKind KindOf(GeoPoint p) => Areas.FirstOrDefault(a => a.Contains(p))?.Kind ?? DefaultKind;
}

/// <summary>
/// Travel estimated without a map: great-circle distance times a detour factor, at a speed that depends on the
/// areas at both ends. A trip between an island and any other place is a crossing: its straight-line distance at
/// ferry speed plus the crossing overhead (the reported metres are the detoured distance). A trip within one
/// island, or between two places on land, runs at the urban speed if either end is urban, else suburban.
/// </summary>
public sealed class GreatCircleTravelTimeProvider(TravelEstimateOptions options) : ITravelTimeProvider
{
    public const double EarthRadiusMetres = 6_371_008.8;

    public GreatCircleTravelTimeProvider() : this(new TravelEstimateOptions()) { }

    public Task<TravelMatrix> GetMatrixAsync(IReadOnlyList<GeoPoint> points, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var kinds = points.Select(options.KindOf).ToArray();
        var matrix = TravelMatrix.Build(points.Count, (i, j) => Estimate(points[i], kinds[i], points[j], kinds[j]));
        return Task.FromResult(matrix);
    }

    /// <summary>The estimate for one trip, in whole seconds (rounded up) and metres (rounded).</summary>
    public (int Seconds, int Metres) Estimate(GeoPoint from, GeoPoint to) =>
        Estimate(from, options.KindOf(from), to, options.KindOf(to));

    private (int Seconds, int Metres) Estimate(GeoPoint from, TravelAreaKind fromKind, GeoPoint to, TravelAreaKind toKind)
    {
        var straight = Haversine(from, to);
        if (straight < 1) return (0, 0);
        var road = straight * options.DetourFactor;
        double seconds;
        if ((fromKind == TravelAreaKind.Island) != (toKind == TravelAreaKind.Island))
            seconds = straight / Kmh(options.WaterKmh) + options.CrossingOverheadSeconds;
        else if (fromKind == TravelAreaKind.Urban || toKind == TravelAreaKind.Urban || fromKind == TravelAreaKind.Island)
            seconds = road / Kmh(options.UrbanKmh);
        else
            seconds = road / Kmh(options.SuburbanKmh);
        seconds += options.StopOverheadSeconds;
        return ((int)Math.Ceiling(seconds), (int)Math.Round(road));
    }

    private static double Kmh(double kmh) => kmh * 1000 / 3600;

    /// <summary>Great-circle distance in metres on a spherical earth (mean radius).</summary>
    public static double Haversine(GeoPoint a, GeoPoint b)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(b.Latitude - a.Latitude);
        var dLon = Rad(b.Longitude - a.Longitude);
        var h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) +
                Math.Cos(Rad(a.Latitude)) * Math.Cos(Rad(b.Latitude)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
