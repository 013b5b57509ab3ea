using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Core.Results;

namespace Scheduler.Core.Roster;

/// <summary>An extended session a dispatcher accepted: the session the roster must staff, the staff proposed for it, and who accepted when.</summary>
public sealed record AcceptedSession(LocalDate Date, OpenSession Session, IReadOnlyList<string> StaffIds, int Requests, Instant At, string By);

/// <summary>Sessions a dispatcher accepted for a day (extended sessions the roster must staff).</summary>
public interface IAcceptedSessions
{
    Task<IReadOnlyList<AcceptedSession>> ListAsync(string centreId, LocalDate date, CancellationToken cancellationToken);

    /// <summary>Records the acceptance; accepting the same session again keeps the first record.</summary>
    Task AcceptAsync(string centreId, AcceptedSession accepted, CancellationToken cancellationToken);
}

/// <summary>The extended-hours requests residents left (lunch, evening or weekend slots no session offered yet).</summary>
public interface IExtendedHoursLedger
{
    Task<IReadOnlyList<ExtendedHoursRequest>> ListAsync(string centreId, CancellationToken cancellationToken);
}

/// <summary>Where a session becomes bookable: the centre's configuration, whose calendar turns it into slots.</summary>
public interface IBookableSessions
{
    /// <summary>Adds the session to the centre's extended sessions; adding the same id again changes nothing.</summary>
    Task OpenAsync(string centreId, ExtendedSession session, CancellationToken cancellationToken);
}

/// <summary>How extended sessions are proposed: the residents a period must expect before it is proposed, and how long the evening runs.</summary>
public sealed record SessionSettings(int Threshold = 10, int EveningMinutes = 120, LocalTime? WeekendOpens = null, LocalTime? WeekendCloses = null)
{
    public LocalTime WeekendFrom => WeekendOpens ?? new LocalTime(9, 0);
    public LocalTime WeekendTo => WeekendCloses ?? new LocalTime(12, 0);
}

/// <summary>
/// Extended sessions for a dispatcher: the proposals for a day (lunch when the hall closes at lunch, the evening after
/// closing, the weekend morning), from the residents' extended-hours requests for that day and kind plus the walk-ins
/// the forecast expects in the period; accepting one records it for the roster and opens it in the centre's
/// configuration, from where its slots are bookable.
/// </summary>
public sealed class SessionDecisions(
    ICentreDirectory centres, IExtendedHoursLedger requests, IAcceptedSessions accepted, IBookableSessions bookable, IHallHistory history,
    SmsNotifier notifier, AuditTrail audit, IClock clock, SessionSettings settings, ShortLinks? links = null)
{
    /// <summary>The periods proposed, as the first part of a proposal's id (<c>evening-construction</c>), and the slots each offers.</summary>
    private static readonly IReadOnlyDictionary<string, SlotKind> Periods = new Dictionary<string, SlotKind>
    {
        ["lunch"] = SlotKind.Lunch, ["evening"] = SlotKind.Evening, ["weekend"] = SlotKind.Weekend,
    };

    public async Task<Outcome<IReadOnlyList<SessionProposal>>> ProposeAsync(string centreId, LocalDate? date, ServiceLevel? level, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        if (date is not { } day) return Problem.Invalid("date", ErrorCodes.Missing, "date is required (yyyy-MM-dd).");
        if (day < centre.Calendar.Today(clock.GetCurrentInstant())) return Problem.Invalid("date", ErrorCodes.InThePast, "That day has passed.");
        level ??= ServiceLevel.Default;
        if (level.Problem() is { } why) return Problem.Invalid("serviceLevel", ErrorCodes.InvalidServiceLevel, why);

        var p = centre.Profile;
        var categories = p.Categories.Select(c =>
        {
            var items = p.Items.Where(i => i.CategoryId == c.Id).ToList();
            return new RosterCategory(c.Id, c.Windows, items.Count > 0 ? items.Average(i => (double)i.Minutes) : c.SlotMinutes);
        }).ToList();
        var asked = (await requests.ListAsync(centreId, cancellationToken)).Where(r => r.Date == day).ToList();
        var visits = await history.ReadAsync(centreId, day.PlusDays(-365), day.PlusDays(-1), cancellationToken);
        var forecast = visits.Count > 0 ? DemandForecast.Learn(visits, _ => false) : null;
        var regular = p.Categories.SelectMany(c => centre.Calendar.Sessions(day, c.Id)).Where(s => s.Kind is SlotKind.Regular or SlotKind.Lunch).ToList();
        var taken = (await accepted.ListAsync(centreId, day, cancellationToken)).Select(a => a.Session.Id).ToHashSet();

        var periods = new List<(SessionPeriod Period, SlotKind Kind)>();
        if (regular.Count > 0)
        {
            var closes = regular.Max(s => s.End);
            if (!p.Lunch.Staffed) periods.Add((new SessionPeriod("lunch", day, p.Lunch.Starts, p.Lunch.Ends), Periods["lunch"]));
            periods.Add((new SessionPeriod("evening", day, closes, closes.PlusMinutes(settings.EveningMinutes)), Periods["evening"]));
        }
        else if (day.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday && centre.Calendar.Day(day)?.Kind != DayKind.PublicHoliday)
            periods.Add((new SessionPeriod("weekend", day, settings.WeekendFrom, settings.WeekendTo), Periods["weekend"]));

        // Staff who sit at windows may be asked to work the period (availability for an extended session is volunteered);
        // those with the fewest evening and weekend slots come first.
        var staff = p.Staff.Where(s => s.CategoryIds.Count > 0)
            .Select(s => new RosterStaff(s.Id, s.CategoryIds, [new ShiftSpan(LocalTime.Midnight, LocalTime.MaxValue)])).ToList();
        var proposals = new List<SessionProposal>();
        foreach (var (period, kind) in periods)
        {
            var demand = asked.Where(r => r.Wanted == kind).GroupBy(r => r.CategoryId)
                .Select(g => new ExtendedDemand(g.Key, period.From, period.To, g.Count())).ToList();
            double Forecast(string category) => forecast is null ? 0 : Enumerable.Range(period.From.Hour, Math.Max(0, period.To.Hour - period.From.Hour + 1))
                .Sum(h => forecast.WalkIns(day, h, category, false) * Overlap(period, h));
            proposals.AddRange(SessionProposals.Propose(period, categories, demand, Forecast, settings.Threshold, staff, [], level)
                .Where(x => !taken.Contains(x.Accept().Id)));
        }
        return Outcome<IReadOnlyList<SessionProposal>>.Ok(proposals);
    }

    /// <summary>
    /// Accepts the proposal <paramref name="proposalId"/> (<c>{period}-{category}</c>) for the day: refused when it is
    /// not among the day's proposals or no one's availability covers it; otherwise recorded for the roster, then opened
    /// in the centre's configuration so its slots can be booked. Accepting again is harmless.
    /// </summary>
    public async Task<Outcome<AcceptedSession>> AcceptAsync(string centreId, LocalDate? date, string? proposalId, ServiceLevel? level, Caller caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(proposalId)) return Problem.Invalid("proposalId", ErrorCodes.Missing, "proposalId is required.");
        var existing = date is { } d ? (await accepted.ListAsync(centreId, d, cancellationToken)).FirstOrDefault(a => a.Session.Id == proposalId) : null;
        if (existing is not null)
        {
            // Accepting again finishes what a first acceptance cut short; each step is idempotent.
            await bookable.OpenAsync(centreId, Bookable(existing), cancellationToken);
            if (await centres.GetAsync(centreId, cancellationToken) is { } known)
            {
                await TellStaffAsync(known, existing, cancellationToken);
                await TellResidentsAsync(known, existing, cancellationToken);
            }
            return Outcome<AcceptedSession>.Ok(existing);
        }
        var proposals = await ProposeAsync(centreId, date, level, cancellationToken);
        if (proposals.Error is { } problem) return problem;
        var proposal = proposals.Value!.FirstOrDefault(x => x.Accept().Id == proposalId);
        if (proposal is null) return Problem.NotFound("proposalId", ErrorCodes.UnknownProposal, $"No proposal '{proposalId}' for {date:yyyy-MM-dd}.");
        if (!proposal.Coverable)
            return Problem.Invalid("proposalId", ErrorCodes.SessionNotCovered,
                $"Session {proposalId} needs {proposal.Windows} window(s) and only {proposal.StaffIds.Count} skilled staff member(s) are available for all of it.");
        var record = new AcceptedSession(date!.Value, proposal.Accept(), proposal.StaffIds, proposal.Requests, clock.GetCurrentInstant(), caller.AuditName);
        await accepted.AcceptAsync(centreId, record, cancellationToken);
        await bookable.OpenAsync(centreId, Bookable(record), cancellationToken);
        var centre = (await centres.GetAsync(centreId, cancellationToken))!;
        var told = await TellStaffAsync(centre, record, cancellationToken);
        var residents = await TellResidentsAsync(centre, record, cancellationToken);
        await audit.RecordAsync(centreId, caller, "session.accepted", $"session/{record.Date:yyyyMMdd}-{proposalId}",
            $"{proposal.Windows} window(s) {proposal.Period.From}-{proposal.Period.To}, {told} staff and {residents} residents who asked told by SMS", cancellationToken);
        return Outcome<AcceptedSession>.Ok(record);
    }

    /// <summary>
    /// Tells each staff member the session was opened with (and who has a mobile) by SMS, through the outbox: once per
    /// session and staff member (the key), so accepting again sends nothing twice. Returns how many were queued.
    /// </summary>
    private async Task<int> TellStaffAsync(CentreSnapshot centre, AcceptedSession a, CancellationToken cancellationToken)
    {
        var categories = string.Join("、", a.Session.CategoryIds.Select(id => centre.Profile.Categories.FirstOrDefault(c => c.Id == id)?.Name.Zh ?? id));
        var told = 0;
        foreach (var staff in centre.Profile.Staff.Where(s => a.StaffIds.Contains(s.Id) && !string.IsNullOrEmpty(s.Mobile)))
        {
            var values = new Dictionary<string, string?>
            {
                ["name"] = staff.Name,
                ["time"] = SmsFormat.When(a.Date, a.Session.From, "zh"),
                ["until"] = a.Session.To.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                ["service"] = categories,
            };
            if (await notifier.SendAsync(centre, $"session|{a.Date:yyyyMMdd}|{a.Session.Id}|{staff.Id}", staff.Mobile!, SmsKinds.StaffSessionOpened, "zh",
                    values, null, cancellationToken) == OutboxResult.Queued) told++;
        }
        return told;
    }

    /// <summary>
    /// Tells each resident who asked for this kind of session that day at one of its categories that it is open, with
    /// a link to the booking page of the service they asked for on that day: once per request and session (the key),
    /// so accepting again sends nothing twice. The link grants nothing: booking still needs a verified mobile.
    /// </summary>
    private async Task<int> TellResidentsAsync(CentreSnapshot centre, AcceptedSession a, CancellationToken cancellationToken)
    {
        if (links is null) return 0;
        var period = a.Session.Id.Split('-')[0];
        if (!Periods.TryGetValue(period, out var kind)) return 0;
        var asked = (await requests.ListAsync(centre.Profile.Centre.Id, cancellationToken))
            .Where(r => r.Date == a.Date && r.Wanted == kind && a.Session.CategoryIds.Contains(r.CategoryId)).ToList();
        var told = 0;
        foreach (var r in asked)
        {
            var service = centre.Profile.Items.FirstOrDefault(i => i.Id == r.BookableId)?.Name.Zh
                          ?? centre.Profile.Bundles.FirstOrDefault(b => b.Id == r.BookableId)?.Name.Zh ?? r.BookableId;
            var values = new Dictionary<string, string?>
            {
                ["name"] = r.ResidentName,
                ["time"] = SmsFormat.When(a.Date, a.Session.From, "zh"),
                ["until"] = a.Session.To.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                ["service"] = service,
                ["link"] = links.Session(centre.Profile.Centre.Id, a.Date, r.BookableId),
            };
            if (await notifier.SendAsync(centre, $"session-asked|{a.Date:yyyyMMdd}|{a.Session.Id}|{r.Id}", r.Mobile, SmsKinds.ResidentSessionOpened, "zh",
                    values, null, cancellationToken) == OutboxResult.Queued) told++;
        }
        return told;
    }

    /// <summary>The accepted session as the centre's configuration holds it: a special-date session of the category.</summary>
    public static ExtendedSession Bookable(AcceptedSession a) =>
        new($"accepted-{a.Date:yyyyMMdd}-{a.Session.Id}", null, a.Date, a.Session.From, a.Session.To, a.Session.CategoryIds,
            new Catalogue.LocalizedText("延时服务", "Extended session"), a.Session.Windows);

    private static double Overlap(SessionPeriod period, int hour)
    {
        var from = Math.Max(RosterDay.MinuteOfDay(period.From), hour * 60.0);
        var to = Math.Min(RosterDay.MinuteOfDay(period.To), hour * 60.0 + 60);
        return Math.Max(0, to - from) / 60.0;
    }
}
