using NodaTime;

namespace Scheduler.Core.Roster;

/// <summary>A lunch, evening or weekend period a centre could open as an extended session.</summary>
public sealed record SessionPeriod(string Id, LocalDate Date, LocalTime From, LocalTime To)
{
    public double Minutes => RosterDay.MinuteOfDay(To) - RosterDay.MinuteOfDay(From);
}

/// <summary>
/// A proposal to open <see cref="Period"/> for a category: the residents expected (requests plus forecast walk-ins),
/// the windows that serves at the service level, and the staff it would take (<see cref="Coverable"/> when enough
/// skilled staff are available for the whole period).
/// </summary>
public sealed record SessionProposal(SessionPeriod Period, string CategoryId, int Requests, double ExpectedResidents, int Windows, IReadOnlyList<string> StaffIds)
{
    public bool Coverable => StaffIds.Count >= Windows;

    /// <summary>The session to roster once a dispatcher accepts the proposal.</summary>
    public OpenSession Accept() => new($"{Period.Id}-{CategoryId}", Period.From, Period.To, [CategoryId], Windows);
}

/// <summary>
/// When extended-hours requests and the forecast for a period pass the centre's threshold, propose opening it:
/// per category, the residents expected over the period (requests for it plus <paramref name="forecastResidents"/>),
/// the windows needed by Erlang C with arrivals spread evenly over the period, and the staff to sit there: skilled,
/// available for the whole period, not on a route, those with the fewest evening and weekend slots this week first.
/// </summary>
public static class SessionProposals
{
    public static IReadOnlyList<SessionProposal> Propose(SessionPeriod period, IReadOnlyList<RosterCategory> categories, IEnumerable<ExtendedDemand> requests,
        Func<string, double> forecastResidents, int threshold, IReadOnlyList<RosterStaff> staff, IReadOnlyList<RouteDuty> routes, ServiceLevel level)
    {
        var proposals = new List<SessionProposal>();
        var asked = requests.Where(r => r.From < period.To && r.To > period.From).ToList();
        foreach (var c in categories)
        {
            var count = asked.Where(r => r.CategoryId == c.Id).Sum(r => r.Requests);
            var expected = count + forecastResidents(c.Id);
            if (expected < threshold || period.Minutes <= 0) continue;
            var windows = Math.Min(c.Windows, Math.Max(1, ErlangC.WindowsNeeded(expected / period.Minutes, c.MeanServiceMinutes, level)));
            var who = staff
                .Where(s => s.CategoryIds.Contains(c.Id) && s.Shifts.Any(x => x.From <= period.From && x.To >= period.To)
                            && !routes.Any(r => r.StaffId == s.Id && r.Leaves < period.To && r.Returns > period.From))
                .OrderBy(s => s.UnsocialSlotsSoFar).ThenBy(s => s.CategoryIds.Count).ThenBy(s => s.Id, StringComparer.Ordinal)
                .Take(windows).Select(s => s.Id).ToList();
            proposals.Add(new SessionProposal(period, c.Id, count, expected, windows, who));
        }
        return proposals;
    }
}
