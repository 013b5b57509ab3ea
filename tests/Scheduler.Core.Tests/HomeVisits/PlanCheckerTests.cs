using NodaTime;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Xunit;

namespace Scheduler.Core.Tests.HomeVisits;

/// <summary>
/// The checker on one small, valid day, then that day broken one rule at a time. Places lie on a line east of the
/// centre; travel takes one minute per 0.01 degree of longitude.
/// </summary>
public sealed class PlanCheckerTests
{
    private static readonly GeoPoint Centre = new(24.5, 118.10);
    private static GeoPoint East(int hundredths) => new(24.5, 118.10 + hundredths / 100.0);
    private static LocalTime T(int h, int m = 0) => new(h, m);

    private static readonly VisitToPlan Alone = new("alone", East(10), Duration.FromMinutes(30),
        [new TimeWindow(T(9), T(11))], 1, ["notary"], VisitUrgency.Routine, 2);
    private static readonly VisitToPlan Team = new("team", East(20), Duration.FromMinutes(60),
        [new TimeWindow(T(13), T(15))], 2, ["notary", "registry"], VisitUrgency.Urgent, 0);

    private static HomeVisitPlanRequest Request(params VisitToPlan[] extra) => new("huli", "Asia/Shanghai", Centre,
        new LocalDate(2027, 3, 1), [Alone, Team, .. extra],
        [
            new StaffShift("ann", ["notary"], T(8, 30), T(17, 30), new LunchBreak(T(11, 30), T(13, 30), Duration.FromHours(1)),
                StaffPlace.Centre, StaffPlace.Centre, Duration.FromHours(9), Duration.FromHours(1), Capacity: 5),
            new StaffShift("bo", ["registry"], T(8, 30), T(17, 30), null, StaffPlace.Centre, StaffPlace.Centre),
        ]);

    private static TravelMatrix Matrix(HomeVisitPlanRequest request)
    {
        var points = new PlanPlaces(request).Points;
        return TravelMatrix.Build(points.Count, (i, j) =>
        {
            var minutes = (int)Math.Round(Math.Abs(points[i].Longitude - points[j].Longitude) * 100);
            return (minutes * 60, minutes * 1000);
        });
    }

    // ann: centre 9:00 -> alone (10 min) 9:10-9:40 -> lunch 11:30-12:30 -> team (10 min) 13:00-14:00 -> centre (20 min) 14:20.
    // bo: centre 12:40 -> team (20 min) 13:00-14:00 -> centre 14:20.
    private static HomeVisitPlan Valid(HomeVisitPlanRequest request, Func<StaffRoute, StaffRoute>? ann = null,
        Func<StaffRoute, StaffRoute>? bo = null, IReadOnlyList<DroppedVisit>? dropped = null)
    {
        var a = new StaffRoute("ann", T(9), T(14, 20),
            [new RouteStop("alone", T(9, 10), T(9, 10), T(9, 40)), new RouteStop("team", T(12, 40), T(13), T(14))],
            new PlannedBreak(T(11, 30), T(12, 30)));
        var b = new StaffRoute("bo", T(12, 40), T(14, 20), [new RouteStop("team", T(13), T(13), T(14))], null);
        return HomeVisitPlan.Assemble(request, Matrix(request), [ann?.Invoke(a) ?? a, bo?.Invoke(b) ?? b], dropped ?? []);
    }

    private static IReadOnlyList<PlanViolation> Check(HomeVisitPlan plan, HomeVisitPlanRequest? request = null)
    {
        request ??= Request();
        return PlanChecker.Check(request, Matrix(request), plan);
    }

    private static void AssertOnly(PlanRule rule, IReadOnlyList<PlanViolation> violations)
    {
        Assert.NotEmpty(violations);
        Assert.All(violations, v => Assert.Equal(rule, v.Rule));
    }

    private static StaffRoute WithStop(StaffRoute r, int i, Func<RouteStop, RouteStop> change) =>
        r with { Stops = r.Stops.Select((s, k) => k == i ? change(s) : s).ToList() };

    [Fact]
    public void A_plan_that_keeps_every_rule_has_no_violation()
    {
        var plan = Valid(Request());
        Assert.Empty(Check(plan));
        Assert.Equal(2, plan.Kpis.Served);
        Assert.Equal(Duration.FromMinutes(40 + 40), plan.Kpis.TotalTravel);
    }

    [Fact]
    public void A_visit_starting_outside_its_windows_is_rejected() =>
        AssertOnly(PlanRule.TimeWindow, Check(Valid(Request(),
            ann: r => r with { Departure = T(11, 10), Stops = [new RouteStop("alone", T(11, 20), T(11, 20), T(11, 50)), r.Stops[1]],
                Break = new PlannedBreak(T(11, 55), T(12, 55)) })));

    [Fact]
    public void A_visit_shorter_than_its_service_time_is_rejected() =>
        AssertOnly(PlanRule.ServiceDuration, Check(Valid(Request(), ann: r => WithStop(r, 0, s => s with { End = T(9, 30) }))));

    [Fact]
    public void A_visit_by_staff_without_the_skill_is_rejected()
    {
        var plan = Valid(Request(), ann: r => r with { Stops = [r.Stops[1]] },
            bo: r => r with { Departure = T(8, 50), Stops = [new RouteStop("alone", T(9), T(9), T(9, 30)), new RouteStop("team", T(9, 40), T(13), T(14))] });
        AssertOnly(PlanRule.Skills, Check(plan));
    }

    [Fact]
    public void A_team_that_does_not_start_together_is_rejected() =>
        AssertOnly(PlanRule.TeamTogether, Check(Valid(Request(), bo: r => r with
        {
            Departure = T(12, 50), Return = T(14, 30), Stops = [new RouteStop("team", T(13, 10), T(13, 10), T(14, 10))],
        })));

    [Fact]
    public void A_team_visit_with_too_few_staff_is_rejected() =>
        Assert.Contains(Check(Valid(Request(), bo: r => r with { Stops = [] })), v => v.Rule == PlanRule.TeamTogether);

    [Fact]
    public void Leaving_before_the_shift_or_returning_past_the_overtime_allowed_is_rejected()
    {
        AssertOnly(PlanRule.Shift, Check(Valid(Request(), bo: r => r with { Departure = T(8) })));
        AssertOnly(PlanRule.Shift, Check(Valid(Request(), bo: r => r with { Return = T(18) })));
    }

    [Fact]
    public void A_missing_misplaced_or_short_break_is_rejected()
    {
        AssertOnly(PlanRule.Break, Check(Valid(Request(), ann: r => r with { Break = null })));
        AssertOnly(PlanRule.Break, Check(Valid(Request(), ann: r => r with { Break = new PlannedBreak(T(10, 30), T(11, 30)) })));
        AssertOnly(PlanRule.Break, Check(Valid(Request(), ann: r => r with { Break = new PlannedBreak(T(11, 30), T(12)) })));
        // In the window, but during the 13:00 visit.
        AssertOnly(PlanRule.Break, Check(Valid(Request(), ann: r => r with { Break = new PlannedBreak(T(12, 30), T(13, 30)) })));
        // In the window, but leaves no room for the 10-minute trip: lunch where the day starts, ann leaves at 9:00.
        var late = Request() with { Staff = [Request().Staff[0] with { Lunch = new LunchBreak(T(8, 30), T(9, 55), Duration.FromMinutes(40)) }, Request().Staff[1]] };
        AssertOnly(PlanRule.Break, Check(Valid(late, ann: r => r with { Break = new PlannedBreak(T(8, 35), T(9, 15)) }), late));
    }

    [Fact]
    public void Working_longer_than_the_maximum_is_rejected()
    {
        var request = Request() with
        {
            Staff = [Request().Staff[0] with { MaxWorkingTime = Duration.FromHours(5) }, Request().Staff[1]],
        };
        AssertOnly(PlanRule.MaxWorkingTime, Check(Valid(request), request));
    }

    [Fact]
    public void Arriving_sooner_than_the_trip_allows_is_rejected() =>
        AssertOnly(PlanRule.Travel, Check(Valid(Request(), ann: r => WithStop(r, 0, s => s with { Arrival = T(9, 5), Start = T(9, 5), End = T(9, 35) }))));

    [Fact]
    public void Starting_before_arriving_is_rejected() =>
        AssertOnly(PlanRule.Travel, Check(Valid(Request(), ann: r => WithStop(r, 0, s => s with { Arrival = T(9, 20) }))));

    [Fact]
    public void Coming_back_sooner_than_the_trip_allows_is_rejected() =>
        AssertOnly(PlanRule.Travel, Check(Valid(Request(), bo: r => r with { Return = T(14, 10) })));

    [Fact]
    public void A_pinned_visit_moved_to_other_staff_or_another_time_is_rejected()
    {
        var pinned = Request() with { Visits = [Alone with { Pin = new VisitPin(["ann"], T(9, 20)) }, Team] };
        Assert.Empty(Check(Valid(pinned, ann: r => WithStop(r, 0, s => s with { Start = T(9, 20), End = T(9, 50) })), pinned));
        AssertOnly(PlanRule.Pin, Check(Valid(pinned), pinned));
        AssertOnly(PlanRule.Pin, Check(Valid(pinned, ann: r => r with { Stops = [r.Stops[1]] },
            dropped: [new DroppedVisit("alone", DropReason.NoRoomInPlan, "test")]), pinned));
    }

    [Fact]
    public void A_visit_outside_its_crossing_window_is_rejected()
    {
        var island = Request() with { Visits = [Alone with { Crossing = new CrossingWindow(T(9, 30), T(16)) }, Team] };
        AssertOnly(PlanRule.Crossing, Check(Valid(island), island));
    }

    [Fact]
    public void Loads_over_the_capacity_are_rejected()
    {
        var heavy = Request() with { Visits = [Alone with { Load = 4 }, Team with { Load = 2 }] };
        AssertOnly(PlanRule.Capacity, Check(Valid(heavy), heavy));
    }

    [Fact]
    public void Every_visit_is_served_or_dropped_exactly_once()
    {
        var extra = new VisitToPlan("extra", East(5), Duration.FromMinutes(15), [new TimeWindow(T(9), T(17))], 1, [],
            VisitUrgency.Routine, 0);
        var request = Request(extra);
        AssertOnly(PlanRule.EveryVisitAccounted, Check(Valid(request), request));
        Assert.Empty(Check(Valid(request, dropped: [new DroppedVisit("extra", DropReason.NoRoomInPlan, "test")]), request));
        AssertOnly(PlanRule.EveryVisitAccounted, Check(Valid(request, dropped:
        [
            new DroppedVisit("extra", DropReason.NoRoomInPlan, "test"), new DroppedVisit("alone", DropReason.NoRoomInPlan, "test"),
        ]), request));
    }

    [Fact]
    public void Unknown_visits_and_staff_are_rejected()
    {
        AssertOnly(PlanRule.UnknownReference, Check(Valid(Request()) with
        {
            Routes = [.. Valid(Request()).Routes, new StaffRoute("ghost", T(9), T(9), [], null)],
        }));
        Assert.Contains(Check(Valid(Request(), bo: r => r with { Stops = [.. r.Stops, new RouteStop("nowhere", T(15), T(15), T(15))] })),
            v => v.Rule == PlanRule.UnknownReference);
    }
}
