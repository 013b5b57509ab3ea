using NodaTime;
using Scheduler.Core.Roster;
using Xunit;

namespace Scheduler.Core.Tests.Roster;

/// <summary>The rounds of the joint planning of routes and roster (ADR 0020), with the routes and the roster played by the test.</summary>
public sealed class JointDayPlanningTests
{
    private static readonly RosterWeights W = new();
    private static readonly RosterDay Day = new(new LocalDate(2026, 12, 7), new LocalTime(9, 0), 15, 4);
    private static readonly LocalTime Nine = new(9, 0), Ten = new(10, 0);

    private static readonly WindowsNeeded Needed = new(Day, [new RosterCategory("a", 3, 15)],
        new Dictionary<string, int[]> { ["a"] = [2, 2, 1, 1] },
        new Dictionary<string, double[]> { ["a"] = [1.6, 1.6, 0.7, 0.7] },
        new Dictionary<string, double> { ["a"] = 15 });

    private static readonly IReadOnlyList<RosterStaff> Staff =
    [
        new("ann", ["a"], [new ShiftSpan(Nine, Ten)]),
        new("bo", ["a"], [new ShiftSpan(Nine, Ten)]),
    ];

    private static readonly IReadOnlyDictionary<string, (LocalTime, LocalTime)> Shifts =
        new Dictionary<string, (LocalTime, LocalTime)> { ["ann"] = (Nine, Ten), ["bo"] = (Nine, Ten) };

    private static RosterPlan Roster(long total, params (string Id, Duty[] Duties)[] duties) =>
        new(Day, duties.ToDictionary(d => d.Id, d => (IReadOnlyList<Duty>)d.Duties), [], new ShortfallReport([], 0, 0),
            new RosterScore(total, 0, 0, 0, 0), new RosterSolveStatistics(RosterStatus.Optimal, total, total, 0, 0, ""));

    private static readonly Duty A = Duty.At("a");

    /// <summary>Nobody out: ann at a all day, bo at a in the first half only, then on a break (the second half needs one window).</summary>
    private static readonly RosterPlan Alone = Roster(1_000, ("ann", [A, A, A, A]), ("bo", [A, A, Duty.Break, Duty.Break]));

    private static RouteDuty Out(string id) => new($"r-{id}", id, new LocalTime(9, 30), Ten);

    [Fact]
    public async Task Round_zero_is_unpriced_later_rounds_are_priced_by_the_roster_around_the_last_routes_and_the_cheapest_total_wins()
    {
        var settings = new StaffTimePricingSettings(TypicalRoute: Duration.FromMinutes(30));
        var asked = new List<IReadOnlyDictionary<string, long>>();
        var rosters = new Queue<RosterPlan?>([
            // Round 0 sends ann; the hall misses her: a dear roster.
            Roster(5_000, ("ann", [A, A, Duty.On("r-ann"), Duty.On("r-ann")]), ("bo", [A, A, A, A])),
            // Round 1 sends bo: cheaper.
            Roster(1_200, ("ann", [A, A, A, A]), ("bo", [A, A, Duty.On("r-bo"), Duty.On("r-bo")])),
            // Round 2 sends bo again: the same outs, so the rounds stop there.
            Roster(1_300, ("ann", [A, A, A, A]), ("bo", [A, A, Duty.On("r-bo"), Duty.On("r-bo")])),
        ]);

        var rounds = await new JointDayPlanning(settings).RunAsync(Alone, Needed, Staff, W, Shifts, 3,
            (prices, round) =>
            {
                asked.Add(prices);
                // The routes send whoever is cheaper (ann at a tie), at a travel cost of 100.
                var who = prices["ann"] <= prices["bo"] ? "ann" : "bo";
                return Task.FromResult(new RoutesRound<string>(who, [Out(who)], 100));
            },
            _ => Task.FromResult(rosters.Dequeue()));

        Assert.Equal([0, 1, 2], rounds.Select(r => r.Round));
        Assert.All(asked[0].Values, p => Assert.Equal(0, p));
        // Round 1: the prices of the roster with nobody out, over a typical half hour anywhere in 09:00-10:00.
        var worth = WindowTimeWorth.Of(Alone, Needed, Staff, W);
        Assert.Equal((long)Math.Round(worth.Typical("ann", Nine, Ten, Duration.FromMinutes(30))), asked[1]["ann"]);
        Assert.Equal((long)Math.Round(worth.Typical("bo", Nine, Ten, Duration.FromMinutes(30))), asked[1]["bo"]);
        Assert.True(asked[1]["ann"] > asked[1]["bo"], "ann, alone at the window after 09:30, is dearer than bo, on a break then");
        // Round 2: halfway between round 1's prices and those read from round 1's roster (bo out over his route).
        var again = new JointDayPlanning(settings).Prices(WindowTimeWorth.Of(rounds[1].Roster!, Needed, Staff, W), Shifts, [Out("bo")]);
        Assert.Equal((asked[1]["ann"] + again["ann"]) / 2, asked[2]["ann"]);
        Assert.Equal((asked[1]["bo"] + again["bo"]) / 2, asked[2]["bo"]);

        Assert.Equal([5_100.0, 1_300, 1_400], rounds.Select(r => r.Total));
        var best = JointDayPlanning.Best(rounds);
        Assert.Equal((1, "bo"), (best.Round, best.Routes.Routes));
        Assert.Equal("planned with the hall: priced round 1 of 2 kept (cost 1,300 against 5,100 for the routes planned first); " +
                     HallJointPlanning.Prices(asked[1]), HallJointPlanning.Summary(rounds, best));
    }

    [Fact]
    public async Task A_round_with_no_roster_counts_as_no_plan_and_ends_the_rounds_and_the_routes_planned_first_can_win()
    {
        var rounds = await new JointDayPlanning(new StaffTimePricingSettings()).RunAsync(Alone, Needed, Staff, W, Shifts, 3,
            (_, round) => Task.FromResult(new RoutesRound<int>(round, [Out("ann")], 100)),
            _ => Task.FromResult<RosterPlan?>(null));

        // Round 0 found no roster, round 1 neither: the rounds end there, and the earliest of equals is kept.
        Assert.Equal([0, 1], rounds.Select(r => r.Round));
        Assert.All(rounds, r => Assert.True(double.IsPositiveInfinity(r.Total)));
        var best = JointDayPlanning.Best(rounds);
        Assert.Equal(0, best.Round);
        Assert.Equal("planned with the hall: the routes planned first kept (cost no roster), 1 priced round(s) no better", HallJointPlanning.Summary(rounds, best));
    }
}
