using System.Diagnostics;
using Google.OrTools.ConstraintSolver;
using Google.Protobuf.WellKnownTypes;
using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing.Penalties;
using Duration = NodaTime.Duration;

namespace Scheduler.Optimization.Routing;

/// <summary>
/// Plans a day of home visits with the OR-Tools routing solver: one vehicle per staff member, one node per team
/// member of each visit, a time dimension in seconds of the day (service time counted in the transit), and the
/// named penalties of <c>Routing/Penalties</c> as the objective. Every plan it returns has been run through the
/// independent <see cref="PlanChecker"/>; only <see cref="RoutePlanResult.Publishable"/> results may be published.
/// </summary>
public sealed class HomeVisitRoutePlanner(RoutePlannerOptions options)
{
    public const string TimeDimension = "Time";
    public const string LoadDimension = "Load";

    public HomeVisitRoutePlanner() : this(new RoutePlannerOptions()) { }

    public RoutePlannerOptions Options => options;

    /// <summary>Asks the travel port for the request's places, then solves on a worker thread.</summary>
    public async Task<RoutePlanResult> PlanAsync(HomeVisitPlanRequest request, ITravelTimeProvider travel,
        CancellationToken cancellationToken = default)
    {
        var problems = PlanRequestValidator.Validate(request);
        if (problems.Count > 0) return Invalid(problems);
        var matrix = await travel.GetMatrixAsync(new PlanPlaces(request).Points, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => Solve(request, matrix, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Solves with a matrix over <see cref="PlanPlaces.Points"/> of the request (in that order). Blocks for at most
    /// the time limit (or until cancelled, keeping the best plan found so far).
    /// </summary>
    public RoutePlanResult Solve(HomeVisitPlanRequest request, TravelMatrix matrix, CancellationToken cancellationToken = default)
    {
        if (options.Portfolio.Count == 0 || UsesInsertion(request)) return SolveWith(options, request, matrix, cancellationToken);

        // Portfolio: one search per first-solution strategy, in turn, sharing the time limit (each gets an equal
        // share of what is left, so time a run does not use goes to the next); the best checked plan is kept.
        var clock = Stopwatch.StartNew();
        RoutePlanResult? best = null;
        var solutions = new List<SolutionPoint>();
        Duration? firstAfter = null;
        for (var i = 0; i < options.Portfolio.Count && !cancellationToken.IsCancellationRequested; i++)
        {
            var started = Duration.FromTimeSpan(clock.Elapsed);
            var share = (options.TimeLimit - started) / (options.Portfolio.Count - i);
            var run = SolveWith(options with { FirstSolution = options.Portfolio[i], TimeLimit = share, Portfolio = [] },
                request, matrix, cancellationToken);
            if (run.Status == RoutePlanStatus.InvalidRequest) return run;
            solutions.AddRange(run.Statistics.Solutions.Select(s => s with { At = started + s.At }));
            if (firstAfter is null && run.Statistics.FirstSolutionAfter is { } f) firstAfter = started + f;
            if (best is null || Better(run, best)) best = run;
        }
        if (best is null) return SolveWith(options with { Portfolio = [] }, request, matrix, cancellationToken);
        return best with
        {
            Statistics = best.Statistics with
            {
                Elapsed = Duration.FromTimeSpan(clock.Elapsed),
                FirstSolutionAfter = firstAfter,
                Solutions = solutions,
            },
        };
    }

    /// <summary>A publishable plan beats any other result; between two, the lower objective.</summary>
    private static bool Better(RoutePlanResult candidate, RoutePlanResult incumbent)
    {
        if (candidate.Publishable != incumbent.Publishable) return candidate.Publishable;
        if (candidate.Score is null) return false;
        return incumbent.Score is null || candidate.Score.Total < incumbent.Score.Total;
    }

    private RoutePlanResult SolveWith(RoutePlannerOptions options, HomeVisitPlanRequest request, TravelMatrix matrix,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var problems = PlanRequestValidator.Validate(request).ToList();
        var places = problems.Count == 0 ? new PlanPlaces(request) : null;
        if (places is not null && matrix.Size < places.Points.Count)
            problems.Add($"the travel matrix has {matrix.Size} places, the request {places.Points.Count}");
        if (problems.Count > 0) return Invalid(problems);

        // Visits nobody could serve, even alone, are left out before solving, each with its reason.
        var planned = new List<VisitToPlan>();
        var dropped = new List<DroppedVisit>();
        foreach (var v in request.Visits)
        {
            if (VisitFeasibility.WhyNot(request, places!, matrix, v) is not { } why) planned.Add(v);
            else if (v.Pin is not null) problems.Add($"pinned visit {v.Id} cannot be kept: {why.Explanation}");
            else dropped.Add(new DroppedVisit(v.Id, why.Reason, why.Explanation));
        }
        if (problems.Count > 0) return Invalid(problems);

        var nodes = new RoutingNodes(request, places!, planned);
        using var manager = new RoutingIndexManager(nodes.All.Count, request.Staff.Count, nodes.Starts, nodes.Ends);
        using var model = new RoutingModel(manager);
        var c = new RoutingContext(request, matrix, options.Weights, nodes, manager, model);

        HardRules.Apply(c);
        TravelPenalty.Apply(c);
        OvertimePenalty.Apply(c);
        DropPenalty.Apply(c);
        StaffUsePenalty.Apply(c);

        var solutions = new List<SolutionPoint>();
        VoidToVoid onSolution = () =>
        {
            solutions.Add(new SolutionPoint(Duration.FromTimeSpan(clock.Elapsed), model.CostVar().Value()));
            if (cancellationToken.IsCancellationRequested) model.CancelSearch();
        };
        c.Keep(onSolution);
        model.AddAtSolutionCallback(onSolution);
        using var cancel = cancellationToken.Register(model.CancelSearch);

        var built = UsesInsertion(request) ? InsertionBuilder.Build(c, cancellationToken) : null;
        HomeVisitPlan? builtPlan = null;
        if (built is not null)
        {
            builtPlan = PlanReader.Read(c, built, dropped);
            if (PlanChecker.Check(request, matrix, builtPlan).Count == 0)
                solutions.Add(new SolutionPoint(Duration.FromTimeSpan(clock.Elapsed), PlanScore.Of(request, matrix, builtPlan, options.Weights).Total));
            else builtPlan = null; // a defect of the builder: let the search start on its own
        }
        var search = options.MetaheuristicFor(startsFromPlan: builtPlan is not null);
        var parameters = SearchParameters(options, search, options.TimeLimit - Duration.FromTimeSpan(clock.Elapsed));
        Assignment? solution;
        if (builtPlan is not null)
        {
            model.CloseModelWithParameters(parameters);
            // The routes as an assignment of the next variables only: the search restores the times itself (its
            // first solution), where ReadAssignmentFromRoutes would spend the whole time limit optimising the times.
            var initial = c.Solver.MakeAssignment();
            c.Keep(initial);
            if (!model.RoutesToAssignment(built!.Indices(c), true, true, initial)) initial = null;
            solution = initial is null || cancellationToken.IsCancellationRequested ? null : model.SolveFromAssignmentWithParameters(initial, parameters);
        }
        else
        {
            // OR-Tools runs iterated local search only through its own entry point (the flag alone is not enough).
            solution = search == Metaheuristic.IteratedLocalSearch
                ? model.SolveWithIteratedLocalSearch(parameters)
                : model.SolveWithParameters(parameters);
        }
        var status = model.GetStatus().ToString();
        GC.KeepAlive(c.Kept);
        // OR-Tools falls back on "every visit dropped" when its search found nothing: that is no plan either.
        if (solution is not null && solutions.Count == 0 && nodes.Visits.Count > 0) solution = null;
        HomeVisitPlan? plan = null;
        IReadOnlyList<PlanViolation> violations = [];
        if (solution is not null)
        {
            plan = PlanReader.Read(c, solution, dropped);
            violations = PlanChecker.Check(request, matrix, plan);
        }
        // The built plan when the search kept nothing better (or, a defect, something the checker rejects).
        if (builtPlan is not null && (plan is null || violations.Count > 0))
        {
            plan = builtPlan;
            violations = [];
        }
        if (plan is null)
        {
            var stats0 = new SolveStatistics(Duration.FromTimeSpan(clock.Elapsed), null, null, solutions, status, search);
            return new RoutePlanResult(cancellationToken.IsCancellationRequested ? RoutePlanStatus.Cancelled : RoutePlanStatus.NoSolution,
                null, [$"the search found no plan within {options.TimeLimit.TotalSeconds:0.#} s (solver status {status})"], [], null, stats0);
        }

        var score = PlanScore.Of(request, matrix, plan, options.Weights);
        var stats = new SolveStatistics(Duration.FromTimeSpan(clock.Elapsed), score.Total,
            solutions.Count > 0 ? solutions[0].At : null, solutions, status, search);
        return new RoutePlanResult(violations.Count == 0 ? RoutePlanStatus.Planned : RoutePlanStatus.CheckFailed,
            plan, [], violations, score, stats);
    }

    /// <summary>
    /// The plan <see cref="InsertionBuilder"/> builds for a valid request, before any search (null when a pin cannot
    /// be placed): to test the builder on its own.
    /// </summary>
    internal HomeVisitPlan? InsertionPlan(HomeVisitPlanRequest request, TravelMatrix matrix)
    {
        var places = new PlanPlaces(request);
        var planned = new List<VisitToPlan>();
        var dropped = new List<DroppedVisit>();
        foreach (var v in request.Visits)
        {
            if (VisitFeasibility.WhyNot(request, places, matrix, v) is not { } why) planned.Add(v);
            else dropped.Add(new DroppedVisit(v.Id, why.Reason, why.Explanation));
        }
        var nodes = new RoutingNodes(request, places, planned);
        using var manager = new RoutingIndexManager(nodes.All.Count, request.Staff.Count, nodes.Starts, nodes.Ends);
        using var model = new RoutingModel(manager);
        var c = new RoutingContext(request, matrix, options.Weights, nodes, manager, model);
        return InsertionBuilder.Build(c) is { } built ? PlanReader.Read(c, built, dropped) : null;
    }

    /// <summary>Whether the search starts from the planner's own insertion (<see cref="InitialPlan"/>).</summary>
    internal bool UsesInsertion(HomeVisitPlanRequest request) => options.InitialPlan switch
    {
        InitialPlan.Insertion => true,
        InitialPlan.Search => false,
        _ => request.Visits.Any(v => v.TeamSize > 1) || request.Staff.Any(s => s.Lunch is not null),
    };

    private static RoutingSearchParameters SearchParameters(RoutePlannerOptions options, Metaheuristic search, Duration timeLimit)
    {
        var p = operations_research_constraint_solver.DefaultRoutingSearchParameters();
        p.FirstSolutionStrategy = options.FirstSolution switch
        {
            FirstSolution.PathCheapestArc => FirstSolutionStrategy.Types.Value.PathCheapestArc,
            FirstSolution.ParallelCheapestInsertion => FirstSolutionStrategy.Types.Value.ParallelCheapestInsertion,
            FirstSolution.LocalCheapestInsertion => FirstSolutionStrategy.Types.Value.LocalCheapestInsertion,
            FirstSolution.GlobalCheapestArc => FirstSolutionStrategy.Types.Value.GlobalCheapestArc,
            FirstSolution.Savings => FirstSolutionStrategy.Types.Value.Savings,
            FirstSolution.Christofides => FirstSolutionStrategy.Types.Value.Christofides,
            _ => FirstSolutionStrategy.Types.Value.Automatic,
        };
        p.LocalSearchMetaheuristic = search switch
        {
            Metaheuristic.GreedyDescent => LocalSearchMetaheuristic.Types.Value.GreedyDescent,
            Metaheuristic.GuidedLocalSearch => LocalSearchMetaheuristic.Types.Value.GuidedLocalSearch,
            Metaheuristic.SimulatedAnnealing => LocalSearchMetaheuristic.Types.Value.SimulatedAnnealing,
            Metaheuristic.TabuSearch => LocalSearchMetaheuristic.Types.Value.TabuSearch,
            // Each perturbed plan is improved by descent; the annealing acceptance is iterated local search's own.
            Metaheuristic.IteratedLocalSearch => LocalSearchMetaheuristic.Types.Value.GreedyDescent,
            _ => throw new ArgumentOutOfRangeException(nameof(search), search, "resolve Automatic first"),
        };
        if (search == Metaheuristic.IteratedLocalSearch)
        {
            p.UseIteratedLocalSearch = true;
            var ruin = new Google.OrTools.ConstraintSolver.RuinStrategy();
            switch (options.Ruin)
            {
                case Routing.RuinStrategy.RandomWalk:
                    ruin.RandomWalk = new RandomWalkRuinStrategy { NumRemovedVisits = (uint)options.RuinSize };
                    break;
                case Routing.RuinStrategy.SpatiallyCloseRoutes:
                    ruin.SpatiallyCloseRoutes = new SpatiallyCloseRoutesRuinStrategy { NumRuinedRoutes = 2 };
                    break;
                default:
                    ruin.Sisr = new SISRRuinStrategy { AvgNumRemovedVisits = (uint)options.RuinSize, MaxRemovedSequenceSize = 10, BypassFactor = 0.01 };
                    break;
            }
            var rr = p.IteratedLocalSearchParameters.RuinRecreateParameters;
            rr.RuinStrategies.Clear();
            rr.RuinStrategies.Add(ruin);
            p.IteratedLocalSearchParameters.ReferenceSolutionAcceptanceStrategy.SimulatedAnnealing.AutomaticTemperatures = true;
            foreach (var name in RoutePlannerOptions.IteratedLocalSearchOff) SetOperator(p.LocalSearchOperators, name, false);
        }
        if (options.NeighborsRatio is { } ratio)
        {
            p.LsOperatorNeighborsRatio = ratio;
            p.LsOperatorMinNeighbors = 10;
        }
        foreach (var (name, on) in options.LocalSearchOperators) SetOperator(p.LocalSearchOperators, name, on);
        if (options.GuidedLocalSearchLambda is { } lambda) p.GuidedLocalSearchLambdaCoefficient = lambda;
        p.TimeLimit = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(
            Duration.Max(timeLimit, Duration.FromMilliseconds(100)).ToTimeSpan());
        if (options.SolutionLimit is { } limit) p.SolutionLimit = limit;
        p.LogSearch = options.LogSearch;
        return p;
    }

    /// <summary>Sets OR-Tools' <c>use_&lt;name&gt;</c> local search operator flag.</summary>
    internal static void SetOperator(RoutingSearchParameters.Types.LocalSearchNeighborhoodOperators operators, string name, bool on)
    {
        var field = RoutingSearchParameters.Types.LocalSearchNeighborhoodOperators.Descriptor.FindFieldByName("use_" + name)
                    ?? throw new ArgumentException($"no local search operator use_{name} in OR-Tools' routing parameters", nameof(name));
        field.Accessor.SetValue(operators, on ? Google.OrTools.Util.OptionalBoolean.BoolTrue : Google.OrTools.Util.OptionalBoolean.BoolFalse);
    }

    private static RoutePlanResult Invalid(IReadOnlyList<string> problems) =>
        new(RoutePlanStatus.InvalidRequest, null, problems, [], null,
            new SolveStatistics(Duration.Zero, null, null, [], "not solved"));
}
