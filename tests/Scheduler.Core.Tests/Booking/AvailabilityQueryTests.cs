using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;
using static Scheduler.Core.Tests.Support.BookingWorld;

namespace Scheduler.Core.Tests.Booking;

/// <summary>Free slots; today is Friday 2026-11-27, 09:00, and booking opens 14 days ahead (to Friday 2026-12-11).</summary>
public sealed class AvailabilityQueryTests
{
    private readonly BookingWorld _w = new();
    private static readonly LocalDate Today = TestCentre.Monday.PlusDays(-3);
    private static readonly LocalDate LastDay = Today.PlusDays(14);

    private async Task<IReadOnlyList<AvailabilityDay>> Days(LocalDate from, LocalDate? to = null, string? item = TestCentre.Pension, string? bundle = null,
        string? category = null, bool green = false)
    {
        var outcome = await _w.Availability.GetAsync(TestCentre.Id, category, item, bundle, from, to, green, CancellationToken.None);
        Assert.True(outcome.Error is null, outcome.Error?.ToString());
        return outcome.Value!;
    }

    private static int FreeAt(IReadOnlyList<AvailabilityDay> days, LocalDate date, int hour, int minute) =>
        days.Where(d => d.Date == date).SelectMany(d => d.Slots).Where(s => s.Start == new LocalTime(hour, minute)).Select(s => s.Free).DefaultIfEmpty(0).Single();

    [Fact]
    public async Task Without_to_it_runs_to_the_last_bookable_day_and_skips_closed_days()
    {
        var days = await Days(Today);

        Assert.Equal(Today, days[0].Date);
        Assert.Equal(LastDay, days[^1].Date);
        Assert.DoesNotContain(days, d => d.Date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);
        Assert.DoesNotContain(days, d => d.Date == TestCentre.Closure);
        Assert.Equal(11 - 1, days.Count); // eleven weekdays from today to the last day, less the closure
    }

    [Fact]
    public async Task A_range_reaching_past_the_horizon_or_before_today_is_clipped_and_one_wholly_beyond_is_empty()
    {
        var clipped = await Days(Today.PlusDays(-5), LastDay.PlusDays(10));
        var beyond = await Days(LastDay.PlusDays(3));
        var beyondWithTo = await Days(LastDay.PlusDays(3), LastDay.PlusDays(5));

        Assert.Equal((Today, LastDay), (clipped[0].Date, clipped[^1].Date));
        Assert.Empty(beyond);
        Assert.Empty(beyondWithTo);
    }

    [Fact]
    public async Task Today_starts_after_the_cut_off()
    {
        var days = await Days(Today, Today);

        Assert.Equal(new LocalTime(9, 30), days.Single().Slots[0].Start);
        _w.Clock.Advance(Duration.FromMinutes(1));
        Assert.Equal(new LocalTime(9, 45), (await Days(Today, Today)).Single().Slots[0].Start);
    }

    [Fact]
    public async Task Held_seats_show_only_to_the_green_channel_until_two_hours_before()
    {
        var monday = TestCentre.Monday;
        for (var i = 0; i < 3; i++) await _w.BookedAsync(Command(monday, 10, 0));

        var everyone = await Days(monday, monday);
        var green = await Days(monday, monday, green: true);
        var todayEveryone = await Days(Today, Today);

        Assert.Equal(3, FreeAt(everyone, monday, 9, 45));
        Assert.Equal(4, FreeAt(green, monday, 9, 45));
        Assert.DoesNotContain(everyone.Single().Slots, s => s.Start == new LocalTime(10, 0));
        Assert.Equal(1, FreeAt(green, monday, 10, 0));
        Assert.Equal(4, FreeAt(todayEveryone, Today, 10, 45)); // within two hours: released
        Assert.Equal(3, FreeAt(todayEveryone, Today, 11, 15));
    }

    [Fact]
    public async Task A_bundle_is_offered_only_where_its_run_of_slots_fits()
    {
        var days = await Days(TestCentre.Monday, TestCentre.Monday, item: null, bundle: TestCentre.Bundle);
        var slots = days.Single().Slots;

        Assert.Contains(slots, s => s.Start == new LocalTime(11, 30) && s.End == new LocalTime(12, 0));
        Assert.DoesNotContain(slots, s => s.Start == new LocalTime(11, 45));
        Assert.DoesNotContain(slots, s => s.Start == new LocalTime(17, 15));
    }

    [Fact]
    public async Task A_whole_category_may_be_asked_for()
    {
        var days = await Days(TestCentre.Monday, TestCentre.Monday, item: null, category: TestCentre.Business);

        Assert.Equal(new LocalTime(8, 50), days.Single().Slots[1].Start);
        Assert.All(days.Single().Slots, s => Assert.Equal(2, s.Free)); // two windows, none held (a quarter of 2 rounds down)
    }

    [Theory]
    [InlineData("reversed", "to", ErrorCodes.RangeReversed)]
    [InlineData("too long", "to", ErrorCodes.RangeTooLong)]
    [InlineData("nothing", "itemId", ErrorCodes.Missing)]
    [InlineData("category", "categoryId", ErrorCodes.UnknownCategory)]
    [InlineData("wrong category", "categoryId", ErrorCodes.WrongCategory)]
    [InlineData("centre", "centre", ErrorCodes.UnknownCentre)]
    public async Task Bad_questions_are_refused(string bad, string field, string code)
    {
        var outcome = bad switch
        {
            "reversed" => await _w.Availability.GetAsync(TestCentre.Id, null, TestCentre.Pension, null, Today.PlusDays(2), Today, false, CancellationToken.None),
            "too long" => await _w.Availability.GetAsync(TestCentre.Id, null, TestCentre.Pension, null, Today, Today.PlusDays(62), false, CancellationToken.None),
            "nothing" => await _w.Availability.GetAsync(TestCentre.Id, null, null, null, Today, null, false, CancellationToken.None),
            "category" => await _w.Availability.GetAsync(TestCentre.Id, "nope", null, null, Today, null, false, CancellationToken.None),
            "wrong category" => await _w.Availability.GetAsync(TestCentre.Id, TestCentre.Business, TestCentre.Pension, null, Today, null, false, CancellationToken.None),
            _ => await _w.Availability.GetAsync("elsewhere", null, TestCentre.Pension, null, Today, null, false, CancellationToken.None),
        };

        Assert.Equal((field, code), (outcome.Error?.Field, outcome.Error?.Code));
        Assert.Equal(0, _w.Store.UsageReads);
    }

    [Fact]
    public async Task Sixty_one_days_at_a_time_are_allowed()
    {
        var outcome = await _w.Availability.GetAsync(TestCentre.Id, null, TestCentre.Pension, null, Today, Today.PlusDays(61), false, CancellationToken.None);

        Assert.Null(outcome.Error);
        Assert.Equal(LastDay, outcome.Value![^1].Date);
    }
}
