using NodaTime;
using Scheduler.Core.Roster;
using Xunit;

namespace Scheduler.Core.Tests.Roster;

public sealed class ErlangCTests
{
    [Fact]
    public void Probability_of_waiting_matches_the_textbook_value()
    {
        // Three windows, two erlangs: C = 4/9.
        Assert.Equal(4.0 / 9, ErlangC.ProbabilityOfWaiting(3, 2), 6);
        Assert.Equal(1, ErlangC.ProbabilityOfWaiting(2, 2));
        Assert.Equal(0, ErlangC.ProbabilityOfWaiting(2, 0));
        // Mean wait = C x S / (c - a): 4/9 x 10 / 1.
        Assert.Equal(40.0 / 9, ErlangC.MeanWaitMinutes(3, 0.2, 10), 6);
        Assert.True(double.IsPositiveInfinity(ErlangC.MeanWaitMinutes(2, 0.2, 10)));
    }

    [Fact]
    public void Windows_needed_is_the_fewest_that_meet_both_targets()
    {
        var level = ServiceLevel.Default;
        // 15-minute slot, 6 arrivals, 12 minutes each: 4.8 erlangs.
        var n = ErlangC.WindowsNeeded(6 / 15.0, 12, level);
        Assert.True(1 - ErlangC.ProbabilityOfWaitingLongerThan(n, 0.4, 12, 10) >= 0.8);
        Assert.True(ErlangC.ProbabilityOfWaitingLongerThan(n, 0.4, 12, 30) <= 0.01);
        Assert.False(1 - ErlangC.ProbabilityOfWaitingLongerThan(n - 1, 0.4, 12, 10) >= 0.8
            && ErlangC.ProbabilityOfWaitingLongerThan(n - 1, 0.4, 12, 30) <= 0.01);
        Assert.Equal(0, ErlangC.WindowsNeeded(0, 12, level));
        // A stricter level needs more windows.
        Assert.True(ErlangC.WindowsNeeded(0.4, 12, new ServiceLevel(0.95, 5, 15)) > n);
    }

    [Theory]
    [InlineData(1.2, 10, 30)]
    [InlineData(-0.1, 10, 30)]
    [InlineData(0, 10, 30)]
    [InlineData(0.8, -1, 30)]
    [InlineData(0.8, 10, 5)]
    public void A_service_level_out_of_range_is_refused(double share, double target, double max) =>
        Assert.NotNull(new ServiceLevel(share, target, max).Problem());
}

public sealed class HallHistoryTests
{
    private static readonly LocalDate Start = new(2025, 9, 1);

    [Fact]
    public void One_seed_gives_one_history()
    {
        var a = new HallHistoryGenerator(HallProfile.Demo(), 7).Visits(Start, 30);
        var b = new HallHistoryGenerator(HallProfile.Demo(), 7).Visits(Start, 30);
        var c = new HallHistoryGenerator(HallProfile.Demo(), 8).Visits(Start, 30);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Count, c.Count);
    }

    [Fact]
    public void A_year_has_a_morning_peak_a_monday_peak_and_a_pre_holiday_peak()
    {
        var profile = HallProfile.Demo();
        var year = new HallHistoryGenerator(profile, 1).Visits(Start, 365);
        var perDay = year.GroupBy(v => v.Date).ToDictionary(g => g.Key, g => g.Count());
        double Mean(Func<LocalDate, bool> which) => perDay.Where(p => which(p.Key)).Average(p => p.Value);
        var monday = Mean(d => d.DayOfWeek == IsoDayOfWeek.Monday && !profile.IsPreHoliday(d));
        var wednesday = Mean(d => d.DayOfWeek == IsoDayOfWeek.Wednesday && !profile.IsPreHoliday(d));
        var eves = perDay.Keys.Where(profile.IsPreHoliday).ToList();
        Assert.True(monday > 1.2 * wednesday, $"monday {monday} wednesday {wednesday}");
        Assert.True(eves.Count >= 5);
        Assert.True(eves.Average(d => perDay[d]) > 1.2 * Mean(d => !profile.IsPreHoliday(d)));
        Assert.DoesNotContain(year, v => v.Date.DayOfWeek == IsoDayOfWeek.Sunday || profile.Holidays.Contains(v.Date));
        var nineToTen = year.Count(v => v.Arrived.Hour == 9);
        var twelveToOne = year.Count(v => v.Arrived.Hour == 12);
        Assert.True(nineToTen > 2 * twelveToOne);
    }

    [Fact]
    public void The_forecast_learns_the_weekday_the_hour_and_the_pre_holiday_factor()
    {
        var profile = HallProfile.Demo();
        var gen = new HallHistoryGenerator(profile, 3);
        var forecast = DemandForecast.Learn(gen.Visits(Start, 365), profile.IsPreHoliday);
        var monday = new LocalDate(2026, 9, 7);
        var wednesday = new LocalDate(2026, 9, 9);
        // Social walk-ins 9-10 on a Wednesday: 80 x (1 - 0.35) x 1.6 / 7.55 = 11.0 expected.
        var expected = 80 * 0.65 * 1.6 / 7.55;
        Assert.InRange(forecast.WalkIns(wednesday, 9, "social", false), expected * 0.85, expected * 1.15);
        Assert.InRange(forecast.WalkIns(monday, 9, "social", false) / forecast.WalkIns(wednesday, 9, "social", false), 1.15, 1.55);
        Assert.InRange(forecast.PreHolidayFactor, 1.25, 1.55);
        Assert.Equal(0, forecast.WalkIns(wednesday, 20, "social", false));
        Assert.InRange(forecast.GreenShare("social"), 0.08, 0.16);
        Assert.InRange(forecast.MeanServiceMinutes("construction")!.Value, 33, 43);
    }

    [Fact]
    public void Demand_adds_booked_minutes_walk_ins_and_extended_requests_per_slot()
    {
        var day = new RosterDay(new LocalDate(2026, 12, 2), new LocalTime(8, 30), 15, 4);
        var categories = new[] { new RosterCategory("social", 8, 15) };
        var booked = new[]
        {
            new BookedDemand("social", new LocalTime(8, 30), 20, Green: true),
            new BookedDemand("social", new LocalTime(8, 40), 10, Green: false),
            new BookedDemand("business", new LocalTime(8, 30), 30, Green: false),
        };
        var extended = new[] { new ExtendedDemand("social", new LocalTime(9, 0), new LocalTime(9, 30), 4) };
        var demand = DayDemand.Build(day, categories, booked, forecast: null, preHoliday: false, extended);
        var first = demand["social", 0];
        Assert.Equal(2, first.Booked);
        Assert.Equal(30, first.WorkloadMinutes);
        Assert.Equal(0.5, first.GreenShare);
        Assert.Equal(0, demand["social", 1].Arrivals);
        Assert.Equal(2, demand["social", 2].Extended);
        Assert.Equal(30, demand["social", 2].WorkloadMinutes); // 2 requests x the category's 15 minutes
        var needed = demand.Needed(ServiceLevel.Default);
        Assert.True(needed["social", 0] >= 1);
        // Slot 1 has no arrivals but the residents of slot 0 are still at the windows: the load carries over.
        Assert.True(needed.Load["social"][1] > 0);
        Assert.True(needed["social", 1] >= 1);
    }

    [Fact]
    public void The_offered_load_reaches_arrival_rate_times_service_time_and_decays_after_arrivals_stop()
    {
        // 3 residents every 15 minutes, 10 minutes each: 2 erlangs once steady.
        var arrivals = Enumerable.Repeat(3.0, 12).Concat(Enumerable.Repeat(0.0, 4)).ToArray();
        var load = DayDemand.OfferedLoad(arrivals, 15, 10);
        Assert.InRange(load[10], 1.98, 2.02);
        Assert.True(load[0] < load[1]);
        Assert.True(load[12] < load[11] && load[13] < 0.5 * load[12]);
    }
}

public sealed class SessionProposalTests
{
    private static readonly SessionPeriod Evening = new("evening-2026-12-02", new LocalDate(2026, 12, 2), new LocalTime(18, 0), new LocalTime(20, 0));
    private static readonly RosterCategory[] Categories = [new("social", 8, 15), new("business", 6, 30)];

    private static RosterStaff Person(string id, int unsocial, string until, params string[] categories) =>
        new(id, categories, [new ShiftSpan(new LocalTime(9, 0), LocalTime.FromHourMinuteSecondTick(int.Parse(until), 0, 0, 0))], unsocial);

    [Fact]
    public void A_period_past_the_threshold_is_proposed_with_the_windows_and_the_staff_with_fewest_evenings()
    {
        var requests = new[] { new ExtendedDemand("social", new LocalTime(18, 0), new LocalTime(20, 0), 14), new ExtendedDemand("business", new LocalTime(18, 0), new LocalTime(19, 0), 2) };
        var staff = new[]
        {
            Person("ann", 8, "20", "social"), Person("bob", 0, "20", "social"), Person("cy", 2, "20", "social", "business"),
            Person("dee", 0, "18", "social"), Person("eve", 5, "20", "social"), Person("fay", 9, "20", "social"), Person("gus", 12, "20", "social"),
        };
        var proposals = SessionProposals.Propose(Evening, Categories, requests, c => c == "social" ? 6 : 0, threshold: 10, staff, [], ServiceLevel.Default);
        var social = Assert.Single(proposals);
        Assert.Equal("social", social.CategoryId);
        Assert.Equal(14, social.Requests);
        Assert.Equal(20, social.ExpectedResidents);
        // 20 residents over 120 minutes at 15 minutes each: 2.5 erlangs; four windows keep 88% within 10 minutes but
        // leave 1.6% over 30, five leave 0.09%.
        Assert.Equal(5, social.Windows);
        Assert.Equal(["bob", "cy", "eve", "ann", "fay"], social.StaffIds); // Dee leaves at 18:00; Gus has had the most evenings
        Assert.True(social.Coverable);
        var session = social.Accept();
        Assert.Equal(new LocalTime(18, 0), session.From);
        Assert.Equal(social.Windows, session.Windows);
    }

    [Fact]
    public void A_period_no_available_staff_can_cover_is_proposed_as_not_coverable()
    {
        var requests = new[] { new ExtendedDemand("business", new LocalTime(18, 0), new LocalTime(20, 0), 12) };
        var staff = new[] { Person("cy", 0, "20", "social", "business") };
        var route = new RouteDuty("r1", "cy", new LocalTime(17, 0), new LocalTime(18, 30));
        var p = Assert.Single(SessionProposals.Propose(Evening, Categories, requests, _ => 0, 10, staff, [route], ServiceLevel.Default));
        Assert.Empty(p.StaffIds);
        Assert.False(p.Coverable);
    }
}
