using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Staffing;

namespace Scheduler.Core.Tests.Support;

/// <summary>
/// A small centre shaped like the demo one (huli, Asia/Shanghai, the demo's booking rules), made in code. Social
/// windows: 4, slots of 15 minutes, so a slot holds 4 and one seat (a quarter) is held for the green channel.
/// Open weekdays 08:30-17:30, closed at lunch 12:00-13:30; 2026-12-02 is a closure, 2027-01-01 a public holiday.
/// "Now" is Friday 2026-11-27 09:00 at the centre, as in the function tests.
/// </summary>
public static class TestCentre
{
    public const string Id = "huli";
    public const string Social = "social";
    public const string Business = "business";

    /// <summary>10 minutes: one social slot.</summary>
    public const string Pension = "pension-certification";

    /// <summary>15 minutes: one social slot.</summary>
    public const string Residence = "residence-permit";

    /// <summary>Pension and residence together: 25 minutes, two back-to-back social slots.</summary>
    public const string Bundle = "retire-and-move";

    /// <summary>Done at home by a team of one holding "notary".</summary>
    public const string HomeItem = "notary-at-home";

    public static readonly Instant Now = Instant.FromUtc(2026, 11, 27, 1, 0);

    /// <summary>Monday, the next working day.</summary>
    public static readonly LocalDate Monday = new(2026, 11, 30);

    public static readonly LocalDate Closure = new(2026, 12, 2);

    private static LocalizedText T(string s) => new(s, s);

    public static CentreProfile Profile(bool homeVisitStaff = true) => new(
        new Centre(Id, T("湖里区政务服务中心"), "Asia/Shanghai", new GeoPoint(24.5126, 118.1465), "湖里大道", Phone: "12345"),
        [new WindowCategory(Social, T("社会民生"), 4, 15), new WindowCategory(Business, T("经营管理"), 2, 20)],
        [new Skill("notary", T("公证"))],
        [
            new ServiceItem(Pension, Social, T("养老资格认证"), 10, true, null, [], null),
            new ServiceItem(Residence, Social, T("居住证"), 15, true, null, [], null),
            new ServiceItem("business-licence", Business, T("营业执照"), 20, false, 3, [], null),
            new ServiceItem(HomeItem, Social, T("上门公证"), 30, true, null, [], new HomeVisitProfile(1, ["notary"])),
        ],
        [new Bundle(Bundle, T("退休迁居一件事"), [Pension, Residence])],
        [
            .. new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday }
                .Select(d => new WeeklyOpening(d, new LocalTime(8, 30), new LocalTime(17, 30), [])),
        ],
        new LunchPeriod(new LocalTime(12, 0), new LocalTime(13, 30), false, 0),
        [],
        [new CalendarDay(Closure, DayKind.Closure, T("停电"))],
        [
            new StaffMember("s01", "陈静", [Social], ["notary"], homeVisitStaff),
            new StaffMember("s02", "王磊", [Social, Business], [], false),
        ],
        [],
        BookingRules.Default);

    public static readonly IReadOnlyList<CalendarDay> Official =
    [
        new(new LocalDate(2027, 1, 1), DayKind.PublicHoliday, T("元旦")),
    ];

    public static CentreSnapshot Snapshot(CentreProfile? profile = null)
    {
        var p = profile ?? Profile();
        return new CentreSnapshot(p, new CentreCalendar(p, Official, DateTimeZoneProviders.Tzdb[p.Centre.TimeZoneId]), p.Booking);
    }
}
