using NodaTime;
using Scheduler.Core.Roster;
using Scheduler.Optimization.Roster;

namespace Scheduler.Optimization.Tests.Roster;

/// <summary>Small roster days for the tests: 15-minute slots from 09:00, needs given per category and slot.</summary>
internal static class RosterWorld
{
    public static readonly RosterWeights W = new();
    public static readonly LocalDate Date = new(2026, 12, 2); // a Wednesday

    public static RosterDay Day(int slots, LocalTime? opens = null, LocalDate? date = null) => new(date ?? Date, opens ?? new LocalTime(9, 0), 15, slots);

    public static RosterStaff Staff(string id, params string[] categories) => new(id, categories, [new ShiftSpan(new LocalTime(0, 0), new LocalTime(23, 45))]);

    public static RosterStaff Staff(string id, LocalTime from, LocalTime to, params string[] categories) => new(id, categories, [new ShiftSpan(from, to)]);

    /// <summary>
    /// Needs per category: <paramref name="arrivals"/> residents of <paramref name="minutes"/> in each slot (booked at
    /// the slot start), the windows needed as given in <paramref name="needs"/> (or by Erlang C when null).
    /// </summary>
    public static WindowsNeeded Needs(RosterDay day, IReadOnlyList<(string Category, int Windows, double Minutes, int[] Arrivals, int[]? Needs)> categories)
    {
        var cats = categories.Select(c => new RosterCategory(c.Category, c.Windows, c.Minutes)).ToList();
        var booked = categories.SelectMany(c => c.Arrivals.SelectMany((n, t) => Enumerable.Repeat(new BookedDemand(c.Category, day.StartOf(t), c.Minutes, false), n)));
        var demand = DayDemand.Build(day, cats, booked, null, false);
        var erlang = demand.Needed(ServiceLevel.Default);
        var needs = categories.ToDictionary(c => c.Category, c => c.Needs ?? erlang.PerCategory[c.Category]);
        return erlang with { PerCategory = needs };
    }

    public static RosterRules NoBreaksNoLunch { get; } = RosterRules.Default with { LunchFrom = null, LunchTo = null, BreakAfterSlots = 1000 };

    public static RosterRequest Request(RosterDay day, WindowsNeeded needed, IReadOnlyList<RosterStaff> staff, RosterRules? rules = null,
        RosterWeights? weights = null, IReadOnlyList<RouteDuty>? routes = null, IReadOnlyList<OpenSession>? sessions = null, PublishedRoster? published = null) =>
        new(day, staff, routes ?? [], needed, rules ?? NoBreaksNoLunch, sessions ?? [], published, weights ?? W, new RosterSolverOptions(TimeLimitSeconds: 20, Workers: 2));

    public static RosterPlan Solve(RosterRequest r) => new CpSatRosterSolver().Solve(r);

    public static Duty[] Row(params Duty[] d) => d;
}
