using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;
using Xunit;
using static Scheduler.Optimization.Tests.Routing.LineWorld;

namespace Scheduler.Optimization.Tests.Routing;

public sealed class PlannerTests
{
    [Fact]
    public async Task A_mixed_small_day_is_planned_checked_and_explained()
    {
        var random = new Random(7);
        var visits = Enumerable.Range(1, 16).Select(i => Visit($"v{i}", random.Next(1, 30), minutes: 20 + 10 * random.Next(3),
            from: T(8 + random.Next(7)), to: null, team: i % 5 == 0 ? 2 : 1, skills: i % 3 == 0 ? ["notary"] : null,
            urgency: (VisitUrgency)(i % 3), waited: i % 4)).ToList();
        var staff = new[] { Staff("ann", ["notary"]), Staff("bo"), Staff("cy", ["notary"], home: StaffPlace.AtHome(Km(25))) };
        var request = Day(visits, staff);
        var provider = new MatrixProvider(Matrix(request));
        var result = await new HomeVisitRoutePlanner(Quick() with { Metaheuristic = Metaheuristic.GuidedLocalSearch, TimeLimit = Duration.FromSeconds(2) })
            .PlanAsync(request, provider);
        Assert.True(result.Publishable, string.Join("; ", result.Violations.Concat<object>(result.Problems)));
        Assert.Equal(16, result.Plan!.Kpis.Served + result.Plan.Kpis.Dropped);
        Assert.NotNull(result.Statistics.FirstSolutionAfter);
        Assert.Equal(result.Score!.Total, result.Statistics.Objective);
    }

    [Fact]
    public void An_invalid_request_is_refused_with_its_problems()
    {
        var reversed = Visit("v", 10) with { Windows = [new TimeWindow(T(11), T(10))] };
        var r = new HomeVisitRoutePlanner(Quick()).Solve(Day([reversed], []), TravelMatrix.Build(2, (_, _) => (0, 0)));
        Assert.Equal(RoutePlanStatus.InvalidRequest, r.Status);
        Assert.Contains(r.Problems, p => p.Contains("no staff", StringComparison.Ordinal));
        Assert.Contains(r.Problems, p => p.Contains("ends before it starts", StringComparison.Ordinal));
    }

    private sealed class MatrixProvider(TravelMatrix matrix) : ITravelTimeProvider
    {
        public Task<TravelMatrix> GetMatrixAsync(IReadOnlyList<Scheduler.Core.Catalogue.GeoPoint> points, CancellationToken cancellationToken = default) =>
            Task.FromResult(matrix);
    }
}
