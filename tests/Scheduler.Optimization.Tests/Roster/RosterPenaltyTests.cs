using NodaTime;
using Scheduler.Core.Roster;
using Scheduler.Optimization.Roster;
using Scheduler.Optimization.Roster.Penalties;
using Xunit;
using static Scheduler.Optimization.Tests.Roster.RosterWorld;

namespace Scheduler.Optimization.Tests.Roster;

/// <summary>Each named roster penalty: its exact cost, and the choice it makes the roster take; the score equals the objective.</summary>
public sealed class RosterPenaltyTests
{
    private static void AssertOptimalAndScored(RosterRequest r, RosterPlan plan)
    {
        Assert.Equal(RosterStatus.Optimal, plan.Statistics.Status);
        Assert.Equal(plan.Score.Total, plan.Statistics.Objective);
        Assert.Equal(RosterScoring.Of(r, plan.Duties), plan.Score);
    }

    [Fact]
    public void Shortfall_costs_the_waiting_each_missing_window_would_save()
    {
        var day = Day(1);
        // 6 residents of 12 minutes in a 15-minute slot.
        var needed = Needs(day, [("a", 10, 12, [6], null)]);
        var need = needed["a", 0];
        var steps = ShortfallPenalty.Steps(needed, "a", 0, W);
        Assert.Equal(need, steps.Length);
        var load = needed.Load["a"][0];
        var residents = load * 15 / 12;
        double Ew(int c) => c <= load ? residents * 60 * (1 + (load - c) / load) : residents * Math.Min(60, ErlangC.MeanWaitMinutes(c, load / 12, 12));
        Assert.Equal(Ew(2), needed.ExpectedWaitingMinutes("a", 0, 2), 9);
        // The last needed window saves Ew(need-1) - Ew(need) resident-minutes, at 10 units each; no step is below the next.
        Assert.Equal(Math.Max(5, (long)Math.Round(10 * (Ew(need - 1) - Ew(need)))), steps[^1]);
        Assert.Equal(Math.Max(steps[1], (long)Math.Round(10 * (Ew(0) - Ew(1)))), steps[0]);
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.First >= p.Second));
        Assert.Equal(steps.Sum(), ShortfallPenalty.Cost(needed, "a", 0, 0, W));
        Assert.Equal(steps[^1], ShortfallPenalty.Cost(needed, "a", 0, need - 1, W));
        Assert.Equal(0, ShortfallPenalty.Cost(needed, "a", 0, need + 3, W));
    }

    [Fact]
    public void The_one_staff_member_skilled_for_both_goes_where_the_queue_costs_more_waiting()
    {
        var day = Day(4);
        var needed = Needs(day, [("busy", 4, 15, [4, 4, 4, 4], [1, 1, 1, 1]), ("quiet", 4, 15, [1, 1, 1, 1], [1, 1, 1, 1])]);
        var r = Request(day, needed, [Staff("ann", "busy", "quiet")]);
        var plan = Solve(r);
        AssertOptimalAndScored(r, plan);
        Assert.All(plan.Duties["ann"], d => Assert.Equal(Duty.At("busy"), d));
        Assert.Equal(Enumerable.Range(0, 4).Sum(t => ShortfallPenalty.Cost(needed, "quiet", t, 0, W)), plan.Score.Shortfall);
        Assert.Equal(4, plan.Shortfall.MissingWindowSlots);
        Assert.All(plan.Shortfall.ShortSlots, s => Assert.Equal("quiet", s.CategoryId));
    }

    [Fact]
    public void Overstaffing_costs_each_window_beyond_the_need_and_the_spare_staff_member_goes_to_the_back_office()
    {
        Assert.Equal(0, OverstaffPenalty.Cost(2, 2, W));
        Assert.Equal(10, OverstaffPenalty.Cost(2, 4, W));
        var day = Day(2);
        var needed = Needs(day, [("a", 4, 15, [2, 2], [1, 1])]);
        var r = Request(day, needed, [Staff("ann", "a"), Staff("bob", "a")]);
        var plan = Solve(r);
        AssertOptimalAndScored(r, plan);
        Assert.Equal([1, 1], plan.Staffed("a"));
        Assert.Equal(0, plan.Score.Overstaffing);

        // A staffed lunch of two windows holds both at the window: the second costs its over-staffing.
        var lunch = RosterWorld.NoBreaksNoLunch with { LunchFrom = new LocalTime(9, 0), LunchTo = new LocalTime(9, 30), LunchWindows = 2 };
        var r2 = Request(day, needed, [Staff("ann", "a"), Staff("bob", "a")], rules: lunch);
        var held = Solve(r2);
        AssertOptimalAndScored(r2, held);
        Assert.Equal([2, 2], held.Staffed("a"));
        Assert.Equal(2 * W.PerWindowOver, held.Score.Overstaffing);
    }

    [Fact]
    public void Fairness_costs_the_spread_of_evening_and_weekend_slots_and_gives_the_evening_to_who_had_fewest()
    {
        Assert.Equal(60, FairnessPenalty.Cost([3, 5, 4], W));
        Assert.Equal(0, FairnessPenalty.Cost([], W));
        // 17:30 to 18:30: the last two slots are evening, optional for the staff available then. One window needed
        // all along; Ann has worked 6 evening slots this week, Bob 2.
        var day = Day(4, new LocalTime(17, 30));
        var needed = Needs(day, [("a", 2, 15, [2, 2, 2, 2], [1, 1, 1, 1])]);
        var ann = Staff("ann", "a") with { UnsocialSlotsSoFar = 6 };
        var bob = Staff("bob", "a") with { UnsocialSlotsSoFar = 2 };
        var r = Request(day, needed, [ann, bob]);
        var plan = Solve(r);
        AssertOptimalAndScored(r, plan);
        Assert.Equal([Duty.At("a"), Duty.At("a")], plan.Duties["bob"].Skip(2));
        Assert.Equal([Duty.Off, Duty.Off], plan.Duties["ann"].Skip(2));
        var counts = FairnessPenalty.Counts(r, plan.Duties);
        Assert.Equal(6, counts["ann"]);
        Assert.Equal(4, counts["bob"]);
        Assert.Equal(W.PerUnsocialSpread * 2, plan.Score.Fairness);
    }

    [Fact]
    public void Switches_cost_each_change_of_category_in_the_next_slot_and_staff_keep_their_category()
    {
        Assert.Equal(1, SwitchPenalty.Switches([Duty.At("a"), Duty.At("a"), Duty.At("b"), Duty.Break, Duty.At("a")]));
        Assert.Equal(2 * W.PerSwitch, SwitchPenalty.Cost([[Duty.At("a"), Duty.At("b")], [Duty.At("b"), Duty.At("a")]], W));

        var day = Day(6);
        var needed = Needs(day, [("a", 2, 15, [3, 3, 3, 3, 3, 3], [1, 1, 1, 1, 1, 1]), ("b", 2, 15, [3, 3, 3, 3, 3, 3], [1, 1, 1, 1, 1, 1])]);
        var r = Request(day, needed, [Staff("ann", "a", "b"), Staff("bob", "a", "b")]);
        var plan = Solve(r);
        AssertOptimalAndScored(r, plan);
        Assert.Equal(0, plan.Score.Switches);
        Assert.All(plan.Duties.Values, d => Assert.Single(d.Select(x => x.Ref).Distinct()));

        // One staff member, a from 9:00 and b from 9:30: one switch is worth it, priced exactly.
        // 3 residents of 4 minutes a slot: the one window saves far more waiting than a switch costs.
        var swap = Needs(Day(4), [("a", 2, 4, [3, 3, 0, 0], [1, 1, 0, 0]), ("b", 2, 4, [0, 0, 3, 3], [0, 0, 1, 1])]);
        Assert.True(ShortfallPenalty.Cost(swap, "a", 1, 0, W) > 10 * W.PerSwitch);
        var r2 = Request(Day(4), swap, [Staff("ann", "a", "b")]);
        var one = Solve(r2);
        AssertOptimalAndScored(r2, one);
        Assert.Equal(W.PerSwitch, one.Score.Switches);
        Assert.Equal(0, one.Score.Shortfall);

        // A switch dearer than the waiting it saves: Ann takes a back-office slot between instead of switching.
        var r3 = Request(Day(4), swap, [Staff("ann", "a", "b")], weights: W with { PerSwitch = 1_000_000 });
        var none = Solve(r3);
        AssertOptimalAndScored(r3, none);
        Assert.Equal(0, none.Score.Switches);
        Assert.Equal(Math.Min(ShortfallPenalty.Cost(swap, "a", 1, 0, W), ShortfallPenalty.Cost(swap, "b", 2, 0, W)), none.Score.Shortfall); // the cheaper slot given up
    }

    [Fact]
    public void Changes_to_the_published_roster_cost_each_slot_changed_and_a_re_plan_keeps_what_staff_were_told()
    {
        var day = Day(4);
        var needed = Needs(day, [("a", 2, 15, [3, 3, 3, 3], [1, 1, 1, 1]), ("b", 2, 15, [3, 3, 3, 3], [1, 1, 1, 1])]);
        var staff = new[] { Staff("ann", "a", "b"), Staff("bob", "a", "b") };
        // Published: Ann at b, Bob at a (the solver alone might as well choose the other way round).
        var published = new PublishedRoster(new Dictionary<string, IReadOnlyList<Duty>>
        {
            ["ann"] = Enumerable.Repeat(Duty.At("b"), 4).ToArray(),
            ["bob"] = Enumerable.Repeat(Duty.At("a"), 4).ToArray(),
        });
        Assert.Equal(2, ChangePenalty.Changes(published, new Dictionary<string, IReadOnlyList<Duty>>
        {
            ["ann"] = [Duty.At("b"), Duty.At("b"), Duty.At("a"), Duty.At("a")],
            ["bob"] = published.Duties["bob"],
        }));
        Assert.Equal(0, ChangePenalty.Changes(null, published.Duties));
        var r = Request(day, needed, staff, published: published);
        var plan = Solve(r);
        AssertOptimalAndScored(r, plan);
        Assert.Equal(published.Duties["ann"], plan.Duties["ann"]);
        Assert.Equal(published.Duties["bob"], plan.Duties["bob"]);
        Assert.Equal(0, plan.Score.Changes);

        // b no longer needs anyone in the last two slots. Two changes (30) cost more than two over-staffed slots
        // (10): Ann stays as published. Made cheaper than over-staffing, the changes are made.
        var fewer = Needs(day, [("a", 2, 15, [3, 3, 3, 3], [1, 1, 1, 1]), ("b", 2, 15, [3, 3, 0, 0], [1, 1, 0, 0])]);
        var r2 = Request(day, fewer, staff, published: published);
        var kept = Solve(r2);
        AssertOptimalAndScored(r2, kept);
        Assert.Equal(published.Duties["ann"], kept.Duties["ann"]);
        Assert.Equal(2 * W.PerWindowOver, kept.Score.Overstaffing);
        var r3 = Request(day, fewer, staff, published: published, weights: W with { PerChange = 1 });
        var moved = Solve(r3);
        AssertOptimalAndScored(r3, moved);
        Assert.Equal([Duty.BackOffice, Duty.BackOffice], moved.Duties["ann"].Skip(2));
        Assert.Equal(2, ChangePenalty.Changes(published, moved.Duties));
        Assert.Equal(2, moved.Score.Changes);
        Assert.Equal(0, moved.Score.Overstaffing);
    }
}
