using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;
using static Scheduler.Core.Tests.HomeVisits.PlanningWorld;

namespace Scheduler.Core.Tests.HomeVisits;

public sealed class StaffScheduleQueryTests
{
    private readonly PlanningWorld _w = new();
    private static readonly LocalDate Monday = TestCentre.Monday;

    private Task<Outcome<StaffSchedule>> GetAsync(string? staffId, LocalDate? date) =>
        _w.Schedules.GetAsync(TestCentre.Id, staffId, date, CancellationToken.None);

    [Fact]
    public async Task A_published_day_lists_the_visits_in_order_of_requests_still_approved_with_who_else_comes()
    {
        _w.Stored("hv-a", Monday, HomeVisitStatus.Approved, name: "王秀英");
        _w.Stored("hv-b", Monday, HomeVisitStatus.Cancelled);
        _w.Run("draft", Monday, PlanRunStatus.Solved, Plan(Monday, "hv-b", "hv-a"));
        _w.Run("published", Monday, PlanRunStatus.Published, Plan(Monday, "hv-a", "hv-b"));

        var s01 = (await GetAsync("s01", Monday)).Value!;
        var s02 = (await GetAsync("s02", Monday)).Value!;

        Assert.Equal(("published", new LocalTime(8, 30), new LocalTime(11, 30)), (s01.PlanId, s01.Departure, s01.Return));
        Assert.Equal(new PlannedBreak(new LocalTime(12, 0), new LocalTime(13, 0)), s01.Break);
        var stop = Assert.Single(s01.Stops);
        Assert.Equal(("hv-a", new LocalTime(9, 15), new LocalTime(9, 45), "王秀英", "湖里区hv-a号", TestCentre.HomeItem, "notes of hv-a"),
            (stop.VisitId, stop.Start, stop.End, stop.ResidentName, stop.Address, stop.ItemId, stop.Notes));
        Assert.Equal((24.50, 118.15), (stop.Latitude, stop.Longitude));
        Assert.Equal(new[] { "s02" }, stop.TeamWith);
        Assert.Equal(new[] { "s01" }, Assert.Single(s02.Stops).TeamWith);
    }

    [Fact]
    public async Task A_day_without_a_published_plan_or_without_the_staff_member_in_it_is_empty()
    {
        _w.Run("solved", Monday.PlusDays(1), PlanRunStatus.Solved, Plan(Monday.PlusDays(1), "hv-a", "hv-b"));
        _w.Run("published", Monday, PlanRunStatus.Published, Plan(Monday, "hv-a", "hv-b"));

        var unpublished = (await GetAsync("s01", Monday.PlusDays(1))).Value!;
        var absent = (await GetAsync("s03", Monday)).Value!;

        Assert.Equal((null, 0), (unpublished.PlanId, unpublished.Stops.Count));
        Assert.Equal(("published", 0, null), (absent.PlanId, absent.Stops.Count, absent.Departure));
    }

    [Fact]
    public async Task Date_and_staff_member_are_required()
    {
        Assert.Equal(("date", ErrorCodes.Missing), ((await GetAsync("s01", null)).Error?.Field, (await GetAsync("s01", null)).Error?.Code));
        Assert.Equal(("staffId", ErrorCodes.Missing), ((await GetAsync("", Monday)).Error?.Field, (await GetAsync(null, Monday)).Error?.Code));
    }
}
