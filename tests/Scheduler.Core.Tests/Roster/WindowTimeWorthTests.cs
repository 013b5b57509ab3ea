using NodaTime;
using Scheduler.Core.Roster;
using Xunit;

namespace Scheduler.Core.Tests.Roster;

/// <summary>What a staff member's time at the windows is worth to the hall, slot by slot (ADR 0020, step 1).</summary>
public sealed class WindowTimeWorthTests
{
    private static readonly RosterWeights W = new();
    private static readonly RosterDay Day = new(new LocalDate(2026, 12, 7), new LocalTime(9, 0), 15, 4);

    /// <summary>One category "a" of three windows, 15-minute service: two windows needed in the first slot, one in the others.</summary>
    private static WindowsNeeded Needed() => new(Day, [new RosterCategory("a", 3, 15)],
        new Dictionary<string, int[]> { ["a"] = [2, 1, 1, 1] },
        new Dictionary<string, double[]> { ["a"] = [1.6, 0.7, 0.7, 0.7] },
        new Dictionary<string, double> { ["a"] = 15 });

    private static RosterPlan Plan(Dictionary<string, IReadOnlyList<Duty>> duties) =>
        new(Day, duties, [], new ShortfallReport([], 0, 0), new RosterScore(0, 0, 0, 0, 0), new RosterSolveStatistics(RosterStatus.Optimal, 0, 0, 0, 0, ""));

    private static readonly IReadOnlyList<RosterStaff> Staff =
    [
        new("ann", ["a"], [new ShiftSpan(new LocalTime(9, 0), new LocalTime(10, 0))]),
        new("bo", ["b"], [new ShiftSpan(new LocalTime(9, 0), new LocalTime(10, 0))]),
        new("cy", ["a"], [new ShiftSpan(new LocalTime(9, 0), new LocalTime(10, 0))]),
        new("di", ["a"], [new ShiftSpan(new LocalTime(9, 0), new LocalTime(10, 0))]),
    ];

    [Fact]
    public void A_seat_is_worth_the_last_needed_window_it_makes_up_and_nothing_beyond_need_or_with_a_colleague_spare()
    {
        var needed = Needed();
        var steps0 = needed.WindowWorth("a", 0, W);
        var steps1 = needed.WindowWorth("a", 1, W);
        Assert.Equal(2, steps0.Length);
        Assert.True(steps0[0] >= steps0[1] && steps0[1] >= W.MinPerMissingWindow);

        var worth = WindowTimeWorth.Of(Plan(new()
        {
            // Slot 0: ann and cy make up the two windows needed. Slot 1: ann alone, bo (skilled for b only) in the back
            // office. Slot 2: ann and cy where one is needed. Slot 3: ann at the window, di (skilled for a) in the back office.
            ["ann"] = [Duty.At("a"), Duty.At("a"), Duty.At("a"), Duty.At("a")],
            ["bo"] = [Duty.Break, Duty.BackOffice, Duty.Break, Duty.Break],
            ["cy"] = [Duty.At("a"), Duty.Break, Duty.At("a"), Duty.Break],
            ["di"] = [Duty.Off, Duty.Off, Duty.Off, Duty.BackOffice],
        }), needed, Staff, W);

        // Each window serves one resident a slot (15 minutes, 15 each). Without ann in slot 0, 0.6 of a resident would
        // wait on past it and 0.3 past slot 1: 13.5 resident-minutes carried, at 10 a minute. Without her in slot 1,
        // 0.7 past it: 10.5 (CarriedWaiting).
        Assert.Equal([steps0[1] + 135, steps1[0] + 105, 0, 0], worth.PerStaff["ann"]);
        Assert.Equal([steps0[1] + 135, 0, 0, 0], worth.PerStaff["cy"]);
        Assert.Equal([0L, 0, 0, 0], worth.PerStaff["bo"]);
        Assert.Equal([0L, 0, 0, 0], worth.PerStaff["di"]);
    }

    [Fact]
    public void Time_out_on_a_route_is_worth_the_next_window_needed_that_the_staff_member_could_sit_at()
    {
        var needed = Needed();
        var steps0 = needed.WindowWorth("a", 0, W);
        var steps1 = needed.WindowWorth("a", 1, W);
        var worth = WindowTimeWorth.Of(Plan(new()
        {
            // Slot 0: cy at a, ann out (a second window is needed: she is worth it). Slot 1: cy at a, the one window
            // needed is staffed: ann out is worth nothing. Slot 2: nobody at a, ann out: the first window. Slot 3: ann
            // out, di (skilled for a) in the back office could sit there: nothing.
            ["ann"] = [Duty.On("r1"), Duty.On("r1"), Duty.On("r1"), Duty.On("r1")],
            ["bo"] = [Duty.On("r2"), Duty.On("r2"), Duty.On("r2"), Duty.On("r2")],
            ["cy"] = [Duty.At("a"), Duty.At("a"), Duty.Break, Duty.Break],
            ["di"] = [Duty.Off, Duty.Off, Duty.Off, Duty.BackOffice],
        }), needed, Staff, W);

        // The queue carries 54 resident-minutes past their slots as staffed (0.6, 0.3, 1.0 and 1.7 residents at the
        // slots' ends, 15 minutes each); ann back in slot 0 would carry 31.5 (22.5 less), in slot 2 24 (30 less).
        Assert.Equal([steps0[1] + 225, 0, steps1[0] + 300, 0], worth.PerStaff["ann"]);
        // bo is skilled for b only, which the hall does not need.
        Assert.Equal([0L, 0, 0, 0], worth.PerStaff["bo"]);
        // Without cy in slot 0 nobody serves a all day: 114 resident-minutes carried, 60 more; in slot 1, 99, 45 more.
        Assert.Equal([steps0[0] + 600, steps1[0] + 450, 0, 0], worth.PerStaff["cy"]);
    }

    [Fact]
    public void A_route_costs_the_worth_of_the_slots_it_overlaps_in_proportion()
    {
        var worth = new WindowTimeWorth(Day, new Dictionary<string, long[]> { ["ann"] = [400, 100, 0, 40] });
        Assert.Equal(500, worth.Over("ann", new LocalTime(9, 0), new LocalTime(9, 30)), 6);
        // Half of slot 0 and a third of slot 1.
        Assert.Equal(200 + 100 / 3.0, worth.Over("ann", new LocalTime(9, 7, 30), new LocalTime(9, 20)), 6);
        // Past closing counts nothing; before opening nothing either.
        Assert.Equal(40, worth.Over("ann", new LocalTime(9, 45), new LocalTime(11, 0)), 6);
        Assert.Equal(400, worth.Over("ann", new LocalTime(8, 0), new LocalTime(9, 15)), 6);
        Assert.Equal(0, worth.Over("nobody", new LocalTime(9, 0), new LocalTime(10, 0)));
        Assert.Equal(0, worth.Over("ann", new LocalTime(9, 30), new LocalTime(9, 0)));
        // Not yet known when a 30-minute route leaves: the hour's mean worth a minute (540 / 60) times 30.
        Assert.Equal(270, worth.Typical("ann", new LocalTime(9, 0), new LocalTime(10, 0), Duration.FromMinutes(30)), 6);
        // A route longer than the span counts the span once.
        Assert.Equal(540, worth.Typical("ann", new LocalTime(9, 0), new LocalTime(10, 0), Duration.FromHours(3)), 6);
    }

    [Fact]
    public void The_queue_carries_what_the_windows_do_not_serve_into_the_next_slots()
    {
        var needed = Needed();
        // 1.6, 0.7, 0.7, 0.7 residents a slot; one window serves one a slot.
        Assert.Equal(0, CarriedWaiting.Minutes(needed, "a", [2, 1, 1, 1]));
        Assert.Equal((0.6 + 0.3) * 15, CarriedWaiting.Minutes(needed, "a", [1, 1, 1, 1]), 6);
        Assert.Equal((1.6 + 2.3 + 3.0 + 3.7) * 15, CarriedWaiting.Minutes(needed, "a", [0, 0, 0, 0]), 6);
        // Spare windows clear the queue: 2.3 after slot 1, none after slot 2, then slot 3's own 0.7.
        Assert.Equal((1.6 + 2.3 + 0.7) * 15, CarriedWaiting.Minutes(needed, "a", [0, 0, 3, 0]), 6);
        var staffed = new[] { 1, 1, 1, 1 };
        Assert.Equal(-0.9 * 15, CarriedWaiting.Change(needed, "a", staffed, 0, +1), 6);
        Assert.Equal([1, 1, 1, 1], staffed);
        Assert.Equal(10 * (0.6 + 0.3) * 15, CarriedWaiting.Cost(Plan(new() { ["ann"] = [Duty.At("a"), Duty.At("a"), Duty.At("a"), Duty.At("a")] }), needed, W));
    }
}
