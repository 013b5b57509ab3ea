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

    /// <summary>Keeps a callback (or anything the native solver points to) alive until the solve is over.</summary>
    public void Keep(object o) => _kept.Add(o);

    public IReadOnlyList<object> Kept => _kept;
}
