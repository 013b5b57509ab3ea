using NodaTime;

namespace Scheduler.Core.Roster;

/// <summary>
/// The routes of one round, as the joint loop sees them: who is out when (null when the round found no plan to
/// keep), and what the routes cost without the staff's prices.
/// </summary>
public sealed record RoutesRound<TRoutes>(TRoutes Routes, IReadOnlyList<RouteDuty>? Duties, long Cost);

/// <summary>
/// One round of the joint loop: the prices the routes were planned with, the routes, the roster planned around them
/// (null when none was found), and the round's total in the route planner's units: the routes' cost plus the
/// roster's objective and the waiting its queues carry from slot to slot (<see cref="CarriedWaiting"/>), converted
/// (<see cref="StaffTimePricingSettings.RouteUnitsPerRosterUnit"/>).
/// </summary>
public sealed record JointRound<TRoutes>(int Round, IReadOnlyDictionary<string, long> Prices, RoutesRound<TRoutes> Routes, RosterPlan? Roster, double Total);

/// <summary>
/// Plans a day's home-visit routes and its roster together (ADR 0020): the hall prices each staff member's time, the
/// routes are planned with those prices, the roster is planned around the routes, and the prices are read again
/// from that roster (what each staff member out would save if back, what each at a window would cost if out) for
/// the next round. Round 0 plans the routes unpriced (as planning routes first would), so the result is never worse
/// than that by the joint objective; then up to <c>rounds</c> priced rounds, stopping early when a round sends the
/// same staff out at the same times as the one before. The best round (lowest total) is the plan.
/// </summary>
public sealed class JointDayPlanning(StaffTimePricingSettings settings)
{
    /// <param name="alone">The day rostered with nobody out (the first prices).</param>
    /// <param name="shifts">Each staff member who makes home visits, with the hours a route may take.</param>
    /// <param name="planRoutes">Plans the routes with what sending each staff member out costs.</param>
    /// <param name="roster">Rosters the day around the routes' duties; null when no roster was found.</param>
    public async Task<IReadOnlyList<JointRound<TRoutes>>> RunAsync<TRoutes>(
        RosterPlan alone, WindowsNeeded needed, IReadOnlyList<RosterStaff> staff, RosterWeights weights,
        IReadOnlyDictionary<string, (LocalTime From, LocalTime To)> shifts, int rounds,
        Func<IReadOnlyDictionary<string, long>, int, Task<RoutesRound<TRoutes>>> planRoutes,
        Func<IReadOnlyList<RouteDuty>, Task<RosterPlan?>> roster)
    {
        var result = new List<JointRound<TRoutes>>();
        async Task<JointRound<TRoutes>> Play(IReadOnlyDictionary<string, long> prices, int round)
        {
            var routes = await planRoutes(prices, round);
            var planned = routes.Duties is null ? null : await roster(routes.Duties);
            var total = planned is null ? double.PositiveInfinity
                : routes.Cost + (planned.Score.Total + CarriedWaiting.Cost(planned, needed, weights)) * settings.RouteUnitsPerRosterUnit;
            var played = new JointRound<TRoutes>(round, prices, routes, planned, total);
            result.Add(played);
            return played;
        }

        // Round 0: the routes as if staff time were free, so the joint plan is never worse than planning routes first.
        await Play(shifts.Keys.ToDictionary(id => id, _ => 0L, StringComparer.Ordinal), 0);
        var prices = Prices(WindowTimeWorth.Of(alone, needed, staff, weights), shifts, []);
        for (var round = 1; round <= rounds; round++)
        {
            var (_, _, routes, planned, _) = await Play(prices, round);
            if (planned is null || round == rounds) break;
            if (result.Count > 2 && SameOuts(result[^2].Routes.Duties, routes.Duties)) break;
            var again = Prices(WindowTimeWorth.Of(planned, needed, staff, weights), shifts, routes.Duties!);
            // Halfway between the old and the new prices: a staff member priced out of the routes in one round is not
            // priced back in at once, so the rounds settle rather than swap the same staff in and out.
            prices = prices.ToDictionary(p => p.Key, p => (p.Value + again.GetValueOrDefault(p.Key)) / 2, StringComparer.Ordinal);
        }
        return result;
    }

    /// <summary>The best round: the lowest total, the earlier at a tie.</summary>
    public static JointRound<TRoutes> Best<TRoutes>(IReadOnlyList<JointRound<TRoutes>> rounds) =>
        rounds.OrderBy(r => r.Total).ThenBy(r => r.Round).First();

    /// <summary>
    /// What sending each staff member out costs, in the route planner's units: their worth over the route they have
    /// (<paramref name="duties"/>), or over a typical route anywhere in their home-visit hours when they have none.
    /// </summary>
    public IReadOnlyDictionary<string, long> Prices(WindowTimeWorth worth, IReadOnlyDictionary<string, (LocalTime From, LocalTime To)> shifts, IReadOnlyList<RouteDuty> duties)
    {
        var prices = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, (from, to)) in shifts)
        {
            var route = duties.FirstOrDefault(d => d.StaffId == id);
            var value = route is not null ? worth.Over(id, route.Leaves, route.Returns) : worth.Typical(id, from, to, settings.Route);
            prices[id] = (long)Math.Round(value * settings.RouteUnitsPerRosterUnit);
        }
        return prices;
    }

    private static bool SameOuts(IReadOnlyList<RouteDuty>? a, IReadOnlyList<RouteDuty>? b) =>
        a is not null && b is not null && a.Select(d => (d.StaffId, d.Leaves, d.Returns)).Order().SequenceEqual(b.Select(d => (d.StaffId, d.Leaves, d.Returns)).Order());
}
