using NodaTime;
using Scheduler.Core.Roster;
using Scheduler.Optimization.Roster;
using Xunit;

namespace Scheduler.Optimization.Tests.Roster;

public sealed class HallSimulationTests
{
    private static readonly RosterDay Hour = new(new LocalDate(2026, 12, 2), new LocalTime(9, 0), 15, 4);

    private static Dictionary<string, int[]> Windows(params int[] open) => new() { ["a"] = open };

    [Fact]
    public void One_window_serves_in_order_of_arrival()
    {
        var r = HallSimulation.Run(Hour, Windows(1, 1, 1, 1), [new("a", 0, 10, false), new("a", 1, 10, false), new("a", 2, 10, false)]);
        Assert.Equal([0.0, 9, 18], r.Visits.Select(v => v.WaitMinutes));
        Assert.Equal(new WaitStats(3, 9, 18, 18, 0), r.Waits);
        Assert.Equal(0.5, r.Categories.Single().Utilisation, 6); // 30 busy minutes of 60
        Assert.Equal(2, r.Categories.Single().MaxQueue);
    }

    [Fact]
    public void The_green_channel_is_called_first()
    {
        var r = HallSimulation.Run(Hour, Windows(1, 1, 1, 1), [new("a", 0, 10, false), new("a", 1, 10, false), new("a", 2, 10, true)]);
        Assert.Equal(8, r.Visits.Single(v => v.Green).WaitMinutes);
        Assert.Equal(19, r.Visits.Single(v => v.ArrivesAt == 1).WaitMinutes);
    }

    [Fact]
    public void Windows_follow_the_roster_and_a_closing_window_finishes_its_resident_first()
    {
        // Two windows in the first slot, none after; after closing one window serves who is left.
        var r = HallSimulation.Run(Hour, Windows(2, 0, 0, 0), [new("a", 0, 20, false), new("a", 5, 20, false), new("a", 14, 5, false), new("a", 20, 5, false)]);
        var waits = r.Visits.OrderBy(v => v.ArrivesAt).Select(v => v.WaitMinutes).ToArray();
        Assert.Equal([0.0, 0, 46, 45], waits); // served at 0 and 5, then after closing at 60 and 65
        Assert.Equal(2, r.Waits.Over30);
    }

    [Fact]
    public void A_drawn_day_is_seeded_keeps_no_shows_and_follows_the_forecast()
    {
        var day = new RosterDay(new LocalDate(2026, 12, 2), new LocalTime(9, 0), 15, 8);
        var categories = new[] { new RosterCategory("a", 4, 10) };
        var booked = Enumerable.Range(0, 200).Select(i => new BookedDemand("a", new LocalTime(9, 0).PlusMinutes(15 * (i % 8)), 12, false)).ToList();
        var forecastFree = DayDemand.Build(day, categories, booked, null, false, [new ExtendedDemand("a", new LocalTime(9, 0), new LocalTime(11, 0), 80)]);
        var one = HallSimulation.Draw(forecastFree, booked, new Punctuality(), 5);
        Assert.Equal(one, HallSimulation.Draw(forecastFree, booked, new Punctuality(), 5));
        Assert.NotEqual(one, HallSimulation.Draw(forecastFree, booked, new Punctuality(), 6));
        var draws = Enumerable.Range(0, 40).Select(s => HallSimulation.Draw(forecastFree, booked, new Punctuality(NoShowShare: 0.1), s)).ToList();
        // 200 booked less 10% no-shows, plus 80 Poisson requests: 260 on average.
        Assert.InRange(draws.Average(d => d.Count), 250, 270);
        Assert.InRange(draws.Average(d => d.Average(a => a.ServiceMinutes)), 10.5, 12.5);
        Assert.All(draws.SelectMany(d => d), a => Assert.InRange(a.ArrivesAt, 0, 120));
    }

    [Fact]
    public void More_windows_mean_shorter_waits_on_the_same_generated_day()
    {
        var profile = HallProfile.Demo();
        var date = new LocalDate(2026, 12, 7);
        var day = new RosterDay(date, profile.Opens, 15, 36);
        var (booked, walkIns) = new HallHistoryGenerator(profile, 11).Day(date);
        var arrivals = HallSimulation.FromVisits(day, walkIns.Concat(booked.Where(b => b.Arrived is not null).Select(b => b.Arrived!)));
        SimulationReport With(int social, int business, int construction) => HallSimulation.Run(day, new Dictionary<string, int[]>
        {
            ["social"] = Enumerable.Repeat(social, 36).ToArray(),
            ["business"] = Enumerable.Repeat(business, 36).ToArray(),
            ["construction"] = Enumerable.Repeat(construction, 36).ToArray(),
        }, arrivals);
        var few = With(5, 3, 2);
        var many = With(8, 6, 4);
        Assert.Equal(arrivals.Count, few.Waits.Residents);
        Assert.Equal(arrivals.Count, many.Waits.Residents);
        Assert.True(many.Waits.P90 < few.Waits.P90);
        Assert.True(many.Categories.All(c => c.Utilisation < 1));
        Assert.Contains(few.Hours, h => h.CategoryId == "social" && h.Hour == 9 && h.MaxQueue > 0);
    }
}
