using NodaTime;

namespace Scheduler.Core.Roster;

/// <summary>
/// The demo centre's window staff for roster days: twelve people on 08:30-17:30 (social affairs, business,
/// construction, five of them skilled for two categories), one of them out on a home-visit route in the afternoon.
/// </summary>
public static class DemoStaffing
{
    public static IReadOnlyList<RosterCategory> Categories { get; } =
        [new("social", 8, 16.5), new("business", 6, 27), new("construction", 4, 38)];

    public static IReadOnlyList<RosterStaff> Staff(HallProfile profile)
    {
        var shift = new[] { new ShiftSpan(profile.Opens, profile.Closes) };
        (string Id, string[] Categories)[] people =
        [
            ("s01", ["social"]), ("s02", ["social"]), ("s03", ["social"]), ("s04", ["social"]),
            ("s05", ["social", "business"]), ("s06", ["social", "business"]),
            ("s07", ["business"]), ("s08", ["business"]), ("s09", ["business", "construction"]),
            ("s10", ["construction"]), ("s11", ["construction"]), ("s12", ["social", "construction"]),
        ];
        return people.Select(p => new RosterStaff(p.Id, p.Categories, shift)).ToList();
    }

    public static IReadOnlyList<RouteDuty> Routes(LocalDate date) =>
        [new RouteDuty($"route-{date:yyyyMMdd}-1", "s12", new LocalTime(14, 0), new LocalTime(16, 0))];
}
