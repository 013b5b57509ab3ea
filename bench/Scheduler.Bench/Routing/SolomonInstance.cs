using System.Globalization;
using NodaTime;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;

namespace Scheduler.Bench.Routing;

/// <summary>A customer row of a Solomon file; row 0 is the depot.</summary>
public sealed record SolomonCustomer(int Number, double X, double Y, int Demand, int Ready, int Due, int Service);

/// <summary>How arc lengths are measured.</summary>
public enum DistanceConvention
{
    /// <summary>Exact Euclidean distance; travel time equals distance (SINTEF, <c>bks.csv</c>).</summary>
    Exact,
    /// <summary>Each arc truncated to one decimal, for distance and time alike (DIMACS 2021, <c>bks_distance_only.csv</c>).</summary>
    Dimacs,
}

/// <summary>
/// A Solomon (or Gehring-Homberger) VRPTW instance, and its translation to a home-visit plan request: the depot is
/// the centre, each vehicle a staff member with the same shift (depot ready to due time) and capacity, each
/// customer a one-person visit with one window, its service time and its demand as load.
/// One Solomon time unit is <see cref="SecondsPerUnit"/> seconds, so a tenth of a unit is a whole second.
/// </summary>
public sealed class SolomonInstance
{
    public const int SecondsPerUnit = 10;

    public required string Name { get; init; }
    public required int Vehicles { get; init; }
    public required int Capacity { get; init; }
    public required IReadOnlyList<SolomonCustomer> Rows { get; init; }

    public static SolomonInstance Read(string path)
    {
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToList();
        var vehicleLine = lines.FindIndex(l => l.StartsWith("NUMBER", StringComparison.OrdinalIgnoreCase)) + 1;
        var fleet = Numbers(lines[vehicleLine]);
        var rows = lines.SkipWhile(l => !l.StartsWith("CUST NO", StringComparison.OrdinalIgnoreCase)).Skip(1)
            .Where(l => l.Length > 0).Select(Numbers).Where(n => n.Length >= 7)
            .Select(n => new SolomonCustomer((int)n[0], n[1], n[2], (int)n[3], (int)n[4], (int)n[5], (int)n[6])).ToList();
        if (rows.Count < 2 || rows[0].Number != 0) throw new InvalidDataException($"{path}: no depot row");
        return new SolomonInstance
        {
            Name = Path.GetFileNameWithoutExtension(path), Vehicles = (int)fleet[0], Capacity = (int)fleet[1], Rows = rows,
        };
    }

    private static double[] Numbers(string line) =>
        line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    public static double Euclid(SolomonCustomer a, SolomonCustomer b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    /// <summary>The length of an arc under a convention, in Solomon units.</summary>
    public static double Length(SolomonCustomer a, SolomonCustomer b, DistanceConvention convention) =>
        convention == DistanceConvention.Dimacs ? Math.Floor(Euclid(a, b) * 10) / 10 : Euclid(a, b);

    // Coordinates as points: only equality matters (the matrix is built from the Solomon rows), so encode x, y
    // in degrees divided by ten to stay inside valid latitudes.
    public static GeoPoint PointOf(SolomonCustomer c) => new(c.Y / 10, c.X / 10);

    public HomeVisitPlanRequest ToRequest()
    {
        var depot = Rows[0];
        LocalTime T(int units) => DayClock.At(units * SecondsPerUnit);
        var staff = Enumerable.Range(1, Vehicles).Select(v => new StaffShift(
            $"v{v}", [], T(depot.Ready), T(depot.Due), null, StaffPlace.Centre, StaffPlace.Centre, Capacity: Capacity)).ToList();
        var visits = Rows.Skip(1).Select(c => new VisitToPlan(
            c.Number.ToString(CultureInfo.InvariantCulture), PointOf(c), Duration.FromSeconds(c.Service * SecondsPerUnit),
            [new TimeWindow(T(c.Ready), T(c.Due))], 1, [], VisitUrgency.Routine, 0, Load: c.Demand)).ToList();
        return new HomeVisitPlanRequest(Name, "Etc/UTC", PointOf(depot), new LocalDate(2027, 1, 4), visits, staff);
    }

    /// <summary>
    /// The matrix over the request's places. Dimacs: seconds are the truncated length in tenths of a unit (exact),
    /// metres the same times 100. Exact: seconds rounded up to the next tenth of a unit (so a plan that keeps the
    /// windows in seconds keeps them in real numbers too), metres the exact length times 1000, rounded.
    /// </summary>
    public TravelMatrix Matrix(HomeVisitPlanRequest request, DistanceConvention convention)
    {
        var byPoint = new Dictionary<GeoPoint, SolomonCustomer>();
        foreach (var r in Rows) byPoint.TryAdd(PointOf(r), r);
        var points = new PlanPlaces(request).Points;
        return TravelMatrix.Build(points.Count, (i, j) =>
        {
            var d = Euclid(byPoint[points[i]], byPoint[points[j]]);
            return convention == DistanceConvention.Dimacs
                ? ((int)Math.Floor(d * 10), (int)Math.Floor(d * 10) * 100)
                : ((int)Math.Ceiling(d * 10 - 1e-9), (int)Math.Round(d * 1000));
        });
    }
}
