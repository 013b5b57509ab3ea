using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Catalogue;
using Xunit;

namespace Scheduler.Core.Tests;

public sealed class CentreCalendarTests
{
    private static LocalizedText T(string s) => new(s, s);

    internal static CentreProfile Profile(bool lunchStaffed = true) => new(
        new Centre("huli", T("湖里"), "Asia/Shanghai", new GeoPoint(24.51, 118.14), "湖里大道"),
        [new WindowCategory("social", T("社会民生"), 8, 15), new WindowCategory("business", T("经营管理"), 6, 20)],
        [],
        [
            new ServiceItem("short", "social", T("short"), 10, true, null, [], null),
            new ServiceItem("long", "social", T("long"), 40, true, null, [], null),
        ],
        [],
        [
            .. new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday }
                .Select(d => new WeeklyOpening(d, new LocalTime(8, 30), new LocalTime(17, 30), [])),
            new WeeklyOpening(IsoDayOfWeek.Saturday, new LocalTime(9, 0), new LocalTime(12, 0), ["social"]),
        ],
        new LunchPeriod(new LocalTime(12, 0), new LocalTime(13, 30), lunchStaffed, 3),
        [
            new ExtendedSession("thu", IsoDayOfWeek.Thursday, null, new LocalTime(17, 30), new LocalTime(20, 0), ["social"], T("late"), 3),
            new ExtendedSession("wedding", null, new LocalDate(2026, 12, 12), new LocalTime(9, 0), new LocalTime(17, 0), ["social"], T("wedding"), 6),
        ],
        [new CalendarDay(new LocalDate(2026, 12, 1), DayKind.Closure, T("closed"))],
        [],
        [],
        BookingRules.Default);

    private static readonly CalendarDay[] Official =
    [
        new(new LocalDate(2027, 1, 1), DayKind.PublicHoliday, T("元旦")),
        new(new LocalDate(2026, 10, 10), DayKind.AdjustedWorkingDay, T("调休")),
    ];

    private static CentreCalendar Calendar(bool lunchStaffed = true) => new(Profile(lunchStaffed), Official, DateTimeZoneProviders.Tzdb["Asia/Shanghai"]);

    [Fact]
    public void A_weekday_with_a_staffed_lunch_has_slots_all_day_and_fewer_windows_at_lunch()
    {
        var slots = Calendar().Slots(new LocalDate(2026, 11, 30), "social");

        Assert.Equal(36, slots.Count);
        Assert.Equal(new LocalTime(8, 30), slots[0].Start);
        Assert.Equal(new LocalTime(17, 15), slots[^1].Start);
        Assert.All(slots.Where(s => s.Start >= new LocalTime(12, 0) && s.Start < new LocalTime(13, 30)), s =>
        {
            Assert.Equal(SlotKind.Lunch, s.Kind);
            Assert.Equal(3, s.Windows);
        });
        Assert.Equal(8, slots.Single(s => s.Start == new LocalTime(9, 0)).Windows);
    }

    [Fact]
    public void A_closed_lunch_has_no_slots_and_a_run_cannot_cross_it()
    {
        var calendar = Calendar(lunchStaffed: false);
        var date = new LocalDate(2026, 11, 30);
        var slots = calendar.Slots(date, "social");

        Assert.Equal(30, slots.Count);
        Assert.DoesNotContain(slots, s => s.Start >= new LocalTime(12, 0) && s.Start < new LocalTime(13, 30));
        Assert.Null(calendar.Run(slots.Single(s => s.Start == new LocalTime(11, 45)), 2));
        Assert.NotNull(calendar.Run(slots.Single(s => s.Start == new LocalTime(11, 30)), 2));
        Assert.Equal(SlotProblem.OutsideOpeningHours, calendar.FindSlot("social", date, new LocalTime(12, 30), out _));
    }

    [Fact]
    public void A_thursday_has_an_evening_session()
    {
        var slots = Calendar().Slots(new LocalDate(2026, 12, 3), "social");
        var evening = slots.Where(s => s.Kind == SlotKind.Evening).ToList();

        Assert.Equal(10, evening.Count);
        Assert.Equal(new LocalTime(17, 30), evening[0].Start);
        Assert.Equal(new LocalTime(20, 0), evening[^1].End);
        Assert.All(evening, s => Assert.Equal(3, s.Windows));
        Assert.DoesNotContain(Calendar().Slots(new LocalDate(2026, 12, 3), "business"), s => s.Kind == SlotKind.Evening);
    }

    [Fact]
    public void A_public_holiday_has_no_slots_and_says_so()
    {
        var calendar = Calendar();
        Assert.Empty(calendar.Slots(new LocalDate(2027, 1, 1), "social"));
        Assert.Equal(SlotProblem.PublicHoliday, calendar.FindSlot("social", new LocalDate(2027, 1, 1), new LocalTime(9, 0), out _));
    }

    [Fact]
    public void A_closure_has_no_slots()
    {
        var calendar = Calendar();
        Assert.Empty(calendar.Slots(new LocalDate(2026, 12, 1), "social"));
        Assert.Equal(SlotProblem.Closed, calendar.FindSlot("social", new LocalDate(2026, 12, 1), new LocalTime(9, 0), out _));
    }

    [Fact]
    public void An_adjusted_working_day_opens_with_weekday_hours()
    {
        var slots = Calendar().Slots(new LocalDate(2026, 10, 10), "business");
        Assert.Equal(new LocalTime(8, 30), slots[0].Start);
        Assert.All(slots.Where(s => s.Kind != SlotKind.Lunch), s => Assert.Equal(SlotKind.Regular, s.Kind));
    }

    [Fact]
    public void A_weekend_opens_only_where_it_has_hours()
    {
        var saturday = new LocalDate(2026, 11, 28);
        var calendar = Calendar();
        Assert.Equal(12, calendar.Slots(saturday, "social").Count);
        Assert.All(calendar.Slots(saturday, "social"), s => Assert.Equal(SlotKind.Weekend, s.Kind));
        Assert.Empty(calendar.Slots(saturday, "business"));
        Assert.Empty(calendar.Slots(saturday.PlusDays(1), "social"));
    }

    [Fact]
    public void A_special_date_adds_a_session_and_the_larger_staffing_wins_where_they_overlap()
    {
        var slots = Calendar().Slots(new LocalDate(2026, 12, 12), "social");

        Assert.Equal(new LocalTime(9, 0), slots[0].Start);
        Assert.Equal(new LocalTime(17, 0), slots[^1].End);
        Assert.Equal(8, slots.Single(s => s.Start == new LocalTime(9, 0)).Windows);
        Assert.Equal(SlotKind.SpecialDate, slots.Single(s => s.Start == new LocalTime(15, 0)).Kind);
        Assert.Equal(6, slots.Single(s => s.Start == new LocalTime(15, 0)).Windows);
    }

    [Theory]
    [InlineData(8, 40, SlotProblem.NotOnGrid)]
    [InlineData(7, 0, SlotProblem.OutsideOpeningHours)]
    [InlineData(17, 30, SlotProblem.OutsideOpeningHours)]
    [InlineData(9, 15, SlotProblem.None)]
    public void A_time_is_on_the_grid_off_the_grid_or_outside_hours(int hour, int minute, SlotProblem expected) =>
        Assert.Equal(expected, Calendar().FindSlot("social", new LocalDate(2026, 11, 30), new LocalTime(hour, minute), out _));

    [Fact]
    public void Working_days_are_weekdays_and_adjusted_days_but_not_holidays_or_closures()
    {
        var calendar = Calendar();
        Assert.True(calendar.IsWorkingDay(new LocalDate(2026, 11, 30)));
        Assert.False(calendar.IsWorkingDay(new LocalDate(2026, 11, 28)));
        Assert.True(calendar.IsWorkingDay(new LocalDate(2026, 10, 10)));
        Assert.False(calendar.IsWorkingDay(new LocalDate(2027, 1, 1)));
        Assert.False(calendar.IsWorkingDay(new LocalDate(2026, 12, 1)));
        Assert.Equal(new LocalDate(2026, 12, 2), calendar.NextWorkingDay(new LocalDate(2026, 11, 30)));
        Assert.Equal(new LocalDate(2026, 11, 30), calendar.NextWorkingDay(new LocalDate(2026, 11, 27)));
    }

    [Fact]
    public void Local_times_become_instants_in_the_centres_zone()
    {
        var instant = Calendar().ToInstant(new LocalDateTime(2026, 11, 30, 9, 0));
        Assert.Equal(Instant.FromUtc(2026, 11, 30, 1, 0), instant);
    }

    [Fact]
    public void A_day_with_a_published_roster_offers_the_windows_it_staffs_in_each_slot_it_covers()
    {
        // Monday 30 November: the roster covers 08:30-12:00 in 15-minute slots (14 slots), social 2 windows then 0 from 10:00, 12 at 09:00; business 1 window.
        var monday = new LocalDate(2026, 11, 30);
        var social = Enumerable.Range(0, 14).Select(t => t < 6 ? 2 : 0).ToArray();
        social[2] = 12;
        var staffed = new StaffedWindows(monday, new LocalTime(8, 30), 15, new Dictionary<string, IReadOnlyList<int>>
        {
            ["social"] = social,
            ["business"] = [1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        });
        var calendar = Calendar().WithStaffed(staffed);
        var slots = calendar.Slots(monday, "social").ToDictionary(s => s.Start, s => s.Windows);
        Assert.Equal(2, slots[new LocalTime(8, 30)]);
        Assert.Equal(8, slots[new LocalTime(9, 0)]);     // twelve staffed, the hall has eight
        Assert.Equal(0, slots[new LocalTime(10, 0)]);    // no one at a social window: nothing to book
        Assert.Equal(8, slots[new LocalTime(14, 0)]);    // beyond the roster: the centre's configuration
        Assert.Equal(36, slots.Count);                   // the sessions still say when the category is open

        // Business slots are 20 minutes: 09:10-09:30 overlaps the roster's 09:00 and 09:15 slots, the fewest counts.
        var business = calendar.Slots(monday, "business").ToDictionary(s => s.Start, s => s.Windows);
        Assert.Equal(1, business[new LocalTime(8, 30)]);
        Assert.Equal(0, business[new LocalTime(9, 10)]);
        Assert.Equal(1, business[new LocalTime(9, 30)]);
        Assert.Equal(1, business[new LocalTime(11, 30)]);
        Assert.Equal(3, business[new LocalTime(12, 0)]);  // the staffed lunch, beyond the roster's end: the configuration

        // Another day, and the calendar without the roster, are untouched.
        Assert.All(Calendar().Slots(monday, "social").Where(s => s.Kind == SlotKind.Regular), s => Assert.Equal(8, s.Windows));
        Assert.All(calendar.Slots(monday.PlusDays(1), "social").Where(s => s.Kind == SlotKind.Regular), s => Assert.Equal(8, s.Windows));
        Assert.Same(staffed, calendar.Staffed(monday));
    }
}
