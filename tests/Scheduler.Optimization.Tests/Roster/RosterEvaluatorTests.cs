using NodaTime;
using Scheduler.Core.Roster;
using Scheduler.Optimization.Roster;
using Xunit;

namespace Scheduler.Optimization.Tests.Roster;

/// <summary>The waiting curve a dispatcher sees: the roster against the flat roster of the same staff-hours, on one seeded draw.</summary>
public sealed class RosterEvaluatorTests
{
    private static (DayDemand Demand, List<BookedDemand> Booked, RosterDay Day) Morning()
    {
        // One category, two hours; residents crowd the first hour, none come in the second.
        var day = new RosterDay(new LocalDate(2026, 12, 2), new LocalTime(9, 0), 15, 8);
        var booked = Enumerable.Range(0, 40).Select(i => new BookedDemand("a", new LocalTime(9, 0).PlusMinutes(15 * (i % 4)), 10, false)).ToList();
        return (DayDemand.Build(day, [new RosterCategory("a", 6, 10)], booked, null, false), booked, day);
    }

    private static RosterPlan Plan(RosterDay day, int[] windows)
    {
        var duties = new Dictionary<string, IReadOnlyList<Duty>>();
        for (var k = 0; k < windows.Max(); k++)
            duties[$"s{k}"] = windows.Select(w => k < w ? Duty.At("a") : Duty.BackOffice).ToArray();
        return new RosterPlan(day, duties, [], new ShortfallReport([], 0, 0), new RosterScore(0, 0, 0, 0, 0), new RosterSolveStatistics(RosterStatus.Feasible, 0, 0, 0, 0, ""));
    }

    [Fact]
    public void Windows_where_the_residents_are_wait_less_than_the_same_staff_hours_spread_flat_and_one_seed_gives_one_curve()
    {
        var (demand, booked, day) = Morning();
        var peaked = Plan(day, [5, 5, 5, 5, 1, 1, 1, 1]);

        var curve = new SimulatedRosterEvaluator().Evaluate(demand, booked, peaked, 3);

        Assert.Equal(curve.StaffHours, curve.FlatStaffHours);
        Assert.Equal(6, curve.StaffHours);
        Assert.True(curve.P90 < curve.FlatP90, $"roster p90 {curve.P90} against flat {curve.FlatP90}");
        var nine = Assert.Single(curve.Hours, h => h.Hour == 9);
        Assert.True(nine.P90 < nine.FlatP90);
        Assert.All(curve.Hours, h => Assert.True(h.P90 >= h.P50 && h.FlatP90 >= h.FlatP50));
        Assert.Equal(curve, new SimulatedRosterEvaluator().Evaluate(demand, booked, peaked, 3) with { Hours = curve.Hours });
        Assert.Equal(curve.Hours, new SimulatedRosterEvaluator().Evaluate(demand, booked, peaked, 3).Hours);
    }
}
