using System.Globalization;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;

namespace Scheduler.Core.Roster;

/// <summary>
/// How home visits and the hall's roster are planned together (ADR 0020).
/// <paramref name="RouteUnitsPerRosterUnit"/> converts the roster's unit (a tenth of a resident-minute of waiting) into
/// the route planner's (a second of travel): 1 by default, that is one resident-minute of waiting in the hall weighs
/// as much as ten seconds of a staff member's travel. <paramref name="TypicalRoute"/> is how long a route is taken to
/// keep a staff member out before they have one; <paramref name="RosterSeconds"/> bounds each roster the rounds solve;
/// <paramref name="Rounds"/> is how many priced rounds follow the unpriced one.
/// </summary>
public sealed record StaffTimePricingSettings(bool Enabled = true, double RouteUnitsPerRosterUnit = 1.0, Duration? TypicalRoute = null, double RosterSeconds = 5,
    int Rounds = 3)
{
    public Duration Route => TypicalRoute ?? Duration.FromHours(3);
}

/// <summary>
/// Plans a centre's day of home visits together with its hall (<see cref="JointDayPlanning"/>): the staff who both
/// go out and sit at windows are priced by what the windows need of them that day; the routes' time limit is shared
/// evenly between the rounds. Staff who never sit at a window cost nothing; a day the hall cannot be rostered for is
/// planned once, unpriced, and the dispatcher is told why.
/// </summary>
public sealed class HallJointPlanning(RosterPlanning roster, StaffTimePricingSettings settings) : IJointPlanning
{
    public async Task<JointOutcome?> PlanAsync(CentreSnapshot centre, LocalDate date, HomeVisitShiftRules shifts, Duration timeLimit,
        Func<IReadOnlyDictionary<string, long>, Duration, Task<DayPlanOutcome>> solve, CancellationToken cancellationToken)
    {
        if (!settings.Enabled) return null;
        var both = centre.Profile.Staff.Where(s => s.MakesHomeVisits && s.CategoryIds.Count > 0).Select(s => s.Id).ToList();
        if (both.Count == 0) return null;
        var hall = await roster.HallDayAsync(centre.Profile.Centre.Id, date, settings.RosterSeconds, cancellationToken);
        if (hall.Error is { } problem)
            return new JointOutcome(await solve(new Dictionary<string, long>(), timeLimit), $"planned without the hall's roster ({problem.Message})");
        var day = hall.Value!;
        var onRoster = day.Staff.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var share = timeLimit / (settings.Rounds + 1);
        var rounds = await new JointDayPlanning(settings).RunAsync(day.Alone, day.Needed, day.Staff, day.Weights,
            both.Where(onRoster.Contains).ToDictionary(id => id, _ => (shifts.Start, shifts.End), StringComparer.Ordinal), settings.Rounds,
            async (prices, _) =>
            {
                var outcome = await solve(prices, share);
                var duties = outcome.Publishable && outcome.Plan is { } plan ? RosterPlanning.RouteDuties("round", plan, onRoster) : null;
                return new RoutesRound<DayPlanOutcome>(outcome, duties, outcome.Cost ?? 0);
            },
            duties => day.RosterAround(duties, cancellationToken));
        var best = JointDayPlanning.Best(rounds);
        return new JointOutcome(best.Routes.Routes, Summary(rounds, best));
    }

    /// <summary>One line for the dispatcher: which round was kept against planning the routes first, and the prices it planned with.</summary>
    public static string Summary<T>(IReadOnlyList<JointRound<T>> rounds, JointRound<T> kept)
    {
        static string Total(double total) => double.IsInfinity(total) ? "no roster" : total.ToString("N0", CultureInfo.InvariantCulture);
        var first = rounds[0];
        var text = kept.Round == 0
            ? $"planned with the hall: the routes planned first kept (cost {Total(first.Total)}), {rounds.Count - 1} priced round(s) no better"
            : $"planned with the hall: priced round {kept.Round} of {rounds.Count - 1} kept (cost {Total(kept.Total)} against {Total(first.Total)} for the routes planned first)";
        return kept.Round == 0 ? text : $"{text}; {Prices(kept.Prices)}";
    }

    /// <summary>The spread of the prices a round planned with.</summary>
    public static string Prices(IReadOnlyDictionary<string, long> prices)
    {
        if (prices.Count == 0) return "staff time not priced";
        var sorted = prices.Values.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"staff time priced by the hall: {prices.Count} staff, {sorted[0]:N0} to {sorted[^1]:N0} (median {sorted[sorted.Count / 2]:N0})");
    }
}
