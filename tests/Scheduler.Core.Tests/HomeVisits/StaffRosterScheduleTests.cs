using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Roster;
using Scheduler.Core.Tests.Support;
using Xunit;
using static Scheduler.Core.Tests.HomeVisits.PlanningWorld;

namespace Scheduler.Core.Tests.HomeVisits;

/// <summary>The staff schedule shows the windows a staff member sits at from the day's published roster, beside their visits.</summary>
public sealed class StaffRosterScheduleTests
{
    private static readonly LocalDate Monday = TestCentre.Monday;

    private sealed class OneRoster(RosterRun? published) : IRosterStore
    {
        public Task AddAsync(RosterRun run, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<StoredRosterRun?> GetAsync(string centreId, string rosterId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<StoredRosterRun?> PublishedAsync(string centreId, LocalDate date, CancellationToken cancellationToken) =>
            Task.FromResult(published is not null && published.Date == date ? new StoredRosterRun(published, "1") : null);
        public Task<bool> PublishAsync(StoredRosterRun run, StoredRosterRun? previous, Instant at, string by, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<RosterRun>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>A 08:30 day of 12 slots: s01 two slots social, one business, a break, out on route, back office; s02 social all day.</summary>
    private static RosterRun Roster(LocalDate date)
    {
        var day = new RosterDay(date, new LocalTime(8, 30), 15, 8);
        Duty[] s01 = [Duty.At("social"), Duty.At("social"), Duty.At("business"), Duty.Break, Duty.On("r1"), Duty.On("r1"), Duty.BackOffice, Duty.Off];
        var s02 = Enumerable.Repeat(Duty.At("social"), 8).ToArray();
        return new RosterRun("r", TestCentre.Id, date, RosterRunStatus.Published, TestCentre.Now, "d", ServiceLevel.Default, null, [], [], day,
            new Dictionary<string, IReadOnlyList<Duty>> { ["s01"] = s01, ["s02"] = s02 }, [], new ShortfallReport([], 0, 0), new RosterScore(0, 0, 0, 0, 0),
            new RosterSolveStatistics(RosterStatus.Optimal, 0, 0, 0, 0, ""), new WaitingCurve(1, [], 0, 0, 0, 0, 0, 0));
    }

    [Fact]
    public async Task The_published_rosters_windows_break_and_back_office_show_beside_the_visits()
    {
        var w = new PlanningWorld();
        var schedules = new StaffScheduleQuery(w.Runs, w.Requests, new OneRoster(Roster(Monday)));
        w.Stored("hv-a", Monday, HomeVisitStatus.Approved);
        w.Run("published", Monday, PlanRunStatus.Published, Plan(Monday, "hv-a", "hv-b"));

        var s01 = (await schedules.GetAsync(TestCentre.Id, "s01", Monday, CancellationToken.None)).Value!;

        Assert.Equal("r", s01.RosterId);
        Assert.Equal(
            [
                new RosterSpell(DutyKind.Window, "social", new LocalTime(8, 30), new LocalTime(9, 0)),
                new RosterSpell(DutyKind.Window, "business", new LocalTime(9, 0), new LocalTime(9, 15)),
                new RosterSpell(DutyKind.Break, null, new LocalTime(9, 15), new LocalTime(9, 30)),
                new RosterSpell(DutyKind.BackOffice, null, new LocalTime(10, 0), new LocalTime(10, 15)),
            ], s01.Roster);
        Assert.Single(s01.Stops);
    }

    [Fact]
    public async Task A_staff_member_with_no_visits_still_sees_their_windows_and_a_day_without_a_published_roster_shows_none()
    {
        var w = new PlanningWorld();
        var schedules = new StaffScheduleQuery(w.Runs, w.Requests, new OneRoster(Roster(Monday)));

        var s02 = (await schedules.GetAsync(TestCentre.Id, "s02", Monday, CancellationToken.None)).Value!;
        var tuesday = (await schedules.GetAsync(TestCentre.Id, "s02", Monday.PlusDays(1), CancellationToken.None)).Value!;

        Assert.Equal(new RosterSpell(DutyKind.Window, "social", new LocalTime(8, 30), new LocalTime(10, 30)), Assert.Single(s02.Roster!));
        Assert.Empty(s02.Stops);
        Assert.Equal((null, 0), (tuesday.RosterId, tuesday.Roster!.Count));
    }
}
