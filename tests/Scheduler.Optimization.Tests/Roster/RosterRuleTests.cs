using NodaTime;
using Scheduler.Core.Roster;
using Xunit;
using static Scheduler.Optimization.Tests.Roster.RosterWorld;

namespace Scheduler.Optimization.Tests.Roster;

/// <summary>The roster's hard rules, each read back from the roster the solver returns.</summary>
public sealed class RosterRuleTests
{
    private static readonly LocalTime Opens = new(8, 30);

    private static WindowsNeeded AllDay(RosterDay day, params (string Category, int Windows, int Need)[] cats) =>
        Needs(day, cats.Select(c => (c.Category, c.Windows, 4.0, Enumerable.Repeat(3, day.Slots).ToArray(), (int[]?)Enumerable.Repeat(c.Need, day.Slots).ToArray())).ToList());

    private static IEnumerable<int> Runs(IReadOnlyList<Duty> d, Func<Duty, bool> what)
    {
        var run = 0;
        foreach (var x in d)
        {
            if (what(x)) run++;
            else if (run > 0) { yield return run; run = 0; }
        }
        if (run > 0) yield return run;
    }

    [Fact]
    public void Breaks_are_whole_in_the_break_period_staggered_so_the_staffed_lunch_keeps_a_window_open()
    {
        var day = Day(36, Opens);
        var rules = RosterRules.Default;
        var r = Request(day, AllDay(day, ("a", 2, 2)), [Staff("ann", "a"), Staff("bob", "a")], rules: rules);
        var plan = Solve(r);
        Assert.Equal(RosterStatus.Optimal, plan.Statistics.Status);
        var (lunchFrom, lunchTo) = (day.FirstSlotAtOrAfter(new LocalTime(12, 0)), day.FirstSlotAtOrAfter(new LocalTime(13, 30)));
        foreach (var d in plan.Duties.Values)
        {
            Assert.Equal([4], Runs(d, x => x.Kind == DutyKind.Break));
            var first = d.ToList().IndexOf(Duty.Break);
            Assert.True(day.StartOf(first) >= new LocalTime(11, 0) && day.StartOf(first + 4) <= new LocalTime(14, 0));
            Assert.All(Runs(d, x => x.Kind == DutyKind.Window), run => Assert.True(run <= rules.MaxContinuousWindowSlots));
        }
        for (var t = lunchFrom; t < lunchTo; t++) Assert.True(plan.Staffed("a")[t] >= 1, $"slot {t} unstaffed at lunch");
    }

    [Fact]
    public void A_staffed_lunch_the_breaks_make_impossible_is_reported_infeasible_with_the_reason()
    {
        var day = Day(36, Opens);
        // Two windows all through a lunch period that spans the whole break period, with two staff who need breaks.
        var rules = RosterRules.Default with { LunchFrom = new LocalTime(11, 0), LunchTo = new LocalTime(14, 0), LunchWindows = 2 };
        var plan = Solve(Request(day, AllDay(day, ("a", 2, 2)), [Staff("ann", "a"), Staff("bob", "a")], rules: rules));
        Assert.Equal(RosterStatus.Infeasible, plan.Statistics.Status);
        Assert.Contains("lunch", plan.Statistics.Summary);
        Assert.Empty(plan.Duties);
    }

    [Fact]
    public void A_home_visit_route_is_kept_whole_and_its_staff_member_is_at_no_window_during_it()
    {
        var day = Day(8, new LocalTime(9, 0));
        var route = new RouteDuty("route-1", "ann", new LocalTime(9, 20), new LocalTime(10, 10));
        var r = Request(day, AllDay(day, ("a", 2, 2)), [Staff("ann", "a"), Staff("bob", "a")], routes: [route]);
        var plan = Solve(r);
        // 09:15 (touched at 09:20) to 10:15 (touched until 10:10): slots 1 to 4.
        Assert.Equal([Duty.At("a"), Duty.On("route-1"), Duty.On("route-1"), Duty.On("route-1"), Duty.On("route-1"), Duty.At("a"), Duty.At("a"), Duty.At("a")], plan.Duties["ann"]);
        Assert.Equal([2, 1, 1, 1, 1, 2, 2, 2], plan.Staffed("a"));
        Assert.Equal(4, plan.Shortfall.MissingWindowSlots);
    }

    [Fact]
    public void The_hall_limits_windows_and_demand_beyond_all_staff_gets_the_best_roster_and_a_shortfall_report()
    {
        var day = Day(4);
        // Five windows needed, the hall has three, two staff are skilled.
        var r = Request(day, AllDay(day, ("a", 3, 5), ("b", 2, 1)), [Staff("ann", "a"), Staff("bob", "a"), Staff("cy", "a"), Staff("dee", "a", "b")]);
        var plan = Solve(r);
        Assert.Equal(RosterStatus.Optimal, plan.Statistics.Status);
        Assert.All(plan.Staffed("a"), n => Assert.True(n <= 3));
        Assert.Equal(4 * 2, plan.Shortfall.BeyondHall);
        Assert.Equal(plan.Cover.Sum(c => c.Short), plan.Shortfall.MissingWindowSlots);
        Assert.True(plan.Shortfall.MissingWindowSlots >= 4 * 2);
        Assert.Contains(plan.Shortfall.ShortSlots, s => s.CategoryId == "a" && s.Needed == 5);
    }

    [Fact]
    public void An_opened_session_is_staffed_throughout_even_when_the_forecast_needs_nobody()
    {
        var day = Day(8, new LocalTime(17, 0));
        var needed = Needs(day, [("a", 2, 15, new int[8], new int[8])]);
        var session = new OpenSession("evening", new LocalTime(18, 0), new LocalTime(19, 0), ["a"], 1);
        var plan = Solve(Request(day, needed, [Staff("ann", "a"), Staff("bob", "a")], sessions: [session]));
        Assert.Equal(RosterStatus.Optimal, plan.Statistics.Status);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], plan.Staffed("a"));
    }

    [Fact]
    public void Staff_sit_only_at_windows_they_are_skilled_for_and_only_in_their_shifts()
    {
        var day = Day(8);
        var ann = Staff("ann", new LocalTime(9, 0), new LocalTime(10, 0), "a");
        var r = Request(day, AllDay(day, ("a", 2, 1), ("b", 2, 1)), [ann, Staff("bob", "b")]);
        var plan = Solve(r);
        Assert.Equal([Duty.At("a"), Duty.At("a"), Duty.At("a"), Duty.At("a"), Duty.Off, Duty.Off, Duty.Off, Duty.Off], plan.Duties["ann"]);
        Assert.All(plan.Duties["bob"], d => Assert.Equal(Duty.At("b"), d));
    }
}
