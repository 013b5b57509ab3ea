using NodaTime;
using Scheduler.Optimization.Routing;
using Xunit;
using static Scheduler.Optimization.Tests.Routing.LineWorld;

namespace Scheduler.Optimization.Tests.Routing;

public sealed class PortfolioTests
{
    [Fact]
    public void A_portfolio_runs_each_first_solution_within_the_time_limit_and_keeps_the_best_plan()
    {
        var random = new Random(11);
        var visits = Enumerable.Range(1, 14).Select(i => Visit($"v{i}", random.Next(-25, 26), minutes: 20 + 10 * random.Next(3),
            from: T(8 + random.Next(6)), to: null)).ToList();
        var request = Day(visits, [Staff("ann"), Staff("bo"), Staff("cy")]);
        var single = Quick() with { InitialPlan = InitialPlan.Search, TimeLimit = Duration.FromSeconds(3) };
        var cheapestInsertion = Plan(request, single with { FirstSolution = FirstSolution.ParallelCheapestInsertion });
        var automatic = Plan(request, single with { FirstSolution = FirstSolution.Automatic });

        var portfolio = Plan(request, single with { Portfolio = [FirstSolution.ParallelCheapestInsertion, FirstSolution.Automatic] });

        Assert.True(portfolio.Publishable, string.Join("; ", portfolio.Violations.Concat<object>(portfolio.Problems)));
        Assert.Equal(Math.Min(cheapestInsertion.Score!.Total, automatic.Score!.Total), portfolio.Score!.Total);
        Assert.Equal(portfolio.Score.Total, portfolio.Statistics.Objective);
        Assert.True(portfolio.Statistics.Solutions.Count >= 2, "both searches report their solutions");
        Assert.True(portfolio.Statistics.Elapsed < Duration.FromSeconds(4), $"took {portfolio.Statistics.Elapsed}");
    }
}
