using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Residents;
using Scheduler.Core.Staffing;
using Xunit;

namespace Scheduler.Core.Tests;

public sealed class CentreProfileTests
{
    private static LocalizedText T(string s) => new(s, s);

    private static CentreProfile Sound() => new(
        new Centre("huli", T("湖里"), "Asia/Shanghai", new GeoPoint(24.51, 118.14), "湖里大道"),
        [new WindowCategory("social", T("社会民生"), 4, 15)],
        [new Skill("civil-affairs", T("民政"))],
        [
            new ServiceItem("a", "social", T("A"), 15, true, null, [], new HomeVisitProfile(1, ["civil-affairs"])),
            new ServiceItem("b", "social", T("B"), 20, false, 5, [], null),
        ],
        [new Bundle("ab", T("AB"), ["a", "b"])],
        [new WeeklyOpening(IsoDayOfWeek.Monday, new LocalTime(8, 30), new LocalTime(17, 30), [])],
        new LunchPeriod(new LocalTime(12, 0), new LocalTime(13, 30), true, 2),
        [new ExtendedSession("thu", IsoDayOfWeek.Thursday, null, new LocalTime(17, 30), new LocalTime(20, 0), ["social"], T("late"), 2)],
        [new CalendarDay(new LocalDate(2027, 1, 1), DayKind.PublicHoliday, T("元旦"))],
        [new StaffMember("s1", "王伟", ["social"], ["civil-affairs"], true)],
        [new Resident("r1", "李芳", "+8613800000001", new GeoPoint(24.5, 118.1), "somewhere", [EligibilityReason.Aged60Plus])],
        BookingRules.Default);

    [Fact]
    public void A_sound_profile_has_no_errors() => Assert.Empty(Sound().Validate());

    [Fact]
    public void Every_broken_reference_is_reported_by_name()
    {
        var p = Sound();
        var broken = p with
        {
            Items = [.. p.Items, new ServiceItem("c", "nowhere", T("C"), 10, true, null, [], new HomeVisitProfile(2, ["flying"]))],
            Bundles = [new Bundle("x", T("X"), ["a", "ghost"])],
            Staff = [new StaffMember("s2", "张强", ["business"], ["juggling"], true)],
        };
        var errors = broken.Validate();
        Assert.Contains("item 'c' names unknown category 'nowhere'", errors);
        Assert.Contains("item 'c' needs unknown skill 'flying'", errors);
        Assert.Contains("bundle 'x' names unknown item 'ghost'", errors);
        Assert.Contains("staff member 's2' names unknown category 'business'", errors);
        Assert.Contains("staff member 's2' names unknown skill 'juggling'", errors);
    }

    [Fact]
    public void Impossible_values_are_reported()
    {
        var p = Sound();
        var broken = p with
        {
            Categories = [new WindowCategory("social", T("x"), 0, 1)],
            Items = [new ServiceItem("a", "social", T("A"), 0, false, null, [], null), p.Items[0]],
            Lunch = new LunchPeriod(new LocalTime(13, 0), new LocalTime(12, 0), false, 0),
            Residents = [new Resident("r1", "x", "+86", new GeoPoint(123, 500), "", [])],
            ExtendedSessions = [new ExtendedSession("both", IsoDayOfWeek.Monday, new LocalDate(2026, 12, 12), new LocalTime(9, 0), new LocalTime(8, 0), [], T("x"), 1)],
        };
        var errors = broken.Validate();
        Assert.Contains("category 'social' must have at least one window", errors);
        Assert.Contains("category 'social' slot length 1 is outside 5..240 minutes", errors);
        Assert.Contains("item 'a' is defined 2 times", errors);
        Assert.Contains("item 'a' must take at least one minute", errors);
        Assert.Contains("item 'a' is not immediate and needs a promised processing time", errors);
        Assert.Contains("lunch period ends before it starts", errors);
        Assert.Contains("resident 'r1' has invalid coordinates", errors);
        Assert.Contains("extended session 'both' needs exactly one of a weekday or a date", errors);
        Assert.Contains("extended session 'both' closes before it opens", errors);
    }
}
