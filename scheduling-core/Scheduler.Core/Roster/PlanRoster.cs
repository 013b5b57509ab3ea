using NodaTime;
using Scheduler.Core.Results;

namespace Scheduler.Core.Roster;

/// <summary>What the hall recorded: the visits of a centre between two dates (for the forecast).</summary>
public interface IHallHistory
{
    Task<IReadOnlyList<HallVisit>> ReadAsync(string centreId, LocalDate from, LocalDate to, CancellationToken cancellationToken);
}

/// <summary>The booked appointments of a centre's day, as demand (each with its items' minutes).</summary>
public interface IBookedDemandSource
{
    Task<IReadOnlyList<BookedDemand>> ReadAsync(string centreId, LocalDate date, CancellationToken cancellationToken);
}

/// <summary>How a centre rosters: its zone and hall hours, slot length, categories, working rules, weights, solver limits and history window.</summary>
public sealed record RosterSetting(
    DateTimeZone Zone,
    LocalTime Opens,
    LocalTime Closes,
    int SlotMinutes,
    IReadOnlyList<RosterCategory> Categories,
    RosterRules Rules,
    RosterWeights Weights,
    RosterSolverOptions Options,
    int HistoryDays = 365,
    Func<LocalDate, bool>? IsPreHoliday = null);

/// <summary>A dispatcher's request to roster a day: who can work when, the routes already planned, sessions opened and the service level.</summary>
public sealed record RosterCommand(
    LocalDate? Date,
    IReadOnlyList<RosterStaff>? Staff,
    IReadOnlyList<RouteDuty>? Routes,
    IReadOnlyList<OpenSession>? Sessions,
    IReadOnlyList<ExtendedDemand>? ExtendedRequests,
    ServiceLevel? Level,
    PublishedRoster? Published);

/// <summary>
/// The roster and what it was planned against: the demand and windows needed per category and slot, and the day's
/// bookings as demand (with the service times the hall measured, <see cref="MeasuredService"/>).
/// </summary>
public sealed record RosterOutcome(RosterPlan Plan, WindowsNeeded Needed, DayDemand Demand, IReadOnlyList<BookedDemand> Bookings);

/// <summary>
/// How long booked residents take at the window, from what the hall recorded (called to the window until served):
/// an item with at least <see cref="MinSamples"/> recorded visits in the history window takes its measured mean, so
/// the windows needed and the simulated waits follow what happens rather than the catalogue's minutes; an item
/// recorded less often (and a bundle) keeps its catalogue minutes.
/// </summary>
public static class MeasuredService
{
    public const int MinSamples = 30;

    public static IReadOnlyList<BookedDemand> Apply(IReadOnlyList<BookedDemand> bookings, IReadOnlyList<HallVisit> visits)
    {
        var means = visits.Where(v => v.ServiceMinutes > 0).GroupBy(v => v.ItemId)
            .Where(g => g.Count() >= MinSamples).ToDictionary(g => g.Key, g => g.Average(v => v.ServiceMinutes));
        return bookings.Select(b => b.ItemId.Length > 0 && means.TryGetValue(b.ItemId, out var measured) ? b with { Minutes = measured } : b).ToList();
    }
}

/// <summary>
/// Plans a day's roster: checks the request, learns the walk-in forecast from the hall's history, adds the day's
/// booked appointments (at the service times the history measured) and extended-hours requests, derives the windows needed at the centre's service level, and
/// has the solver roster the staff. Demand beyond what all staff can cover is not an error: the best roster comes
/// back with its shortfall report. Nothing is written.
/// </summary>
public sealed class PlanRoster(IHallHistory history, IBookedDemandSource booked, IRosterSolver solver, IClock clock)
{
    public async Task<Outcome<RosterOutcome>> PlanAsync(string centreId, RosterSetting setting, RosterCommand command, CancellationToken cancellationToken)
    {
        if (Validate(setting, command, clock.GetCurrentInstant()) is { } problem) return problem;
        var date = command.Date!.Value;
        var slots = (int)((RosterDay.MinuteOfDay(setting.Closes) - RosterDay.MinuteOfDay(setting.Opens)) / setting.SlotMinutes);
        var day = new RosterDay(date, setting.Opens, setting.SlotMinutes, slots);
        var preHoliday = setting.IsPreHoliday ?? (_ => false);
        var visits = await history.ReadAsync(centreId, date.PlusDays(-setting.HistoryDays), date.PlusDays(-1), cancellationToken);
        var forecast = visits.Count > 0 ? DemandForecast.Learn(visits, preHoliday) : null;
        var bookings = MeasuredService.Apply(await booked.ReadAsync(centreId, date, cancellationToken), visits);
        var demand = DayDemand.Build(day, setting.Categories, bookings, forecast, preHoliday(date), command.ExtendedRequests);
        var needed = demand.Needed(command.Level!);
        var request = new RosterRequest(day, command.Staff!, command.Routes ?? [], needed, setting.Rules, command.Sessions ?? [], command.Published, setting.Weights, setting.Options);
        var plan = solver.Solve(request);
        return plan.Statistics.Status switch
        {
            RosterStatus.Optimal or RosterStatus.Feasible => Outcome<RosterOutcome>.Ok(new RosterOutcome(plan, needed, demand, bookings)),
            RosterStatus.Infeasible => Problem.Conflict("roster", ErrorCodes.RosterInfeasible, plan.Statistics.Summary),
            // No roster within the limit: the solver's starting roster is not one it checked, so none is offered as planned.
            _ => Problem.Conflict("roster", ErrorCodes.RosterNotFound,
                $"No roster that keeps the hard rules was found within {setting.Options.TimeLimitSeconds} s ({plan.Statistics.Summary}). Plan again, or give the solver longer (Roster:TimeLimitSeconds)."),
        };
    }

    /// <summary>Every rule a roster request can break, in the order a dispatcher would fix them.</summary>
    public static Problem? Validate(RosterSetting setting, RosterCommand command, Instant now)
    {
        if (command.Date is not { } date) return Problem.Invalid("date", ErrorCodes.Missing, "date is required.");
        if (date < now.InZone(setting.Zone).Date) return Problem.Invalid("date", ErrorCodes.InThePast, "A roster cannot be planned for a day that has passed.");
        if (command.Level is not { } level) return Problem.Invalid("serviceLevel", ErrorCodes.Missing, "serviceLevel is required.");
        if (level.Problem() is { } why) return Problem.Invalid("serviceLevel", ErrorCodes.InvalidServiceLevel, why);
        if (command.Staff is not { Count: > 0 } staff) return Problem.Invalid("staff", ErrorCodes.Missing, "At least one staff member is required.");

        var categories = setting.Categories.Select(c => c.Id).ToHashSet();
        var slots = (int)((RosterDay.MinuteOfDay(setting.Closes) - RosterDay.MinuteOfDay(setting.Opens)) / setting.SlotMinutes);
        var day = new RosterDay(date, setting.Opens, setting.SlotMinutes, slots);
        var seen = new HashSet<string>();
        for (var i = 0; i < staff.Count; i++)
        {
            var s = staff[i];
            var field = $"staff[{i}]";
            if (!seen.Add(s.Id)) return Problem.Invalid($"{field}.id", ErrorCodes.Duplicate, $"Staff member {s.Id} is listed twice; give one entry with all their shifts.");
            if (s.CategoryIds.Count == 0) return Problem.Invalid($"{field}.categoryIds", ErrorCodes.NoSkills, $"Staff member {s.Id} is skilled for no window category.");
            if (s.CategoryIds.FirstOrDefault(c => !categories.Contains(c)) is { } unknown)
                return Problem.Invalid($"{field}.categoryIds", ErrorCodes.UnknownCategory, $"Category '{unknown}' is not one of the centre's.");
            if (s.Shifts.FirstOrDefault(x => x.From >= x.To) is { } reversed)
                return Problem.Invalid($"{field}.shifts", ErrorCodes.RangeReversed, $"Shift {reversed.From}-{reversed.To} of {s.Id} ends before it starts.");
            var ordered = s.Shifts.OrderBy(x => x.From).ToList();
            for (var j = 1; j < ordered.Count; j++)
                if (ordered[j].From < ordered[j - 1].To)
                    return Problem.Invalid($"{field}.shifts", ErrorCodes.OverlappingShifts,
                        $"Shifts {ordered[j - 1].From}-{ordered[j - 1].To} and {ordered[j].From}-{ordered[j].To} of {s.Id} overlap.");
        }
        var routes = command.Routes ?? [];
        for (var i = 0; i < routes.Count; i++)
        {
            if (!seen.Contains(routes[i].StaffId)) return Problem.Invalid($"routes[{i}].staffId", ErrorCodes.UnknownStaff, $"Route {routes[i].RouteId} is for a staff member not on the roster.");
            if (routes[i].Leaves >= routes[i].Returns) return Problem.Invalid($"routes[{i}]", ErrorCodes.RangeReversed, $"Route {routes[i].RouteId} returns before it leaves.");
        }
        for (var i = 0; i < staff.Count; i++)
        {
            var available = RosterSlots.Available(day, staff[i]);
            var onRoute = RosterSlots.OnRoute(day, staff[i].Id, routes);
            if (RosterSlots.NeedsBreak(available, setting.Rules, staff[i].Id, routes) && RosterSlots.BreakStarts(day, available, onRoute, setting.Rules).Count == 0)
                return Problem.Invalid($"staff[{i}].shifts", ErrorCodes.NoRoomForBreak,
                    $"{staff[i].Id} works long enough to need a break and has no free {setting.Rules.BreakSlots * setting.SlotMinutes} minutes between {setting.Rules.BreakEarliest} and {setting.Rules.BreakLatest}.");
        }
        var sessions = command.Sessions ?? [];
        for (var i = 0; i < sessions.Count; i++)
        {
            var session = sessions[i];
            if (session.From >= session.To) return Problem.Invalid($"sessions[{i}]", ErrorCodes.RangeReversed, $"Session {session.Id} ends before it starts.");
            if (session.CategoryIds.FirstOrDefault(c => !categories.Contains(c)) is { } unknown)
                return Problem.Invalid($"sessions[{i}].categoryIds", ErrorCodes.UnknownCategory, $"Category '{unknown}' is not one of the centre's.");
            if (session.From < setting.Opens || session.To > setting.Closes)
                return Problem.Invalid($"sessions[{i}]", ErrorCodes.OutsideOpeningHours, $"Session {session.Id} lies outside the roster's hours {setting.Opens}-{setting.Closes}.");
            var (from, to) = RosterSlots.Span(day, session.From, session.To);
            foreach (var category in session.CategoryIds)
                for (var t = from; t < to; t++)
                {
                    var skilled = staff.Count(s => s.CategoryIds.Contains(category) && RosterSlots.Available(day, s)[t] && RosterSlots.OnRoute(day, s.Id, routes)[t] is null);
                    if (skilled < Math.Max(1, session.Windows))
                        return Problem.Invalid($"sessions[{i}]", ErrorCodes.SessionNotCovered,
                            $"Session {session.Id} needs {Math.Max(1, session.Windows)} {category} window(s) at {day.StartOf(t)} and only {skilled} skilled staff member(s) are available then.");
                }
        }
        return null;
    }
}
