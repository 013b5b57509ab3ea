using Google.OrTools.ConstraintSolver;
using Scheduler.Core.HomeVisits;

namespace Scheduler.Optimization.Routing;

/// <summary>
/// A node of the routing model: a start or end place of staff, or one team member's share of a visit (a visit
/// for a team of k is k nodes at the same place, constrained to start together on k different staff).
/// </summary>
internal sealed record RoutingNode(int Id, int Place, VisitToPlan? Visit, int Member, int ServiceSeconds);

internal sealed class RoutingNodes
{
    public RoutingNodes(HomeVisitPlanRequest request, PlanPlaces places, IReadOnlyList<VisitToPlan> visits)
    {
        var depots = new Dictionary<int, RoutingNode>();
        RoutingNode Depot(int place)
        {
            if (!depots.TryGetValue(place, out var n)) All.Add(depots[place] = n = new RoutingNode(All.Count, place, null, 0, 0));
            return n;
        }
        Starts = request.Staff.Select(s => Depot(places.StartOf(s)).Id).ToArray();
        Ends = request.Staff.Select(s => Depot(places.EndOf(s)).Id).ToArray();
        foreach (var v in visits)
        {
            var team = new List<RoutingNode>();
            for (var m = 0; m < v.TeamSize; m++)
            {
                var node = new RoutingNode(All.Count, places.IndexOf(v.Location), v, m, DayClock.Seconds(v.Service));
                All.Add(node);
                Visits.Add(node);
                team.Add(node);
            }
            Teams.Add(team);
        }
    }

    public List<RoutingNode> All { get; } = [];
    public List<RoutingNode> Visits { get; } = [];
    /// <summary>The nodes of each visit, one per team member.</summary>
    public List<List<RoutingNode>> Teams { get; } = [];
    public int[] Starts { get; }
    public int[] Ends { get; }
}

/// <summary>The model under construction, shared by the constraint and penalty builders.</summary>
internal sealed class RoutingContext(
    HomeVisitPlanRequest request,
    TravelMatrix matrix,
    PenaltyWeights weights,
    RoutingNodes nodes,
    RoutingIndexManager manager,
    RoutingModel model)
{
    private readonly List<object> _kept = [];

    public HomeVisitPlanRequest Request => request;
    public TravelMatrix Matrix => matrix;
    public PenaltyWeights Weights => weights;
    public RoutingNodes Nodes => nodes;
    public RoutingIndexManager Manager => manager;
    public RoutingModel Model => model;
    public Solver Solver => model.solver();
    public RoutingDimension Time { get; set; } = null!;

    public long IndexOf(RoutingNode node) => manager.NodeToIndex(node.Id);

    public RoutingNode NodeAt(long index) => nodes.All[manager.IndexToNode(index)];

    /// <summary>
    /// A matrix over the model's nodes (OR-Tools' RegisterTransitMatrix takes node, not index, coordinates): held
    /// natively, so the search does not call back into .NET for each arc it evaluates.
    /// </summary>
    public static long[][] NodeMatrix(RoutingNodes nodes, Func<RoutingNode, RoutingNode, long> arc)
    {
        var all = nodes.All;
        var m = new long[all.Count][];
        for (var i = 0; i < all.Count; i++)
        {
            m[i] = new long[all.Count];
            for (var j = 0; j < all.Count; j++) m[i][j] = arc(all[i], all[j]);
        }
        return m;
    }

    private long[]? _travelCost;

    /// <summary>What a trip between two places adds to the objective (<see cref="Penalties.TravelPenalty"/>), worked out once per plan.</summary>
    public long TravelCost(int from, int to)
    {
        var size = matrix.Size;
        if (_travelCost is null)
        {
            var cost = new long[size * size];
            for (var a = 0; a < size; a++)
            for (var b = 0; b < size; b++)
                cost[a * size + b] = Penalties.TravelPenalty.Cost(matrix.Seconds(a, b), matrix.Metres(a, b), weights);
            _travelCost = cost;
        }
        return _travelCost[from * size + to];
    }

    private ShiftSeconds[]? _shifts;
    private int[]?[]? _eligible;
    private (int From, int To)[]?[]? _windows;

    /// <summary>Each staff member's shift in seconds of the day, read once (the insertion checks routes millions of times a search).</summary>
    public ShiftSeconds[] Shifts => _shifts ??= request.Staff.Select((s, v) => ShiftSeconds.Of(s, nodes.All[nodes.Starts[v]].Place,
        nodes.All[nodes.Ends[v]].Place)).ToArray();

    /// <summary>The start windows of a visit node (<see cref="VisitFeasibility.StartWindows"/>), read once per visit.</summary>
    public (int From, int To)[] WindowsOf(RoutingNode node)
    {
        _windows ??= new (int From, int To)[]?[nodes.All.Count];
        return _windows[node.Id] ??= VisitFeasibility.StartWindows(node.Visit!).ToArray();
    }

    /// <summary>
    /// The staff who may take a visit's node: those holding its skills for a visit for one, everyone for a team (whose
    /// skills are held between its members).
    /// </summary>
    public int[] EligibleFor(List<RoutingNode> team)
    {
        _eligible ??= new int[]?[nodes.All.Count];
        return _eligible[team[0].Id] ??= Enumerable.Range(0, request.Staff.Count)
            .Where(v => team.Count > 1 || request.Staff[v].Holds(team[0].Visit!.RequiredSkills)).ToArray();
    }

    /// <summary>Keeps a callback (or anything the native solver points to) alive until the solve is over.</summary>
    public void Keep(object o) => _kept.Add(o);

    public IReadOnlyList<object> Kept => _kept;
}

/// <summary>
/// A staff member's shift in seconds of the day: earliest departure, latest return (shift end plus the allowed
/// overtime), longest working time and capacity (<see cref="int.MaxValue"/> for none), the lunch break's rules, and
/// the places the route starts and ends.
/// </summary>
internal readonly record struct ShiftSeconds(int Start, int End, int LatestReturn, int MaxWorking, int Capacity, bool HasLunch,
    int LunchLength, int LunchEarliest, int LunchLatestEnd, int StartPlace, int EndPlace)
{
    public static ShiftSeconds Of(StaffShift s, int startPlace, int endPlace) => new(
        DayClock.Seconds(s.Start), DayClock.Seconds(s.End), VisitFeasibility.LatestReturn(s),
        s.MaxWorkingTime is { } max ? DayClock.Seconds(max) : int.MaxValue, s.Capacity ?? int.MaxValue, s.Lunch is not null,
        s.Lunch is { } l ? DayClock.Seconds(l.Length) : 0, s.Lunch is { } e ? DayClock.Seconds(e.EarliestStart) : 0,
        s.Lunch is { } x ? DayClock.Seconds(x.LatestEnd) : 0, startPlace, endPlace);

    /// <summary>Whether the lunch break fits in a gap from <paramref name="from"/> to <paramref name="to"/> that also holds a trip (<see cref="PlanReader.PlaceBreak"/>'s rule).</summary>
    public bool BreakFits(int from, int to, int travel)
    {
        if (to - from - LunchLength < travel) return false;
        return Math.Max(from, LunchEarliest) + LunchLength <= Math.Min(to, LunchLatestEnd);
    }
}
