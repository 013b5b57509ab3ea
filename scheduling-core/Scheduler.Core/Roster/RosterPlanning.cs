using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;

namespace Scheduler.Core.Roster;

public enum RosterRunStatus { Planned, Published, Superseded }

/// <summary>Residents' waiting in one hour of the day (all categories), simulated with the roster and with the flat roster of the same staff-hours.</summary>
public sealed record HourWaits(int Hour, int Residents, double P50, double P90, double FlatP50, double FlatP90);

/// <summary>
/// The simulated waiting curve of a roster against a flat roster (<c>FlatRoster</c>: the same window staff-slots
/// spread evenly), on the same drawn residents: per hour and for the whole day.
/// </summary>
public sealed record WaitingCurve(int Seed, IReadOnlyList<HourWaits> Hours, double P50, double P90, double FlatP50, double FlatP90, double StaffHours, double FlatStaffHours);

/// <summary>
/// One roster planned for one day: the duties per staff member and slot, windows needed against staffed per
/// category and slot, the shortfall, the score, the home-visit routes it was planned around (from the published
/// home-visit plan <see cref="RoutePlanId"/>, if any) and its waiting curve.
/// </summary>
public sealed record RosterRun(
    string Id, string CentreId, LocalDate Date, RosterRunStatus Status, Instant PlannedAt, string PlannedBy,
    ServiceLevel Level, string? RoutePlanId, IReadOnlyList<RouteDuty> Routes, IReadOnlyList<OpenSession> Sessions,
    RosterDay Day, IReadOnlyDictionary<string, IReadOnlyList<Duty>> Duties, IReadOnlyList<SlotCover> Cover,
    ShortfallReport Shortfall, RosterScore Score, RosterSolveStatistics Statistics, WaitingCurve Waiting,
    Instant? PublishedAt = null, string? PublishedBy = null);

/// <summary>A slot whose bookings exceed the seats the published roster offers: the bookings stay, no new one is taken.</summary>
public sealed record OverbookedSlot(string CategoryId, LocalTime Start, int Booked, int Seats);

/// <summary>A roster just published, and the slots where more residents are booked than its windows seat.</summary>
public sealed record RosterPublication(RosterRun Roster, IReadOnlyList<OverbookedSlot> Overbooked);

/// <summary>One roster of a day, as the day's list shows it: enough to choose which to open.</summary>
public sealed record RosterRunSummary(string Id, RosterRunStatus Status, Instant PlannedAt, string PlannedBy, int MissingWindowSlots, Instant? PublishedAt);

/// <summary>
/// The rosters planned for a day, newest first, and the one a dispatcher opens by default: the published one, else
/// the newest (null when none was planned).
/// </summary>
public sealed record RosterDayList(LocalDate Date, string? PublishedId, string? OpenId, IReadOnlyList<RosterRunSummary> Rosters);

/// <summary>A stored roster and the version it was read at.</summary>
public sealed record StoredRosterRun(RosterRun Run, string ETag);

/// <summary>Where planned rosters and each day's published roster live.</summary>
public interface IRosterStore
{
    Task AddAsync(RosterRun run, CancellationToken cancellationToken);

    Task<StoredRosterRun?> GetAsync(string centreId, string rosterId, CancellationToken cancellationToken);

    Task<StoredRosterRun?> PublishedAsync(string centreId, LocalDate date, CancellationToken cancellationToken);

    /// <summary>Every roster planned for one day (read by key: a day's own rows, however many days came before).</summary>
    Task<IReadOnlyList<RosterRun>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken);

    /// <summary>
    /// Marks <paramref name="run"/> published and the day's previous published roster superseded, all or nothing;
    /// false when either changed since read or another roster was published meanwhile.
    /// </summary>
    Task<bool> PublishAsync(StoredRosterRun run, StoredRosterRun? previous, Instant at, string by, CancellationToken cancellationToken);
}

/// <summary>Whether a home-visit plan run for a day is queued or solving (its routes may still change).</summary>
public interface IPlanRunsInProgress
{
    Task<bool> InProgressAsync(string centreId, LocalDate date, CancellationToken cancellationToken);
}

/// <summary>Simulates a roster in the hall against the flat roster of the same staff-hours (Scheduler.Optimization).</summary>
public interface IRosterEvaluator
{
    WaitingCurve Evaluate(DayDemand demand, IReadOnlyList<BookedDemand> booked, RosterPlan plan, int seed);
}

/// <summary>How the centre rosters beyond its profile: slot length, rules, weights, solver limits and the simulation's seed.</summary>
public sealed record RosterPlanningSettings(int SlotMinutes, RosterRules Rules, RosterWeights Weights, RosterSolverOptions Options, int SimulationSeed = 1);

/// <summary>A staff member's availability for the day as a dispatcher gives it (overrides the centre's staff list).</summary>
public sealed record RosterStaffInput(string? Id, IReadOnlyList<string>? CategoryIds, IReadOnlyList<ShiftSpan>? Shifts);

/// <summary>
/// A day's hall for the joint planning of routes and roster: the roster with nobody out (<see cref="Alone"/>), what
/// it was planned against, and <see cref="RosterAround"/>, which rosters the day around given routes (null when no
/// roster keeps the hard rules).
/// </summary>
public sealed record HallDay(RosterPlan Alone, WindowsNeeded Needed, IReadOnlyList<RosterStaff> Staff, RosterWeights Weights,
    Func<IReadOnlyList<RouteDuty>, CancellationToken, Task<RosterPlan?>> RosterAround);

/// <summary>A dispatcher's request to roster a day: the date, optionally the service level, the staff and extra sessions.</summary>
public sealed record PlanRosterRequest(LocalDate? Date, ServiceLevel? ServiceLevel, IReadOnlyList<RosterStaffInput>? Staff, IReadOnlyList<OpenSession>? Sessions);

/// <summary>
/// Rostering a centre's day as a dispatcher does it: plan (the day's published home-visit routes are fixed duties,
/// so routes and roster agree on who is out and when), read, publish. Publishing is refused while a home-visit plan
/// run for the day is in progress, or when the published routes changed since the roster was planned.
/// </summary>
public sealed class RosterPlanning(
    PlanRoster planner, IRosterStore rosters, IPlanRunStore plans, IPlanRunsInProgress runsInProgress, IAcceptedSessions accepted,
    IRosterEvaluator evaluator, ICentreDirectory centres, IAppointmentStore appointments, AuditTrail audit, IClock clock,
    RosterPlanningSettings settings)
{
    public async Task<Outcome<RosterRun>> PlanAsync(string centreId, PlanRosterRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(centreId, request, cancellationToken);
        if (prepared.Error is { } invalid) return invalid;
        var (date, setting, command, routePlan) = prepared.Value!;
        var outcome = await planner.PlanAsync(centreId, setting, command, cancellationToken);
        if (outcome.Error is { } problem) return problem;
        var result = outcome.Value!;
        // The same bookings the roster was planned for, at the measured service times: the simulation sees what the plan saw.
        var waiting = evaluator.Evaluate(result.Demand, result.Bookings, result.Plan, settings.SimulationSeed);
        var run = new RosterRun(Ids.New($"{date:yyyyMMdd}-", 6), centreId, date, RosterRunStatus.Planned, clock.GetCurrentInstant(), caller.AuditName,
            command.Level!, routePlan?.Id, command.Routes!, command.Sessions!, result.Plan.Day, result.Plan.Duties, result.Plan.Cover, result.Plan.Shortfall, result.Plan.Score,
            result.Plan.Statistics, waiting);
        await rosters.AddAsync(run, cancellationToken);
        await audit.RecordAsync(centreId, caller, "roster.planned", $"roster/{run.Id}", $"{date:yyyy-MM-dd}, short {run.Shortfall.MissingWindowSlots} window-slots", cancellationToken);
        return Outcome<RosterRun>.Ok(run);
    }

    /// <summary>
    /// The day's hall as the joint planning of routes and roster needs it (ADR 0020): the day rostered as a dispatcher
    /// would roster it but with nobody out on a route, the windows needed, the staff, and a way to roster the day around
    /// given routes; each roster within <paramref name="seconds"/>, nothing written.
    /// </summary>
    public async Task<Outcome<HallDay>> HallDayAsync(string centreId, LocalDate date, double seconds, CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(centreId, new PlanRosterRequest(date, null, null, null), cancellationToken);
        if (prepared.Error is { } invalid) return invalid;
        var (_, setting, command, _) = prepared.Value!;
        setting = setting with { Options = setting.Options with { TimeLimitSeconds = Math.Min(setting.Options.TimeLimitSeconds, seconds) } };
        var alone = await planner.PlanAsync(centreId, setting, command with { Routes = [] }, cancellationToken);
        if (alone.Error is { } problem) return problem;
        async Task<RosterPlan?> Around(IReadOnlyList<RouteDuty> routes, CancellationToken ct) =>
            (await planner.PlanAsync(centreId, setting, command with { Routes = routes }, ct)).Value?.Plan;
        return Outcome<HallDay>.Ok(new HallDay(alone.Value!.Plan, alone.Value.Needed, command.Staff!, setting.Weights, Around));
    }

    /// <summary>A roster request made whole: the day's hours, staff, sessions, routes of the published home-visit plan and the previous roster.</summary>
    private sealed record Prepared(LocalDate Date, RosterSetting Setting, RosterCommand Command, PlanRun? RoutePlan);

    private async Task<Outcome<Prepared>> PrepareAsync(string centreId, PlanRosterRequest request, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        if (request.Date is not { } date) return Problem.Invalid("date", ErrorCodes.Missing, "date is required (yyyy-MM-dd).");
        if (date < centre.Calendar.Today(clock.GetCurrentInstant())) return Problem.Invalid("date", ErrorCodes.InThePast, "A roster cannot be planned for a day that has passed.");
        var acceptedSessions = await accepted.ListAsync(centreId, date, cancellationToken);
        var sessions = acceptedSessions.Select(a => a.Session).Concat(request.Sessions ?? []).ToList();
        var hours = HallHours(centre, date, sessions);
        if (hours is null) return Problem.Invalid("date", ErrorCodes.Closed, $"The centre's hall is closed on {date:yyyy-MM-dd}.");
        var (opens, closes) = hours.Value;

        IReadOnlyList<RosterStaff> staff;
        if (request.Staff is { } given)
        {
            var list = new List<RosterStaff>();
            for (var i = 0; i < given.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(given[i].Id)) return Problem.Invalid($"staff[{i}].id", ErrorCodes.Missing, "Each staff member needs an id.");
                if (given[i].Shifts is not { Count: > 0 }) return Problem.Invalid($"staff[{i}].shifts", ErrorCodes.Missing, $"Staff member {given[i].Id} has no shift.");
                list.Add(new RosterStaff(given[i].Id!, given[i].CategoryIds ?? [], given[i].Shifts!));
            }
            staff = list;
        }
        else
        {
            var (regularOpens, regularCloses) = HallHours(centre, date, []) ?? (opens, closes);
            // The centre's window staff over the regular hours, and those proposed for an accepted session over it as well.
            staff = centre.Profile.Staff.Where(s => s.CategoryIds.Count > 0).Select(s =>
            {
                var shifts = new List<ShiftSpan> { new(regularOpens, regularCloses) };
                foreach (var a in acceptedSessions.Where(a => a.StaffIds.Contains(s.Id)).OrderBy(a => a.Session.From))
                {
                    if (a.Session.From >= shifts[^1].To) shifts.Add(new ShiftSpan(a.Session.From, a.Session.To));
                    else if (a.Session.To > shifts[^1].To) shifts[^1] = shifts[^1] with { To = a.Session.To };
                    if (a.Session.From < shifts[0].From) shifts[0] = shifts[0] with { From = a.Session.From };
                }
                return new RosterStaff(s.Id, s.CategoryIds, shifts);
            }).ToList();
        }

        var setting = Setting(centre, opens, closes);
        // Fairness across the week: the evenings and weekends each worked on the week's days before this one.
        var soFar = await UnsocialSoFarAsync(centreId, date, setting.Rules, cancellationToken);
        staff = staff.Select(s => s with { UnsocialSlotsSoFar = soFar.GetValueOrDefault(s.Id) }).ToList();
        var routePlan = (await plans.PublishedAsync(centreId, date, cancellationToken))?.Run;
        var routes = Routes(routePlan, staff);
        var previous = await rosters.PublishedAsync(centreId, date, cancellationToken);
        var level = request.ServiceLevel ?? ServiceLevel.Default;
        // The residents who asked for an accepted session come in it, beside the forecast and the bookings.
        var asked = acceptedSessions.SelectMany(a => a.Session.CategoryIds.Select(c => new ExtendedDemand(c, a.Session.From, a.Session.To, a.Requests))).ToList();
        var command = new RosterCommand(date, staff, routes, sessions, asked, level,
            previous is null ? null : new PublishedRoster(previous.Run.Duties));
        return Outcome<Prepared>.Ok(new Prepared(date, setting, command, routePlan));
    }

    /// <summary>
    /// The evening and weekend slots each staff member worked on the days of <paramref name="date"/>'s week (from
    /// Monday) before it, by the rosters published for them: one point read a day.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, int>> UnsocialSoFarAsync(string centreId, LocalDate date, RosterRules rules, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var d = date.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday)); d < date; d = d.PlusDays(1))
        {
            if (await rosters.PublishedAsync(centreId, d, cancellationToken) is not { } published) continue;
            foreach (var (id, duties) in published.Run.Duties)
                counts[id] = counts.GetValueOrDefault(id) + RosterSlots.UnsocialWorked(published.Run.Day, rules, duties);
        }
        return counts;
    }

    /// <summary>The day's rosters, so a dispatcher on any device finds what was planned and published (not only what this browser planned).</summary>
    public async Task<RosterDayList> DayAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var runs = (await rosters.ListDayAsync(centreId, date, cancellationToken)).OrderByDescending(r => r.PlannedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).ToList();
        var published = runs.FirstOrDefault(r => r.Status == RosterRunStatus.Published)?.Id;
        return new RosterDayList(date, published, published ?? runs.FirstOrDefault()?.Id,
            runs.Select(r => new RosterRunSummary(r.Id, r.Status, r.PlannedAt, r.PlannedBy, r.Shortfall.MissingWindowSlots, r.PublishedAt)).ToList());
    }

    public async Task<Outcome<RosterRun>> GetAsync(string centreId, string rosterId, CancellationToken cancellationToken) =>
        await rosters.GetAsync(centreId, rosterId, cancellationToken) is { } found
            ? Outcome<RosterRun>.Ok(found.Run)
            : Problem.NotFound("id", ErrorCodes.UnknownRoster, "No such roster.");

    /// <summary>
    /// Publishes the roster: from then on (within the centre directory's cache) the day's bookable seats per category
    /// and slot are the windows it staffs (<see cref="Windows"/>). Bookings already made beyond those seats stay; they
    /// come back as <see cref="RosterPublication.Overbooked"/> so the dispatcher sees them.
    /// </summary>
    public async Task<Outcome<RosterPublication>> PublishAsync(string centreId, string rosterId, Caller caller, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        var found = await rosters.GetAsync(centreId, rosterId, cancellationToken);
        if (found is null) return Problem.NotFound("id", ErrorCodes.UnknownRoster, "No such roster.");
        var run = found.Run;
        if (run.Status == RosterRunStatus.Published) return Outcome<RosterPublication>.Ok(new RosterPublication(run, await OverbookedAsync(centre, run, cancellationToken)));
        if (run.Status != RosterRunStatus.Planned)
            return Problem.Conflict("id", ErrorCodes.NotPublishable, $"The roster is {run.Status}; plan the day again.");
        if (await runsInProgress.InProgressAsync(centreId, run.Date, cancellationToken))
            return Problem.Conflict("id", ErrorCodes.PlanRunInProgress,
                $"A home-visit plan for {run.Date:yyyy-MM-dd} is being solved; its routes may change who is out. Publish once it is done.");
        var routePlanId = (await plans.PublishedAsync(centreId, run.Date, cancellationToken))?.Run.Id;
        if (routePlanId != run.RoutePlanId)
            return Problem.Conflict("id", ErrorCodes.RoutesChanged,
                $"The home-visit plan published for {run.Date:yyyy-MM-dd} changed since this roster was planned; plan the roster again.");
        var previous = await rosters.PublishedAsync(centreId, run.Date, cancellationToken);
        var now = clock.GetCurrentInstant();
        if (!await rosters.PublishAsync(found, previous, now, caller.AuditName, cancellationToken))
            return Problem.Conflict("id", ErrorCodes.Busy, "Another roster was published at the same time; reload and try again.");
        var overbooked = await OverbookedAsync(centre, run, cancellationToken);
        await audit.RecordAsync(centreId, caller, "roster.published", $"roster/{run.Id}", $"{run.Date:yyyy-MM-dd}, {overbooked.Count} slot(s) booked beyond its seats", cancellationToken);
        return Outcome<RosterPublication>.Ok(new RosterPublication(run with { Status = RosterRunStatus.Published, PublishedAt = now, PublishedBy = caller.AuditName }, overbooked));
    }

    /// <summary>The windows a roster staffs per category and slot: what its day's booking slots offer once it is published.</summary>
    public static StaffedWindows Windows(RosterRun run) =>
        new(run.Date, run.Day.Opens, run.Day.SlotMinutes, run.Cover.GroupBy(c => c.CategoryId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)g.OrderBy(c => c.Slot).Select(c => c.Staffed).ToList()));

    /// <summary>The day's slots whose bookings (read from the counters' summary) exceed the seats the roster's windows give.</summary>
    private async Task<IReadOnlyList<OverbookedSlot>> OverbookedAsync(CentreSnapshot centre, RosterRun run, CancellationToken cancellationToken)
    {
        var calendar = centre.Calendar.WithStaffed(Windows(run));
        var result = new List<OverbookedSlot>();
        foreach (var category in centre.Profile.Categories)
        {
            var usage = await appointments.ReadUsageAsync(run.CentreId, category.Id, run.Date, run.Date, cancellationToken);
            foreach (var slot in calendar.Slots(run.Date, category.Id))
            {
                var booked = usage.GetValueOrDefault(new SlotKey(slot.Date, slot.Start)).Total;
                var seats = Capacity.Of(slot, centre.Rules);
                if (booked > seats) result.Add(new OverbookedSlot(category.Id, slot.Start, booked, seats));
            }
        }
        return result;
    }

    /// <summary>The roster's setting from the centre's profile: its categories (mean minutes of their items), staffed lunch, zone and the day's hours.</summary>
    public RosterSetting Setting(CentreSnapshot centre, LocalTime opens, LocalTime closes)
    {
        var p = centre.Profile;
        var categories = p.Categories.Select(c =>
        {
            var items = p.Items.Where(i => i.CategoryId == c.Id).ToList();
            return new RosterCategory(c.Id, c.Windows, items.Count > 0 ? items.Average(i => (double)i.Minutes) : c.SlotMinutes);
        }).ToList();
        var rules = p.Lunch.Staffed
            ? settings.Rules with { LunchFrom = p.Lunch.Starts, LunchTo = p.Lunch.Ends, LunchWindows = Math.Max(1, p.Lunch.Windows) }
            : settings.Rules with { LunchFrom = null, LunchTo = null, LunchWindows = 0 };
        return new RosterSetting(centre.Calendar.Zone, opens, closes, settings.SlotMinutes, categories, rules, settings.Weights, settings.Options,
            IsPreHoliday: d => centre.Calendar.Day(d.PlusDays(1))?.Kind == Scheduler.Core.Calendar.DayKind.PublicHoliday);
    }

    /// <summary>The hall's hours of a day: the earliest opening to the latest closing of any category's sessions and the accepted sessions, on the slot grid.</summary>
    private (LocalTime Opens, LocalTime Closes)? HallHours(CentreSnapshot centre, LocalDate date, IReadOnlyList<OpenSession> sessions)
    {
        var spans = centre.Profile.Categories.SelectMany(c => centre.Calendar.Sessions(date, c.Id))
            .Where(s => s.Kind is Scheduler.Core.Calendar.SlotKind.Regular or Scheduler.Core.Calendar.SlotKind.Lunch or Scheduler.Core.Calendar.SlotKind.Weekend)
            .Select(s => (s.Start, s.End)).Concat(sessions.Select(s => (Start: s.From, End: s.To))).ToList();
        if (spans.Count == 0) return null;
        var opens = spans.Min(s => s.Start);
        var minutes = (RosterDay.MinuteOfDay(spans.Max(s => s.End)) - RosterDay.MinuteOfDay(opens)) / settings.SlotMinutes;
        return (opens, opens.PlusMinutes((long)Math.Ceiling(minutes) * settings.SlotMinutes));
    }

    /// <summary>
    /// The routes of the published home-visit plan as fixed duties of staff on the roster: out from departure to
    /// return, kept whole, with the lunch break the route planner placed on the route (the roster then gives none).
    /// </summary>
    public static IReadOnlyList<RouteDuty> Routes(PlanRun? published, IReadOnlyList<RosterStaff> staff) =>
        published?.Plan is { } plan ? RouteDuties(published.Id, plan, staff.Select(s => s.Id).ToHashSet(StringComparer.Ordinal)) : [];

    /// <summary>The routes of a home-visit plan that take a staff member on the roster out, as their duties (ids <c>{planId}/{staffId}</c>).</summary>
    public static IReadOnlyList<RouteDuty> RouteDuties(string planId, HomeVisitPlan plan, IReadOnlySet<string> onRoster) =>
        plan.Routes.Where(r => onRoster.Contains(r.StaffId) && r.Stops.Count > 0 && r.Departure < r.Return)
            .Select(r => new RouteDuty($"{planId}/{r.StaffId}", r.StaffId, r.Departure, r.Return, BreakOnRoute: r.Break is not null)).ToList();
}
