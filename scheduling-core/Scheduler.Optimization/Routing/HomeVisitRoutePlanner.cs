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
        if (EliminatesRoutes(request)) return SolveThenEliminate(request, matrix, cancellationToken);
        // A day started by the planner's insertion runs its searches side by side inside SolveWith.
        if (UsesInsertion(request)) return SolveWith(options, request, matrix, cancellationToken);
        if (options.Portfolio.Count == 0)
            return options.Searches > 1 ? SolveSideBySide(request, matrix, cancellationToken) : SolveWith(options, request, matrix, cancellationToken);

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

    /// <summary>
    /// OR-Tools searches from its own first solution, one per core and differently started (<see cref="RoutePlannerOptions.FirstSolution"/>
    /// and <see cref="RoutePlannerOptions.SecondFirstSolution"/>), each with the whole time limit; the better checked plan is kept.
    /// </summary>
    private RoutePlanResult SolveSideBySide(HomeVisitPlanRequest request, TravelMatrix matrix, CancellationToken cancellationToken)
    {
        var variants = Enumerable.Range(0, options.Searches).Select(i => options with
        {
            Searches = 1,
            FirstSolution = i == 0 ? options.FirstSolution : i == 1 ? options.SecondFirstSolution : FirstSolution.Automatic,
            RuinSize = i < 2 ? options.RuinSize : options.RuinSize + 10 * (i - 1),
        }).ToList();
        var runs = new RoutePlanResult[variants.Count];
        Parallel.For(0, variants.Count, new ParallelOptions { MaxDegreeOfParallelism = variants.Count },
            i => runs[i] = SolveWith(variants[i], request, matrix, cancellationToken));
        var best = runs[0];
        foreach (var run in runs.Skip(1))
            if (Better(run, best)) best = run;
        if (best.Status == RoutePlanStatus.InvalidRequest) return best;
        return best with
        {
            Statistics = best.Statistics with
            {
                Searches = runs.Length,
                Solutions = Improving(runs.SelectMany(r => r.Statistics.Solutions)),
                FirstSolutionAfter = runs.Select(r => r.Statistics.FirstSolutionAfter).Where(f => f is not null).DefaultIfEmpty().Min(),
                // The side-by-side searches that failed say so even when another one's plan is kept.
                EndReason = string.Join("; ", runs.Where(r => r.Statistics.Ended == SearchEnd.SolverFailed).Select(r => r.Statistics.EndReason)
                    .Prepend(best.Statistics.EndReason).Where(x => x is not null).Distinct()) is { Length: > 0 } reasons ? reasons : null,
            },
        };
    }

    /// <summary>Whether this request gets route elimination (<see cref="RoutePlannerOptions.EliminationShare"/>).</summary>
    internal bool EliminatesRoutes(HomeVisitPlanRequest request) =>
        options.EliminationShare > 0 && StaffUsePenalty.Priced(request, options.Weights) && !UsesInsertion(request);

    /// <summary>A search started from given routes (the stops of each staff member, by the request's order of staff) with some staff kept at the hall.</summary>
    private sealed record Warm(IReadOnlySet<int> Closed, IReadOnlyList<IReadOnlyList<RouteStop>> Routes);

    /// <summary>
    /// Route elimination (ADR 0020): the search as usual for the time limit less <see cref="RoutePlannerOptions.EliminationShare"/>,
    /// then, while time is left, the route with the fewest visits (then the shortest day) is closed and a search
    /// started from the plan without it puts its visits back into the other routes; the result is kept when its
    /// objective is lower (one staff member fewer is worth <see cref="PenaltyWeights.PerStaffUsed"/>), else that route
    /// stays and the next smallest is tried. Once no route is left to try, the rest of the time improves the plan with
    /// the closed routes kept closed.
    /// </summary>
    private RoutePlanResult SolveThenEliminate(HomeVisitPlanRequest request, TravelMatrix matrix, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var first = new HomeVisitRoutePlanner(options with { TimeLimit = options.TimeLimit * (1 - options.EliminationShare), EliminationShare = 0 })
            .Solve(request, matrix, cancellationToken);
        return first.Publishable ? Eliminate(request, matrix, first, clock, cancellationToken) : first;
    }

    /// <summary>
    /// Empties routes of <paramref name="first"/> (a publishable plan) until <see cref="RoutePlannerOptions.TimeLimit"/>
    /// on <paramref name="clock"/> (see <see cref="SolveThenEliminate"/>).
    /// </summary>
    internal RoutePlanResult Eliminate(HomeVisitPlanRequest request, TravelMatrix matrix, RoutePlanResult first, Stopwatch clock,
        CancellationToken cancellationToken = default)
    {
        var best = first;
        var solutions = first.Statistics.Solutions.ToList();
        var closed = new HashSet<int>();
        var stays = new HashSet<int>();
        var attemptLimit = Duration.Max(options.TimeLimit * options.EliminationAttemptShare, Duration.FromMilliseconds(200));
        while (!cancellationToken.IsCancellationRequested)
        {
            var left = options.TimeLimit - Duration.FromTimeSpan(clock.Elapsed);
            if (left < Duration.FromMilliseconds(200)) break;
            var routes = RoutesByVehicle(request, best.Plan!);
            var days = best.Plan!.Routes.ToDictionary(r => r.StaffId, r => DayClock.Seconds(r.Return) - DayClock.Seconds(r.Departure), StringComparer.Ordinal);
            int? candidate = Enumerable.Range(0, routes.Length)
                .Where(v => routes[v].Count > 0 && !stays.Contains(v))
                .OrderBy(v => routes[v].Count).ThenBy(v => days.GetValueOrDefault(request.Staff[v].StaffId)).ThenBy(v => v)
                .Select(v => (int?)v).FirstOrDefault();
            var closing = closed.ToHashSet();
            if (candidate is { } v0)
            {
                closing.Add(v0);
                routes[v0] = [];
            }
            var started = Duration.FromTimeSpan(clock.Elapsed);
            var attempt = SolveWith(options with { TimeLimit = candidate is null ? left : Duration.Min(left, attemptLimit), EliminationShare = 0 },
                request, matrix, cancellationToken, new Warm(closing, routes));
            solutions.AddRange(attempt.Statistics.Solutions.Select(p => p with { At = started + p.At }));
            if (Better(attempt, best))
            {
                best = attempt;
                closed = closing;
            }
            else if (candidate is { } v1) stays.Add(v1);
            if (candidate is null) break;
        }
        var elapsed = Duration.FromTimeSpan(clock.Elapsed);
        var (ended, reason) = cancellationToken.IsCancellationRequested ? (SearchEnd.Cancelled, "cancelled")
            : elapsed >= options.TimeLimit * 0.9 ? (SearchEnd.TimeLimit, (string?)null)
            : (first.Statistics.Ended, first.Statistics.EndReason);
        return best with
        {
            Statistics = best.Statistics with
            {
                Elapsed = elapsed,
                FirstSolutionAfter = first.Statistics.FirstSolutionAfter,
                Solutions = Improving(solutions),
                Searches = first.Statistics.Searches,
                Ended = ended,
                EndReason = reason,
                // A search that takes one route's visits back may empty others on its way: counted on the plans.
                RoutesEliminated = Math.Max(0, first.Plan!.Routes.Count(r => r.Stops.Count > 0) - best.Plan!.Routes.Count(r => r.Stops.Count > 0)),
            },
        };
    }

    /// <summary>A plan's visits per staff member (by the request's order of staff), in the order they are visited.</summary>
    private static IReadOnlyList<RouteStop>[] RoutesByVehicle(HomeVisitPlanRequest request, HomeVisitPlan plan)
    {
        var byStaff = plan.Routes.ToDictionary(r => r.StaffId, r => r.Stops, StringComparer.Ordinal);
        return request.Staff.Select(s => byStaff.GetValueOrDefault(s.StaffId) ?? []).ToArray();
    }

    /// <summary>Routes of stops as routing indices (a team's nodes taken in turn by the routes that hold the visit).</summary>
    private static long[][] Indices(RoutingContext c, IReadOnlyList<IReadOnlyList<RouteStop>> routes)
    {
        var nodes = c.Nodes.Teams.ToDictionary(t => t[0].Visit!.Id, t => new Queue<RoutingNode>(t), StringComparer.Ordinal);
        return routes.Select(r => r.Where(s => nodes.ContainsKey(s.VisitId)).Select(s => c.IndexOf(nodes[s.VisitId].Dequeue())).ToArray()).ToArray();
    }

    /// <summary>The solutions that improved on all earlier ones, in time order (several searches' solutions merged).</summary>
    private static List<SolutionPoint> Improving(IEnumerable<SolutionPoint> points)
    {
        var result = new List<SolutionPoint>();
        foreach (var p in points.OrderBy(p => p.At).ThenBy(p => p.Objective))
            if (result.Count == 0 || p.Objective < result[^1].Objective) result.Add(p);
        return result;
    }

    /// <summary>A publishable plan beats any other result; between two, the lower objective.</summary>
    private static bool Better(RoutePlanResult candidate, RoutePlanResult incumbent)
    {
        if (candidate.Publishable != incumbent.Publishable) return candidate.Publishable;
        if (candidate.Score is null) return false;
        return incumbent.Score is null || candidate.Score.Total < incumbent.Score.Total;
    }

    private RoutePlanResult SolveWith(RoutePlannerOptions options, HomeVisitPlanRequest request, TravelMatrix matrix,
        CancellationToken cancellationToken, Warm? warm = null)
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

        var solutions = new List<SolutionPoint>();
        var built = warm is null && UsesInsertion(request) ? InsertionBuilder.Build(c, cancellationToken, options.ShiftedFirstPlan && options.ShiftKept) : null;
        HomeVisitPlan? builtPlan = null;
        PlanScore? builtScore = null;
        if (built is not null)
        {
            builtPlan = PlanReader.Read(c, built, dropped);
            if (PlanChecker.Check(request, matrix, builtPlan).Count == 0)
            {
                builtScore = PlanScore.Of(request, matrix, builtPlan, options.Weights);
                solutions.Add(new SolutionPoint(Duration.FromTimeSpan(clock.Elapsed), builtScore.Total));
            }
            else builtPlan = null; // a defect of the builder: let the search start on its own
        }
        // From given routes, OR-Tools' own metaheuristics only (iterated local search has no entry point from an assignment).
        var search = warm is null ? options.MetaheuristicFor(startsFromPlan: builtPlan is not null)
            : options.Metaheuristic is Metaheuristic.GreedyDescent or Metaheuristic.GuidedLocalSearch or Metaheuristic.SimulatedAnnealing
                or Metaheuristic.TabuSearch ? options.Metaheuristic : Metaheuristic.GuidedLocalSearch;
        if (search == Metaheuristic.RuinAndRecreate)
            return Improve(options, c, built!, builtPlan!, builtScore!, dropped, solutions, clock, cancellationToken);

        HardRules.Apply(c);
        TravelPenalty.Apply(c);
        OvertimePenalty.Apply(c);
        DropPenalty.Apply(c);
        StaffUsePenalty.Apply(c);
        if (warm is not null)
            foreach (var node in nodes.Visits)
                foreach (var v in warm.Closed) model.VehicleVar(c.IndexOf(node)).RemoveValue(v);

        VoidToVoid onSolution = () =>
        {
            // OR-Tools also calls back from inner searches where the objective is not yet fixed: those are no solutions
            // (and IntVar.Value() of an unbound variable aborts the process).
            var cost = model.CostVar();
            // Only improving ones are kept (iterated local search also reports the worse plans it accepts).
            if (cost.Bound() && (solutions.Count == 0 || cost.Value() < solutions[^1].Objective))
                solutions.Add(new SolutionPoint(Duration.FromTimeSpan(clock.Elapsed), cost.Value()));
            if (cancellationToken.IsCancellationRequested) model.CancelSearch();
        };
        c.Keep(onSolution);
        model.AddAtSolutionCallback(onSolution);
        using var cancel = cancellationToken.Register(model.CancelSearch);

        var searchedFrom = solutions.Count;
        var parameters = SearchParameters(options, search, options.TimeLimit - Duration.FromTimeSpan(clock.Elapsed));
        Assignment? solution;
        if (builtPlan is not null || warm is not null)
        {
            model.CloseModelWithParameters(parameters);
            // The routes as an assignment of the next variables only: the search restores the times itself (its
            // first solution), where ReadAssignmentFromRoutes would spend the whole time limit optimising the times.
            var initial = c.Solver.MakeAssignment();
            c.Keep(initial);
            if (!model.RoutesToAssignment(warm is null ? built!.Indices(c) : Indices(c, warm.Routes), true, true, initial)) initial = null;
            solution = initial is null || cancellationToken.IsCancellationRequested ? null : model.SolveFromAssignmentWithParameters(initial, parameters);
        }
        else
        {
            // OR-Tools runs iterated local search only through its own entry point (the flag alone is not enough).
            solution = search == Metaheuristic.IteratedLocalSearch
                ? model.SolveWithIteratedLocalSearch(parameters)
                : model.SolveWithParameters(parameters);
        }
        var solverStatus = model.GetStatus();
        var status = solverStatus.ToString();
        var searchEnded = Duration.FromTimeSpan(clock.Elapsed);
        GC.KeepAlive(c.Kept);
        // OR-Tools falls back on "every visit dropped" when its search found nothing: that is no plan either.
        if (solution is not null && solutions.Count == searchedFrom && nodes.Visits.Count > 0) solution = null;
        HomeVisitPlan? plan = null;
        IReadOnlyList<PlanViolation> violations = [];
        if (solution is not null)
        {
            plan = PlanReader.Read(c, solution, dropped);
            violations = PlanChecker.Check(request, matrix, plan);
        }
        // The built plan when the search kept nothing better (or, a defect, something the checker rejects).
        var keptBuilt = false;
        if (builtPlan is not null && (plan is null || violations.Count > 0 ||
                                      PlanScore.Of(request, matrix, plan, options.Weights).Total > builtScore!.Total))
        {
            plan = builtPlan;
            violations = [];
            keptBuilt = true;
        }
        var (ended, reason) = HowItEnded(options, solverStatus, searchEnded, solutions.Count - searchedFrom, builtPlan is not null,
            keptBuilt, cancellationToken);
        if (plan is null)
        {
            var stats0 = new SolveStatistics(searchEnded, null, null, solutions, status, search, ended, reason);
            return new RoutePlanResult(cancellationToken.IsCancellationRequested ? RoutePlanStatus.Cancelled : RoutePlanStatus.NoSolution,
                null, [$"the search found no plan within {options.TimeLimit.TotalSeconds:0.#} s (solver status {status})"], [], null, stats0);
        }

        var score = PlanScore.Of(request, matrix, plan, options.Weights);
        var stats = new SolveStatistics(searchEnded, score.Total,
            solutions.Count > 0 ? solutions[0].At : null, solutions, status, search, ended, reason);
        return new RoutePlanResult(violations.Count == 0 ? RoutePlanStatus.Planned : RoutePlanStatus.CheckFailed,
            plan, [], violations, score, stats);
    }

    /// <summary>
    /// Why an OR-Tools search ended, from its status and the time it took. A search that ends well inside its time
    /// limit always gets a reason.
    /// </summary>
    internal static (SearchEnd Ended, string? Reason) HowItEnded(RoutePlannerOptions options, RoutingSearchStatus.Types.Value status,
        Duration elapsed, int solutionsFound, bool fromPlan, bool keptBuilt, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return (SearchEnd.Cancelled, "cancelled");
        var limit = options.TimeLimit.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        switch (status)
        {
            case RoutingSearchStatus.Types.Value.RoutingFail or RoutingSearchStatus.Types.Value.RoutingFailTimeout
                or RoutingSearchStatus.Types.Value.RoutingInfeasible or RoutingSearchStatus.Types.Value.RoutingInvalid:
                return (SearchEnd.SolverFailed, fromPlan
                    ? $"OR-Tools could not take over the insertion plan (status {status}): completing its times and breaks did " +
                      "not finish within OR-Tools' time limit per move, so the insertion plan is kept as built"
                    : $"OR-Tools found no plan of its own (status {status})");
            case RoutingSearchStatus.Types.Value.RoutingOptimal:
                return (SearchEnd.Exhausted, "OR-Tools proved the plan optimal");
            case RoutingSearchStatus.Types.Value.RoutingSuccess:
                return (SearchEnd.Exhausted, keptBuilt ? "OR-Tools reached a local optimum no better than the insertion plan" : "OR-Tools reached a local optimum");
        }
        if (options.SolutionLimit is { } l && solutionsFound >= l) return (SearchEnd.SolutionLimit, null);
        if (elapsed >= options.TimeLimit * 0.9) return (SearchEnd.TimeLimit, keptBuilt ? "OR-Tools found nothing better than the insertion plan" : null);
        return (SearchEnd.Exhausted, $"OR-Tools ended after {elapsed.TotalSeconds:0.0} of {limit} s with status {status}");
    }

    /// <summary>
    /// Improves the insertion plan with the planner's own ruin and recreate (<see cref="Routing.RuinAndRecreate"/>),
    /// <see cref="RoutePlannerOptions.Searches"/> searches side by side with consecutive seeds; the best checked plan
    /// is kept (the insertion plan if none is better).
    /// </summary>
    private static RoutePlanResult Improve(RoutePlannerOptions options, RoutingContext c, InsertionBuilder.Result built,
        HomeVisitPlan builtPlan, PlanScore builtScore, IReadOnlyList<DroppedVisit> dropped, List<SolutionPoint> solutions,
        Stopwatch clock, CancellationToken cancellationToken)
    {
        var searches = Math.Max(1, options.Searches);
        var budget = options.IterationBudget;
        var outcomes = new RuinAndRecreate.Outcome[searches];
        using var exchange = options.ShareBest && searches > 1 ? new RuinAndRecreate.Exchange(searches) : null;
        Parallel.For(0, searches, new ParallelOptions { MaxDegreeOfParallelism = searches }, i =>
            outcomes[i] = new RuinAndRecreate(c, options.Seed + i, options.AnnealingCycle, options.ShiftKept, options.FocusLeftOut, options.LeftOutRuinShare, options.HotTemperature, options.RetriedLeftOut, options.RelatedStrings).Run(built.Routes, clock, options.TimeLimit, budget, cancellationToken, exchange, i));
        var searchEnded = Duration.FromTimeSpan(clock.Elapsed);

        // The best outcome the checker passes (lowest cost first; the first search on a tie, so the result is reproducible).
        HomeVisitPlan plan = builtPlan;
        var score = builtScore;
        foreach (var o in outcomes.OrderBy(o => o.Cost).ThenBy(o => Array.IndexOf(outcomes, o)))
        {
            var candidate = PlanReader.Read(c, new InsertionBuilder.Result(o.Routes), dropped);
            if (PlanChecker.Check(c.Request, c.Matrix, candidate).Count > 0) continue; // a defect: try the next one
            var candidateScore = PlanScore.Of(c.Request, c.Matrix, candidate, options.Weights);
            if (candidateScore.Total < score.Total) (plan, score) = (candidate, candidateScore);
            break;
        }
        var iterations = outcomes.Sum(o => o.Iterations);
        var ended = outcomes.Select(o => o.Ended).Distinct().Count() == 1 ? outcomes[0].Ended
            : outcomes.Any(o => o.Ended == SearchEnd.Cancelled) ? SearchEnd.Cancelled : SearchEnd.TimeLimit;
        string? reason = ended switch
        {
            SearchEnd.NothingToImprove => "every visit is pinned",
            // A reproducible run whose budget did not fit in the time limit: its plan depends on the machine.
            SearchEnd.TimeLimit when budget is not null => $"the time limit came before the reproducible budget of {budget} iterations a search",
            _ => null,
        };
        var all = Improving(solutions.Concat(outcomes.SelectMany(o => o.Solutions)));
        var stats = new SolveStatistics(searchEnded, score.Total, solutions[0].At, all, $"ruin and recreate: {iterations} iterations",
            Metaheuristic.RuinAndRecreate, ended, reason, searches, iterations, options.Seed);
        return new RoutePlanResult(RoutePlanStatus.Planned, plan, [], [], score, stats);
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
            new SolveStatistics(Duration.Zero, null, null, [], "not solved", null, SearchEnd.NotSolved, "the request is not valid"));
}
