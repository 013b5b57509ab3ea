using NodaTime;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;

namespace Scheduler.Bench.Day;

/// <summary>
/// A seeded, realistic day of home visits around the Huli District centre in Xiamen (latitude 24.49-24.55,
/// longitude 118.08-118.19): residents' homes spread over the district, two-hour windows between 08:30 and 17:00
/// (some residents give two), service items of 20 to 60 minutes, one visit in six for a team of two and one in
/// twenty-five for three, skills by item, a mix of urgencies and waits; staff from 08:30 to 17:30 with an hour's
/// lunch between 11:30 and 13:30, some starting and ending at home, a nine-hour working limit, up to an hour of
/// overtime. The same seed gives the same day.
/// </summary>
public static class HuliDayGenerator
{
    public static readonly GeoPoint HuliCentre = new(24.5125, 118.1460);

    private static readonly string[] Skills = ["social-security", "civil-affairs", "real-estate", "medical-insurance", "household"];

    public static HomeVisitPlanRequest Generate(int visits, int staff, int seed)
    {
        var random = new Random(seed);
        GeoPoint Home() => new(Math.Round(24.49 + random.NextDouble() * 0.06, 5), Math.Round(118.08 + random.NextDouble() * 0.11, 5));
        LocalTime T(int minutes) => new LocalTime(0, 0).PlusMinutes(minutes);

        var shifts = Enumerable.Range(1, staff).Select(i =>
        {
            var held = Skills.OrderBy(_ => random.Next()).Take(2 + random.Next(2)).ToList();
            var place = random.NextDouble() < 0.2 ? StaffPlace.AtHome(Home()) : StaffPlace.Centre;
            return new StaffShift($"s{i:00}", held, T(8 * 60 + 30), T(17 * 60 + 30),
                new LunchBreak(T(11 * 60 + 30), T(13 * 60 + 30), Duration.FromHours(1)), place, place,
                Duration.FromHours(9), Duration.FromHours(1));
        }).ToList();

        int[] minutes = [20, 30, 30, 40, 45, 60];
        var list = Enumerable.Range(1, visits).Select(i =>
        {
            var draw = random.NextDouble();
            var team = draw < 0.04 ? 3 : draw < 0.2 ? 2 : 1;
            var skills = random.NextDouble() < 0.7 ? new[] { Skills[random.Next(Skills.Length)] } : [];
            var windowStart = 8 * 60 + 30 + 30 * random.Next(14); // 08:30 .. 15:00
            var windows = new List<TimeWindow> { new(T(windowStart), T(windowStart + 120)) };
            if (random.NextDouble() < 0.15)
            {
                var other = windowStart < 12 * 60 ? windowStart + 4 * 60 : windowStart - 4 * 60;
                windows.Add(new TimeWindow(T(other), T(other + 120)));
            }
            var u = random.NextDouble();
            var urgency = u < 0.1 ? VisitUrgency.Urgent : u < 0.3 ? VisitUrgency.Soon : VisitUrgency.Routine;
            return new VisitToPlan($"hv{i:000}", Home(), Duration.FromMinutes(minutes[random.Next(minutes.Length)]),
                windows.OrderBy(w => w.From).ToList(), team, skills, urgency, random.Next(0, 11));
        }).ToList();
        return new HomeVisitPlanRequest("huli", "Asia/Shanghai", HuliCentre, new LocalDate(2027, 3, 2), list, shifts);
    }
}
