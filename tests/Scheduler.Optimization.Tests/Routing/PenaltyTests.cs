using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;
using Scheduler.Optimization.Routing.Penalties;
using Xunit;
using static Scheduler.Optimization.Tests.Routing.LineWorld;

namespace Scheduler.Optimization.Tests.Routing;

/// <summary>Each named penalty alone: its exact cost, and the choice it makes the planner take.</summary>
public sealed class PenaltyTests
{
    private static readonly PenaltyWeights W = new();

    [Fact]
    public void Drop_penalty_grows_tenfold_by_urgency_and_by_an_hour_a_day_waited()
    {
        Assert.Equal(36_000, DropPenalty.Cost(Visit("a", 1), W));
        Assert.Equal(360_000, DropPenalty.Cost(Visit("a", 1, urgency: VisitUrgency.Soon), W));
        Assert.Equal(3_600_000 + 3 * 3_600, DropPenalty.Cost(Visit("a", 1, urgency: VisitUrgency.Urgent, waited: 3), W));
        Assert.Equal(36_000 + 60 * 3_600, DropPenalty.Cost(Visit("a", 1, waited: 400), W)); // capped
        var team = Visit("t", 1, team: 3, waited: 1);
        Assert.Equal(DropPenalty.Cost(team, W), Enumerable.Range(0, 3).Sum(m => DropPenalty.Share(team, W, m)));
    }

    [Fact]
    public void When_only_one_of_two_fits_the_more_urgent_is_served()
    {
        var routine = Visit("routine", 10, minutes: 60, from: T(9), to: T(9, 30));
        var urgent = Visit("urgent", 10, minutes: 60, from: T(9), to: T(9, 30), urgency: VisitUrgency.Urgent);
        var r = Plan(Day([routine, urgent], [Staff("ann")]));
        Assert.Equal("ann", r.ServedBy("urgent"));
        Assert.Equal(DropReason.NoRoomInPlan, r.DroppedOf("routine")!.Reason);
        Assert.Equal(DropPenalty.Cost(routine, W), r.Score!.Dropped);
    }

    [Fact]
    public void At_equal_urgency_the_resident_who_waited_longer_is_served()
    {
        var fresh = Visit("fresh", 10, minutes: 60, from: T(9), to: T(9, 30), waited: 0);
        var waited = Visit("waited", 10, minutes: 60, from: T(9), to: T(9, 30), waited: 5);
        var r = Plan(Day([fresh, waited], [Staff("ann")]));
        Assert.Equal("ann", r.ServedBy("waited"));
        Assert.NotNull(r.DroppedOf("fresh"));
    }

    [Fact]
    public void Travel_penalty_is_the_travel_of_every_trip_and_the_planner_takes_the_shorter_order()
    {
        Assert.Equal(600, TravelPenalty.Cost(600, 10_000, W));
        Assert.Equal(20_000, TravelPenalty.Cost(600, 10_000, W with { TravelPerUnit = 2, TravelBasis = TravelCostBasis.Metres }));
        var r = Plan(Day([Visit("far", 20), Visit("near", 10), Visit("mid", 15)], [Staff("ann")]));
        Assert.Equal(["near", "mid", "far"], r.RouteOf("ann").Stops.Select(s => s.VisitId));
        Assert.Equal(40 * 60, r.Score!.Travel);
        Assert.Equal(r.Score.Total, r.Statistics.Objective);
    }

    [Fact]
    public void Overtime_penalty_counts_each_second_past_the_shift_end()
    {
        var shift = Staff("ann", end: T(12), overtime: Duration.FromHours(1));
        Assert.Equal(0, OvertimePenalty.Cost(12 * 3600, shift, W));
        Assert.Equal(3 * 600, OvertimePenalty.Cost(12 * 3600 + 600, shift, W));

        // The visit can only end at 12:15, back at 12:25: 25 minutes of overtime, cheaper than dropping it.
        var late = Visit("late", 10, minutes: 30, from: T(11, 45), to: T(11, 45));
        var r = Plan(Day([late], [shift]));
        Assert.Equal("ann", r.ServedBy("late"));
        Assert.Equal(Duration.FromMinutes(25), r.Plan!.Kpis.TotalOvertime);
        Assert.Equal(3 * 25 * 60, r.Score!.Overtime);
        Assert.Equal(r.Score.Total, r.Statistics.Objective);

        // Overtime dearer than the visit: dropped instead.
        var dear = Plan(Day([late], [shift]), Quick(W with { OvertimePerSecond = 1_000 }));
        Assert.NotNull(dear.DroppedOf("late"));
    }

    [Fact]
    public void Staff_use_penalty_charges_each_staff_member_sent_out()
    {
        Assert.Equal(0, StaffUsePenalty.Cost(0, Staff("ann"), W with { PerStaffUsed = 500 }));
        Assert.Equal(500, StaffUsePenalty.Cost(3, Staff("ann"), W with { PerStaffUsed = 500 }));

        // Two visits at the same time need two staff; when a second staff member costs more than dropping the
        // routine visit (but less than the one that is due soon), only one goes out.
        var visits = new[] { Visit("a", 10, from: T(9), to: T(9), urgency: VisitUrgency.Soon), Visit("b", 10, from: T(9), to: T(9)) };
        var free = Plan(Day(visits, [Staff("ann"), Staff("bo")]));
        Assert.Empty(free.Plan!.Dropped);
        var dear = Plan(Day(visits, [Staff("ann"), Staff("bo")]), Quick(W with { PerStaffUsed = 50_000 }));
        Assert.Equal("b", Assert.Single(dear.Plan!.Dropped).VisitId);
        Assert.Equal(50_000, dear.Score!.StaffUsed);
        Assert.Equal(dear.Score.Total, dear.Statistics.Objective);
    }

    [Fact]
    public void A_staff_members_own_use_cost_replaces_the_common_one()
    {
        // The hall's worth of a staff member's window time (ADR 0020): their own figure, the common one otherwise.
        var w = W with { PerStaffUsed = 500 };
        Assert.Equal(7_000, StaffUsePenalty.Cost(2, Staff("ann") with { UseCost = 7_000 }, w));
        Assert.Equal(0, StaffUsePenalty.Cost(0, Staff("ann") with { UseCost = 7_000 }, w));
        Assert.Equal(0, StaffUsePenalty.Cost(2, Staff("ann") with { UseCost = 0 }, w));
        Assert.Equal(500, StaffUsePenalty.Cost(2, Staff("bo"), w));

        // One visit either can make, the dear one nearer: the cheap one goes, and the plan's score says what it cost.
        var visit = Visit("a", 10, from: T(9), to: T(12));
        var near = Staff("near", home: StaffPlace.AtHome(Km(9))) with { UseCost = 40_000 };
        var far = Staff("far", home: StaffPlace.AtHome(Km(1))) with { UseCost = 1_000 };
        var both = Plan(Day([visit], [near, far]));
        Assert.Equal("far", both.ServedBy("a"));
        Assert.Equal(1_000, both.Score!.StaffUsed);
        Assert.Equal(both.Score.Total, both.Statistics.Objective);
        // Priced alike, the nearer one goes.
        var alike = Plan(Day([visit], [near with { UseCost = 1_000 }, far]));
        Assert.Equal("near", alike.ServedBy("a"));
    }
}
