using NodaTime;
using Scheduler.Core.Roster;
using Xunit;

namespace Scheduler.Core.Tests.Roster;

/// <summary>Booked residents take the service time the hall measured for their item once it has enough records.</summary>
public sealed class MeasuredServiceTests
{
    private static readonly LocalDate Day = new(2026, 11, 30);

    private static IEnumerable<HallVisit> Visits(string item, int count, double minutes) =>
        Enumerable.Range(0, count).Select(i => new HallVisit(Day.PlusDays(-1 - i % 20), new LocalTime(9, 0), "social", item, false, false, minutes + (i % 2 == 0 ? 1 : -1)));

    [Fact]
    public void An_item_recorded_often_enough_takes_its_measured_mean_and_others_keep_their_minutes()
    {
        var visits = Visits("pension", MeasuredService.MinSamples, 22)            // measured: 22 min on average
            .Concat(Visits("allowance", MeasuredService.MinSamples - 1, 40))         // one record short
            .Concat(Visits("", 50, 5))                                               // no item named
            .ToList();
        var bookings = new List<BookedDemand>
        {
            new("social", new LocalTime(9, 0), 15, false, "pension"),
            new("social", new LocalTime(9, 15), 10, true, "allowance"),
            new("social", new LocalTime(9, 30), 30, false, "bundle-elderly"),
            new("social", new LocalTime(9, 45), 12, false),
        };

        var measured = MeasuredService.Apply(bookings, visits);

        Assert.Equal([22, 10, 30, 12], measured.Select(b => b.Minutes));
        Assert.Equal(bookings.Select(b => (b.Start, b.Green, b.ItemId)), measured.Select(b => (b.Start, b.Green, b.ItemId)));
    }
}
