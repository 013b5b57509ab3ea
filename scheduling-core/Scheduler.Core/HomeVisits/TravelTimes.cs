using Scheduler.Core.Catalogue;

namespace Scheduler.Core.HomeVisits;

/// <summary>
/// Travel between places, for a list of points: the port a planner asks. The default estimates from distance
/// (<see cref="GreatCircleTravelTimeProvider"/>); production configures a route-matrix service adapter.
/// </summary>
public interface ITravelTimeProvider
{
    /// <summary>Travel from every point to every point, in the order given.</summary>
    Task<TravelMatrix> GetMatrixAsync(IReadOnlyList<GeoPoint> points, CancellationToken cancellationToken = default);
}

/// <summary>
/// Travel seconds and metres between <see cref="Size"/> points; entry (i, j) is from point i to point j. The
/// diagonal is zero. Not necessarily symmetric.
/// </summary>
public sealed class TravelMatrix
{
    private readonly int[] _seconds;
    private readonly int[] _metres;

    public TravelMatrix(int size, int[] seconds, int[] metres)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (seconds.Length != size * size || metres.Length != size * size)
            throw new ArgumentException($"A travel matrix of {size} points needs {size * size} entries.");
        if (seconds.Any(s => s < 0) || metres.Any(m => m < 0))
            throw new ArgumentException("Travel times and distances cannot be negative.");
        Size = size;
        _seconds = seconds;
        _metres = metres;
    }

    public int Size { get; }

    public int Seconds(int from, int to) => _seconds[from * Size + to];

    public int Metres(int from, int to) => _metres[from * Size + to];

    /// <summary>A matrix from a function of (from, to), for adapters and tests.</summary>
    public static TravelMatrix Build(int size, Func<int, int, (int Seconds, int Metres)> travel)
    {
        var seconds = new int[size * size];
        var metres = new int[size * size];
        for (var i = 0; i < size; i++)
        for (var j = 0; j < size; j++)
        {
            if (i == j) continue;
            var (s, m) = travel(i, j);
            seconds[i * size + j] = s;
            metres[i * size + j] = m;
        }
        return new TravelMatrix(size, seconds, metres);
    }
}

/// <summary>
/// The places of a plan request in the order its travel matrix uses: the centre first, then staff homes, then
/// visit locations; a place used twice (a team visit, a resident living at the centre) appears once.
/// </summary>
public sealed class PlanPlaces
{
    private readonly Dictionary<GeoPoint, int> _index = new();
    private readonly List<GeoPoint> _points = new();

    public PlanPlaces(HomeVisitPlanRequest request)
    {
        Add(request.Centre);
        foreach (var s in request.Staff)
        {
            Add(s.StartPlace.Resolve(request.Centre));
            Add(s.EndPlace.Resolve(request.Centre));
        }
        foreach (var v in request.Visits) Add(v.Location);
        Centre = request.Centre;
    }

    private GeoPoint Centre { get; }

    /// <summary>The points to ask the <see cref="ITravelTimeProvider"/> for.</summary>
    public IReadOnlyList<GeoPoint> Points => _points;

    public int IndexOf(GeoPoint point) => _index[point];

    public int StartOf(StaffShift staff) => _index[staff.StartPlace.Resolve(Centre)];

    public int EndOf(StaffShift staff) => _index[staff.EndPlace.Resolve(Centre)];

    private void Add(GeoPoint p)
    {
        if (_index.ContainsKey(p)) return;
        _index[p] = _points.Count;
        _points.Add(p);
    }
}
