using System.Globalization;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;

namespace Scheduler.Core.Roster;

/// <summary>
/// How staff time is priced for the route planner (ADR 0020).
/// <paramref name="RouteUnitsPerRosterUnit"/> converts the roster's unit (a tenth of a resident-minute of waiting) into
/// the route planner's (a second of travel): 1 by default, that is one resident-minute of waiting in the hall weighs
/// as much as ten seconds of a staff member's travel. <paramref name="TypicalRoute"/> is how long a route is taken to
/// be out when the staff member has none yet; <paramref name="RosterSeconds"/> bounds the roster solved to learn the worth.
/// </summary>
public sealed record StaffTimePricingSettings(bool Enabled = true, double RouteUnitsPerRosterUnit = 1.0, Duration? TypicalRoute = null, double RosterSeconds = 5)
{
    public Duration Route => TypicalRoute ?? Duration.FromHours(3);
}

/// <summary>
/// Prices what sending each home-visit staff member out costs the hall: the day is rostered with nobody out
/// (<see cref="RosterPlanning.WorthOfWindowTimeAsync"/>), and each staff member who also sits at a window costs the worth of
/// their window time over the route they have in the published plan, or over a typical route taken anywhere in the
/// home-visit shift when they have none. Staff who never sit at a window cost nothing.
/// </summary>
public sealed class HallStaffTimePricing(RosterPlanning roster, StaffTimePricingSettings settings) : IStaffTimePricing
{
    public async Task<StaffTimePrices?> PriceAsync(CentreSnapshot centre, LocalDate date, HomeVisitShiftRules shifts, HomeVisitPlan? published, CancellationToken cancellationToken)
    {
        if (!settings.Enabled) return null;
        var both = centre.Profile.Staff.Where(s => s.MakesHomeVisits && s.CategoryIds.Count > 0).Select(s => s.Id).ToList();
        if (both.Count == 0) return null;
        var outcome = await roster.WorthOfWindowTimeAsync(centre.Profile.Centre.Id, date, settings.RosterSeconds, cancellationToken);
        if (outcome.Error is { } problem)
            return new StaffTimePrices(new Dictionary<string, long>(), $"staff time not priced by the hall ({problem.Message})");
        var worth = outcome.Value!;
        var prices = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var id in both)
        {
            var route = published?.Routes.FirstOrDefault(r => r.StaffId == id && r.Stops.Count > 0);
            var value = route is not null ? worth.Over(id, route.Departure, route.Return) : worth.Typical(id, shifts.Start, shifts.End, settings.Route);
            prices[id] = (long)Math.Round(value * settings.RouteUnitsPerRosterUnit);
        }
        return new StaffTimePrices(prices, Summary(prices));
    }

    /// <summary>One line for the dispatcher: how many staff were priced and the spread of their prices.</summary>
    public static string Summary(IReadOnlyDictionary<string, long> prices)
    {
        if (prices.Count == 0) return "staff time not priced by the hall";
        var sorted = prices.Values.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"staff time priced by the hall: {prices.Count} staff, {sorted[0]:N0} to {sorted[^1]:N0} (median {sorted[sorted.Count / 2]:N0})");
    }
}
