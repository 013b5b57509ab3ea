using NodaTime;

namespace Scheduler.Optimization.Routing;

/// <summary>How the first plan is built before it is improved (OR-Tools first solution strategies).</summary>
public enum FirstSolution
{
    /// <summary>Let OR-Tools choose.</summary>
    Automatic,
    PathCheapestArc,
    ParallelCheapestInsertion,
    LocalCheapestInsertion,
    GlobalCheapestArc,
    Savings,
    Christofides,
}

/// <summary>Where the search starts from.</summary>
public enum InitialPlan
{
    /// <summary>
    /// <see cref="Insertion"/> when the day has team visits or lunch breaks (OR-Tools' own first-solution search
    /// assigns those by backtracking and can find nothing on a large day), otherwise <see cref="Search"/>.
    /// </summary>
    Automatic,
    /// <summary>OR-Tools' first-solution strategy (<see cref="RoutePlannerOptions.FirstSolution"/>).</summary>
    Search,
    /// <summary>
    /// The planner's own insertion of whole visits (a team into all its members' routes at one start time), feasible
    /// by construction, then improved by OR-Tools' local search. Always gives a plan (dropping what fits nowhere).
    /// </summary>
    Insertion,
}

/// <summary>How a plan is improved after the first one (OR-Tools local search metaheuristics).</summary>
public enum Metaheuristic
{
    /// <summary>
    /// The planner's choice, by where the search starts (<see cref="RoutePlannerOptions.MetaheuristicFor"/>):
    /// <see cref="IteratedLocalSearch"/> from OR-Tools' first solution, <see cref="RuinAndRecreate"/> from the
    /// planner's own insertion. The best settings measured; see docs/benchmarks.md and
    /// docs/decisions/0009-route-search.md and 0011-own-search-for-team-and-lunch-days.md.
    /// </summary>
    Automatic,
    GreedyDescent,
    GuidedLocalSearch,
    SimulatedAnnealing,
    TabuSearch,
    /// <summary>
    /// Iterated local search: ruin part of the plan (<see cref="RoutePlannerOptions.Ruin"/>), rebuild it by cheapest
    /// insertion, improve it by local search, and accept the result as the new reference by simulated annealing.
    /// </summary>
    IteratedLocalSearch,
    /// <summary>
    /// The planner's own ruin and recreate from its insertion plan (<c>RuinAndRecreate</c>): remove related visits,
    /// re-insert them and some left out with the insertion's rules (whole teams at one start), accept by simulated
    /// annealing. Needs no OR-Tools completion search, so it runs on days with lunch breaks and teams where OR-Tools'
    /// local search cannot (ADR 0011). Only from the planner's insertion; elsewhere <see cref="IteratedLocalSearch"/> runs.
    /// </summary>
    RuinAndRecreate,
}

/// <summary>How iterated local search ruins a plan before rebuilding it.</summary>
public enum RuinStrategy
{
    /// <summary>Slack induction by string removals (Christiaens and Vanden Berghe): strings of nearby visits from nearby routes.</summary>
    StringRemovals,
    /// <summary>A random walk of nearby visits.</summary>
    RandomWalk,
    /// <summary>Whole routes close to each other.</summary>
    SpatiallyCloseRoutes,
}

/// <summary>What a unit of travel costs: time (the default for staff) or distance (fuel, or a benchmark).</summary>
public enum TravelCostBasis
{
    Seconds,
    Metres,
}

/// <summary>
/// Weights of the named penalties, in one currency: by default one unit is one second of staff travel. See each
/// penalty class in <c>Routing/Penalties</c> for what it measures.
/// </summary>
public sealed record PenaltyWeights
{
    /// <summary>Cost of one second (or metre, see <see cref="TravelBasis"/>) of travel.</summary>
    public long TravelPerUnit { get; init; } = 1;

    public TravelCostBasis TravelBasis { get; init; } = TravelCostBasis.Seconds;

    /// <summary>Cost of each second a staff member gets back after their shift end.</summary>
    public long OvertimePerSecond { get; init; } = 3;

    /// <summary>Cost of leaving out a routine visit: ten hours of travel, so a visit that fits is always served.</summary>
    public long DropRoutine { get; init; } = 36_000;

    /// <summary>Each urgency level multiplies the cost of leaving a visit out by this: one urgent visit outweighs many routine ones.</summary>
    public long UrgencyFactor { get; init; } = 10;

    /// <summary>Added to the cost of leaving a visit out for each day the resident has already waited.</summary>
    public long PerDayWaited { get; init; } = 3_600;

    /// <summary>Days waited beyond this count no more (keeps the weights bounded).</summary>
    public int DaysWaitedCap { get; init; } = 60;

    /// <summary>Cost of sending one more staff member out at all (they are then not at the windows); 0 by default.</summary>
    public long PerStaffUsed { get; init; }
}

/// <summary>Search settings of the route planner. Always bounded by <see cref="TimeLimit"/>.</summary>
public sealed record RoutePlannerOptions
{
    public Duration TimeLimit { get; init; } = Duration.FromSeconds(30);

    public FirstSolution FirstSolution { get; init; } = FirstSolution.Automatic;

    /// <summary>
    /// A portfolio of first-solution strategies: when not empty, the planner runs one search per strategy, in this
    /// order, sharing <see cref="TimeLimit"/> (each an equal share of the time left), and keeps the best checked plan;
    /// <see cref="FirstSolution"/> is then not used. Only for searches that start from OR-Tools' first solution (see
    /// <see cref="InitialPlan"/>); a day started by the planner's own insertion runs one search. Empty by default.
    /// </summary>
    public IReadOnlyList<FirstSolution> Portfolio { get; init; } = [];

    /// <summary>Where the search starts: OR-Tools' first solution, or the planner's own insertion (see <see cref="Routing.InitialPlan"/>).</summary>
    public InitialPlan InitialPlan { get; init; } = InitialPlan.Automatic;

    public Metaheuristic Metaheuristic { get; init; } = Metaheuristic.Automatic;

    /// <summary>
    /// The metaheuristic a search runs, given whether it starts from a plan the planner built itself: the one rule
    /// behind <see cref="Metaheuristic.Automatic"/>. OR-Tools' iterated local search builds its own first solution,
    /// so a search that starts from a given plan runs guided local search instead, even when iterated local search
    /// was asked for.
    /// </summary>
    public Metaheuristic MetaheuristicFor(bool startsFromPlan) => Metaheuristic switch
    {
        Metaheuristic.Automatic or Metaheuristic.IteratedLocalSearch or Metaheuristic.RuinAndRecreate when startsFromPlan => Metaheuristic.RuinAndRecreate,
        Metaheuristic.Automatic or Metaheuristic.RuinAndRecreate => Metaheuristic.IteratedLocalSearch,
        var chosen => chosen,
    };

    /// <summary>
    /// OR-Tools' guided local search lambda coefficient (how hard it penalises the arcs of local optima); null keeps
    /// OR-Tools' default (0.1). 0.2 measured best on the Solomon instances.
    /// </summary>
    public double? GuidedLocalSearchLambda { get; init; } = 0.2;

    /// <summary>Ruin strategy of <see cref="Metaheuristic.IteratedLocalSearch"/>.</summary>
    public RuinStrategy Ruin { get; init; } = RuinStrategy.StringRemovals;

    /// <summary>
    /// Visits removed by one ruin, on average (string removals) or exactly (random walk). On the Solomon instances
    /// 15 to 30 did equally well within the noise and 5 was far worse; 20 is the setting of the best full run
    /// (docs/benchmarks.md).
    /// </summary>
    public int RuinSize { get; init; } = 20;

    /// <summary>
    /// Share of the nearest visits local search moves consider for each visit (OR-Tools ls_operator_neighbors_ratio);
    /// null keeps OR-Tools' default (all of them). Smaller is faster per move, with fewer moves tried.
    /// </summary>
    public double? NeighborsRatio { get; init; }

    /// <summary>
    /// Local search operators to switch on or off beyond OR-Tools' defaults, by the snake_case name of their
    /// <c>use_*</c> flag without the prefix (for example <c>path_lns</c>, <c>relocate_and_make_active</c>,
    /// <c>cross_exchange</c>) mapped to on or off. Empty keeps the defaults: OR-Tools' own, except that iterated
    /// local search switches off <see cref="IteratedLocalSearchOff"/>.
    /// </summary>
    public IReadOnlyDictionary<string, bool> LocalSearchOperators { get; init; } = new Dictionary<string, bool>();

    /// <summary>
    /// The operators iterated local search runs without: OR-Tools' insertion-based large neighbourhoods, which redo
    /// what its ruin and recreate does and took most of each descent (on the Solomon instances: mean gap 1.10% with
    /// them off and 20 removed visits, 1.54% with them on and 15). <see cref="LocalSearchOperators"/> can switch them
    /// back on.
    /// </summary>
    public static IReadOnlyList<string> IteratedLocalSearchOff { get; } =
    [
        "global_cheapest_insertion_path_lns",
        "local_cheapest_insertion_path_lns",
        "relocate_path_global_cheapest_insertion_insert_unperformed",
    ];

    /// <summary>Stop after this many improving solutions (OR-Tools' searches; tests); null for no limit.</summary>
    public long? SolutionLimit { get; init; }

    /// <summary>
    /// Searches run side by side, each on its own thread (the OR-Tools routing search is single-threaded), keeping
    /// the better checked plan: differently seeded ruin and recreate searches (<see cref="Seed"/>, then the next
    /// seeds), or, from OR-Tools' first solution, differently started ones (<see cref="SecondFirstSolution"/>).
    /// By default one per core, at most two (the size the plan runs are deployed with, docs/benchmarks.md).
    /// </summary>
    public int Searches { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 2);

    /// <summary>
    /// Whether the planner's own searches side by side share their best plan at the end of every annealing cycle
    /// (<see cref="Routing.RuinAndRecreate.Exchange"/>), each starting its next cycle from the best of them all,
    /// rather than searching apart until the end.
    /// </summary>
    public bool ShareBest { get; init; } = true;

    /// <summary>
    /// Iterations of one annealing cycle of the planner's own search (<see cref="Routing.RuinAndRecreate.CycleIterations"/>
    /// by default): each cycle cools from hot to cold and the next starts again from the best plan.
    /// </summary>
    public int AnnealingCycle { get; init; } = Routing.RuinAndRecreate.CycleIterations;

    /// <summary>
    /// Whether the rebuilds of the planner's own search may move the visits they keep within their windows to make room
    /// for one more (push-forward and pull-back insertion, <see cref="Routing.InsertionBuilder.TryInsert"/>); off, every
    /// kept visit keeps its start (the insertion's fixed starts).
    /// </summary>
    public bool ShiftKept { get; init; } = true;

    /// <summary>
    /// Whether a rebuild that follows a ruin centred on a visit left out puts that visit back first (after urgent
    /// ones), so the room the ruin made goes to it before the removed visits take it again; off (the default), it is put
    /// back in the same order as the others (by value per staff hour). Measured in docs/benchmarks.md (issue 16, fourth
    /// round): not reliably better, so not the default.
    /// </summary>
    public bool FocusLeftOut { get; init; } = false;

    /// <summary>Share of the ruins centred on a random visit left out (the rest: near a served visit, or a stretch of a route).</summary>
    public double LeftOutRuinShare { get; init; } = Routing.RuinAndRecreate.DefaultLeftOutRuinShare;

    /// <summary>
    /// Whether the first plan (<see cref="Routing.InsertionBuilder.Build"/>) is built with the same moving insertion as
    /// the rebuilds (<see cref="ShiftKept"/>); off, with fixed starts.
    /// </summary>
    public bool ShiftedFirstPlan { get; init; } = false;

    /// <summary>
    /// The annealing's temperature at the start of each cycle of ruin and recreate (objective units; it cools to
    /// <see cref="Routing.RuinAndRecreate.ColdTemperature"/> over the cycle); null for half the cost of leaving out a
    /// routine visit (<see cref="Routing.RuinAndRecreate.HotShareOfVisit"/>; 18,000 with the default weights, ADR 0032).
    /// </summary>
    public double? HotTemperature { get; init; }

    /// <summary>
    /// Visits left out that each rebuild of ruin and recreate also tries to put back, beyond those its ruin removed (the
    /// nearest the ruin, and two at random).
    /// </summary>
    public int RetriedLeftOut { get; init; } = Routing.RuinAndRecreate.RetriedLeftOut;

    /// <summary>
    /// Whether the ruins of ruin and recreate remove strings of stops from the routes near one place and time
    /// (<see cref="Routing.RuinAndRecreate.MaxString"/>, ADR 0033; the default); off, the visits nearest a place, or a
    /// stretch of one route and the visits nearest it, as before.
    /// </summary>
    public bool RelatedStrings { get; init; } = true;

    /// <summary>
    /// The first solution of the second search side by side when the search starts from OR-Tools' first solution
    /// (the first search uses <see cref="FirstSolution"/>).
    /// </summary>
    public FirstSolution SecondFirstSolution { get; init; } = FirstSolution.ParallelCheapestInsertion;

    /// <summary>Seed of the planner's own search (<see cref="Metaheuristic.RuinAndRecreate"/>): the same seed, the same moves.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Iterations of each ruin and recreate search; null to search until <see cref="TimeLimit"/>. With a limit, the
    /// same request and seed give the same plan on any machine (as long as the limit is reached within the time limit).
    /// </summary>
    public long? IterationLimit { get; init; }

    /// <summary>
    /// Reproducible plans: the ruin and recreate searches run a fixed budget of iterations derived from
    /// <see cref="TimeLimit"/> (<see cref="ReproducibleIterationsPerSecond"/> a second) instead of the clock, so the
    /// same request, seed and time limit give the same plan; the time limit still bounds the run (a machine too slow
    /// for the budget ends at the limit, and the result says so). Off by default: a plan run uses all its time.
    /// </summary>
    public bool Reproducible { get; init; }

    /// <summary>
    /// Iterations a second a reproducible run budgets for: about half of what the shared bench machine did on the
    /// 300-visit Huli day (320 a second a search), so the budget fits in the time limit with room for a busier machine.
    /// </summary>
    public const int ReproducibleIterationsPerSecond = 150;

    /// <summary>The iteration budget of each ruin and recreate search: <see cref="IterationLimit"/>, or the reproducible one.</summary>
    public long? IterationBudget => IterationLimit ?? (Reproducible ? (long)Math.Ceiling(TimeLimit.TotalSeconds * ReproducibleIterationsPerSecond) : null);

    public PenaltyWeights Weights { get; init; } = new();

    /// <summary>
    /// Route elimination (ADR 0020): when sending a staff member out costs something (<see cref="PenaltyWeights.PerStaffUsed"/>
    /// above 0) on a day OR-Tools searches from its own first solution, the search gets the time limit less this share,
    /// and the rest goes to emptying whole routes: the route with the fewest visits is closed and its visits put back
    /// into the other routes by a search started from the plan without it (guided local search), kept when its
    /// objective is lower. 0 turns it off.
    /// </summary>
    public double EliminationShare { get; init; } = 0.4;

    /// <summary>Each attempt to empty a route searches for at most this share of <see cref="TimeLimit"/> (at least 0.2 s).</summary>
    public double EliminationAttemptShare { get; init; } = 0.1;

    /// <summary>Write OR-Tools' search log to standard error.</summary>
    public bool LogSearch { get; init; }

    /// <summary>
    /// Solver threads. The OR-Tools routing search is single-threaded, so this is 1; it is here so that a
    /// configuration says so explicitly.
    /// </summary>
    public int Threads => 1;
}
