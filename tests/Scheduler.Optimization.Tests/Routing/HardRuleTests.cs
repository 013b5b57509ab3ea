using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Optimization.Routing;
using Xunit;
using static Scheduler.Optimization.Tests.Routing.LineWorld;

namespace Scheduler.Optimization.Tests.Routing;

/// <summary>Each hard rule of the planner alone, on the smallest day that shows it.</summary>
public sealed class HardRuleTests
{
    [Fact]
    public void A_visit_starts_inside_its_window()
    {
        var r = Plan(Day([Visit("v", 10, from: T(10), to: T(11))], [Staff("ann")]));
        Assert.True(r.Publishable);
        var stop = r.StopOf("ann", "v");
        Assert.InRange(stop.Start, T(10), T(11));
        Assert.Equal(T(9, 50), r.RouteOf("ann").Departure); // leaves no earlier than needed
    }

    [Fact]
    public void A_visit_with_several_windows_starts_in_one_of_them_never_in_the_gap()
    {
        // Reachable from 8:10; the first window has closed by then, so the visit waits for the afternoon one.
        var visit = Visit("v", 10) with { Windows = [new TimeWindow(T(8), T(8, 5)), new TimeWindow(T(14), T(15))] };
        var r = Plan(Day([visit], [Staff("ann")]));
        Assert.InRange(r.StopOf("ann", "v").Start, T(14), T(15));

        // Two visits wanting 9:00-9:30 at places 60 min apart: the second has an afternoon window and takes it.
        var a = Visit("a", 10, minutes: 30, from: T(9), to: T(9, 30));
        var b = Visit("b", 70, minutes: 30) with { Windows = [new TimeWindow(T(9), T(9, 30)), new TimeWindow(T(13), T(13, 30))] };
        var both = Plan(Day([a, b], [Staff("ann")]));
        Assert.Empty(both.Plan!.Dropped);
        Assert.InRange(both.StopOf("ann", "b").Start, T(13), T(13, 30));
    }

    [Fact]
    public void A_visit_lasts_its_service_time()
    {
        var r = Plan(Day([Visit("v", 5, minutes: 45)], [Staff("ann")]));
        var stop = r.StopOf("ann", "v");
        Assert.Equal(Period.FromMinutes(45), Period.Between(stop.Start, stop.End, PeriodUnits.Minutes));
    }

    [Fact]
    public void Only_staff_with_the_skills_serve_a_visit()
    {
        var r = Plan(Day([Visit("v", 10, skills: ["notary"])], [Staff("near"), Staff("far", ["notary"], home: StaffPlace.AtHome(Km(40)))]));
        Assert.Equal("far", r.ServedBy("v"));
    }

    [Fact]
    public void A_visit_nobody_is_qualified_for_is_dropped_with_that_reason()
    {
        var r = Plan(Day([Visit("v", 10, skills: ["notary"])], [Staff("ann")]));
        Assert.Equal(DropReason.NoQualifiedStaff, r.DroppedOf("v")!.Reason);
        Assert.True(r.Publishable);
    }

    [Fact]
    public void A_team_arrives_and_starts_together_on_different_staff()
    {
        var r = Plan(Day([Visit("t", 10, team: 2, from: T(10), to: T(12))], [Staff("ann"), Staff("bo", home: StaffPlace.AtHome(Km(30))), Staff("cy")]));
        var members = r.Plan!.Routes.Where(x => x.Stops.Any(s => s.VisitId == "t")).ToList();
        Assert.Equal(2, members.Count);
        Assert.Single(members.Select(m => m.Stops.Single().Start).Distinct());
        Assert.DoesNotContain(members, m => m.StaffId == "bo"); // the two from the centre are cheaper
    }

    [Fact]
    public void A_team_holds_the_required_skills_between_its_members()
    {
        var visit = Visit("t", 10, team: 2, skills: ["notary", "registry"]);
        var r = Plan(Day([visit], [Staff("ann", ["notary"]), Staff("bo"), Staff("cy", ["registry"], home: StaffPlace.AtHome(Km(20)))]));
        var team = r.Plan!.Routes.Where(x => x.Stops.Count > 0).Select(x => x.StaffId).Order().ToList();
        Assert.Equal(["ann", "cy"], team);
    }

    [Fact]
    public void A_team_larger_than_the_staff_on_duty_is_dropped_with_that_reason()
    {
        var r = Plan(Day([Visit("t", 10, team: 3)], [Staff("ann"), Staff("bo")]));
        Assert.Equal(DropReason.TeamLargerThanStaffOnDuty, r.DroppedOf("t")!.Reason);
    }

    [Fact]
    public void A_visit_outside_every_shift_is_dropped_with_that_reason()
    {
        var r = Plan(Day([Visit("v", 10, from: T(18), to: T(19))], [Staff("ann")]));
        Assert.Equal(DropReason.NoWindowWithinShifts, r.DroppedOf("v")!.Reason);
    }

    [Fact]
    public void Staff_leave_after_their_shift_starts_and_are_back_by_its_end()
    {
        var r = Plan(Day([Visit("v", 30, minutes: 60)], [Staff("ann", start: T(13), end: T(15))]));
        var route = r.RouteOf("ann");
        Assert.True(route.Departure >= T(13));
        Assert.True(route.Return <= T(15));
        // The same visit does not fit a two-hour shift with one hour of travel each way.
        var tight = Plan(Day([Visit("v", 35, minutes: 60)], [Staff("ann", start: T(13), end: T(15))]));
        Assert.Equal(DropReason.NoWindowWithinShifts, tight.DroppedOf("v")!.Reason);
    }

    [Fact]
    public void The_lunch_break_is_kept_clear_of_visits_and_travel()
    {
        var lunch = new LunchBreak(T(11, 30), T(13, 30), Duration.FromHours(1));
        var visits = Enumerable.Range(1, 6).Select(i => Visit($"v{i}", i * 3, minutes: 50)).ToList();
        var r = Plan(Day(visits, [Staff("ann", lunch: lunch)]));
        Assert.True(r.Publishable, string.Join("; ", r.Violations));
        var pause = r.RouteOf("ann").Break!;
        Assert.True(pause.Start >= T(11, 30) && pause.End <= T(13, 30));
        Assert.DoesNotContain(r.RouteOf("ann").Stops, s => s.Start < pause.End && s.End > pause.Start);
    }

    [Fact]
    public void The_maximum_working_time_bounds_the_day()
    {
        // Each visit alone takes 2 h 20 min out and back; both together would take 3 h 40 min.
        var visits = new[] { Visit("a", 40, minutes: 60), Visit("b", 40, minutes: 60) };
        var r = Plan(Day(visits, [Staff("ann", max: Duration.FromHours(3))]));
        Assert.Single(r.Plan!.Dropped);
        Assert.Equal(DropReason.NoRoomInPlan, r.Plan.Dropped[0].Reason);
        Assert.True(r.Plan.Kpis.StaffLoads.Single().Working <= Duration.FromHours(3));
    }

    [Fact]
    public void A_pinned_visit_keeps_its_staff_and_start_even_when_another_is_cheaper()
    {
        var pinned = Visit("p", 10) with { Pin = new VisitPin(["far"], T(15)) };
        var r = Plan(Day([pinned, Visit("v", 12)], [Staff("near"), Staff("far", home: StaffPlace.AtHome(Km(50)))]));
        Assert.Equal("far", r.ServedBy("p"));
        Assert.Equal(T(15), r.StopOf("far", "p").Start);
    }

    [Fact]
    public void A_pinned_visit_that_cannot_be_kept_makes_the_request_invalid()
    {
        var pinned = Visit("p", 10) with { Pin = new VisitPin(["ann"], T(19)) };
        var r = Plan(Day([pinned], [Staff("ann")]));
        Assert.Equal(RoutePlanStatus.InvalidRequest, r.Status);
        Assert.Contains(r.Problems, p => p.Contains("pinned visit p", StringComparison.Ordinal));
    }

    [Fact]
    public void A_visit_across_water_fits_the_crossing_window()
    {
        var island = Visit("i", 20, minutes: 60) with { Crossing = new CrossingWindow(T(10), T(12)) };
        var r = Plan(Day([island], [Staff("ann")]));
        var stop = r.StopOf("ann", "i");
        Assert.True(stop.Start >= T(10) && stop.End <= T(12));
        var closed = island with { Crossing = new CrossingWindow(T(10), T(10, 30)) };
        Assert.Equal(DropReason.NoWindowWithinShifts, Plan(Day([closed], [Staff("ann")])).DroppedOf("i")!.Reason);
    }

    [Fact]
    public void Loads_fit_the_carrying_capacity()
    {
        var visits = new[] { Visit("a", 5) with { Load = 2 }, Visit("b", 6) with { Load = 2 } };
        var r = Plan(Day(visits, [Staff("ann", capacity: 3), Staff("bo", capacity: 3)]));
        Assert.Empty(r.Plan!.Dropped);
        Assert.NotEqual(r.ServedBy("a"), r.ServedBy("b"));
    }

    [Fact]
    public void Staff_start_and_end_at_home_when_told_to()
    {
        var r = Plan(Day([Visit("v", 25, from: T(9), to: T(9))], [Staff("ann", home: StaffPlace.AtHome(Km(20)))]));
        var route = r.RouteOf("ann");
        Assert.Equal(T(8, 55), route.Departure);
        Assert.Equal(T(9, 35), route.Return);
    }
}
