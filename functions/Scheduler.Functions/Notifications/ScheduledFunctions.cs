using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Notifications;
using Scheduler.Core.Operations;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Notifications;

public sealed record StaffFeedView(string StaffId, string CalendarUrl, string PageUrl);

/// <summary>
/// Scheduled messages (the day-before reminders, the staff's day) and what staff open from them: the day page and
/// the calendar feed under a revocable token.
/// </summary>
public sealed class ScheduledFunctions(ScheduledBatches batches, StaffDays days, IStaffFeeds feeds, ICentreDirectory centres, ICentreList centreList,
    Scheduler.Core.HomeVisits.Planning.RecordVisitOutcome visitOutcomes, IClock clock, IOptions<SchedulerOptions> options, ILogger<ScheduledFunctions> logger)
{

    /// <summary>
    /// Every 15 minutes (timers are UTC; the centre's local times are settings): the day-before reminders run once
    /// a day on the first firing after <c>Notifications:ReminderTime</c> (default 18:00), for every centre.
    /// </summary>
    [Function("SendDayBeforeReminders")]
    public Task Reminders([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        EveryCentreAsync("SendDayBeforeReminders", batches.RemindersAsync, cancellationToken);

    /// <summary>Every 15 minutes: staff of every centre get their day once on each working day, after <c>Notifications:StaffDayTime</c> (default 07:30).</summary>
    [Function("SendStaffDaySchedules")]
    public Task StaffDays([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        EveryCentreAsync("SendStaffDaySchedules", batches.StaffDaysAsync, cancellationToken);

    /// <summary>Every 15 minutes: the day's home visits of every centre that are done ask for a rating, once, after <c>Notifications:VisitRatingTime</c> (default 19:00).</summary>
    [Function("SendVisitRatingRequests")]
    public Task VisitRatings([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        EveryCentreAsync("SendVisitRatingRequests", batches.VisitRatingsAsync, cancellationToken);

    /// <summary>The batch for each centre of the deployment; a centre that fails is logged and fails the invocation once the others ran.</summary>
    private async Task EveryCentreAsync(string name, Func<string, CancellationToken, Task<BatchOutcome>> batch, CancellationToken cancellationToken)
    {
        var runs = await EachCentre.RunAsync(await centreList.ListAsync(cancellationToken), batch, cancellationToken);
        foreach (var (centre, outcome) in runs.Done)
            if (outcome.Ran) logger.LogInformation("Centre {Centre}: batch {Batch} of {Date}: {Count} messages queued", centre, outcome.Batch, outcome.Date, outcome.Queued);
            else logger.LogDebug("Centre {Centre}: batch {Batch} of {Date} not run: {Why}", centre, outcome.Batch, outcome.Date, outcome.NotRun);
        foreach (var (centre, error) in runs.Failed)
            logger.LogError(error, "Centre {Centre}: {Function} failed; the next firing runs it again", centre, name);
        runs.ThrowIfAnyFailed(name);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("StaffCalendarFeed")]
    [ApiOperation("A staff member's calendar (iCalendar) for phone calendar apps: windows and published visits of the next 14 days.", Tag = "staff",
        Access = "the staff member's feed token")]
    [ApiResponse(200, "The calendar.", ContentType = "text/calendar")]
    [ApiResponse(404, "Unknown or revoked token.")]
    public async Task<IActionResult> Feed([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "calendar/{token}")] HttpRequest request, string token,
        CancellationToken cancellationToken)
    {
        var feed = await feeds.FindAsync(token.EndsWith(".ics", StringComparison.Ordinal) ? token[..^4] : token, cancellationToken);
        // The token names the staff member and their centre.
        if (feed is null || await centres.GetAsync(feed.CentreId, cancellationToken) is not { } centre) return Problems.NotFound("No such calendar.");
        var today = centre.Calendar.Today(clock.GetCurrentInstant());
        var entries = await days.DaysAsync(feed.CentreId, feed.StaffId, today, 14, cancellationToken);
        var calendar = new Calendar();
        calendar.AddProperty("X-WR-CALNAME", $"{centre.Profile.Centre.Name.Zh} {feed.StaffId}");
        foreach (var e in entries)
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{feed.StaffId}-{e.Date:yyyyMMdd}-{e.Start:HHmm}-{e.VisitId ?? "window"}@{feed.CentreId}",
                Summary = e.Title,
                Location = e.Address ?? centre.Profile.Centre.Address,
                Start = new CalDateTime(centre.Calendar.ToInstant(e.Date + e.Start).ToDateTimeUtc(), "UTC"),
                End = new CalDateTime(centre.Calendar.ToInstant(e.Date + e.End).ToDateTimeUtc(), "UTC"),
            });
        }
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return new ContentResult { Content = new CalendarSerializer().SerializeToString(calendar), ContentType = "text/calendar; charset=utf-8", StatusCode = 200 };
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("RenewStaffFeed")]
    [ApiOperation("Issue a staff member's feed token again (the old one stops working); answers the calendar and page links.", Tag = "dispatch", Access = "dispatcher")]
    [ApiResponse(200, "The links.", Type = typeof(StaffFeedView))]
    [ApiResponse(404, "No such staff member.")]
    public async Task<IActionResult> Renew([HttpTrigger(AuthorizationLevel.Function, "post", Route = "dispatch/staff/{staffId}/feed")] HttpRequest request, string staffId,
        CancellationToken cancellationToken)
    {
        if ((await centres.GetAsync(RoleGate.Centre(request), cancellationToken))?.Profile.Staff.Any(s => s.Id == staffId) != true) return Problems.NotFound("No such staff member.");
        var feed = await feeds.RenewAsync(RoleGate.Centre(request), staffId, cancellationToken);
        var b = options.Value.PublicBaseUrl.TrimEnd('/');
        return new OkObjectResult(new StaffFeedView(staffId, $"{b}/api/calendar/{feed.Token}.ics", $"{b}/api/pages/staff-day?t={feed.Token}"));
    }

    [RequireRole(Roles.Dispatcher)]
    [Function("RevokeStaffFeed")]
    [ApiOperation("Revoke a staff member's feed token: the calendar and page links answer 404 from now on.", Tag = "dispatch", Access = "dispatcher")]
    [ApiResponse(204, "Revoked.")]
    [ApiResponse(404, "The staff member has no feed.")]
    public async Task<IActionResult> Revoke([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "dispatch/staff/{staffId}/feed")] HttpRequest request, string staffId,
        CancellationToken cancellationToken)
    {
        return await feeds.RevokeAsync(RoleGate.Centre(request), staffId, cancellationToken) ? new NoContentResult() : Problems.NotFound("The staff member has no feed.");
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageStaffDay")]
    [ApiOperation("A staff member's day from the SMS link: windows and visits in order, with addresses, and the calendar feed link.", Tag = "pages",
        Access = "the staff member's feed token")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(404, "Unknown or revoked token.", ContentType = "text/html")]
    public async Task<IActionResult> Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/staff-day")] HttpRequest request, CancellationToken cancellationToken)
    {
        var lang = Scheduler.Pages.Lang.For(request.Query["lang"]);
        var (feed, centre, staff, missing) = await StaffOfPageAsync(request, lang, cancellationToken);
        if (missing is not null) return missing;
        Outcomes.TryDate(request.Query["date"], "date", out var chosen, out _);
        return await DayPageAsync(request, lang, centre, feed!, staff!, chosen ?? centre.Calendar.Today(clock.GetCurrentInstant()), null, false, 200, cancellationToken);
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageStaffDayOutcome")]
    [ApiOperation("From the staff day page: record a visit of the page's day done or not done (form fields `visit`, `outcome` Done or NotDone, `reason` NotHome or Refused), " +
        "as POST /api/staff/visits/{requestId}/outcome does for the staff member the page's token names.", Tag = "pages", Access = "the staff member's feed token")]
    [ApiResponse(200, "The day page, saying it was recorded.", ContentType = "text/html")]
    [ApiResponse(400, "A form that could not be read, or an outcome or reason that is not one of the buttons'.", ContentType = "text/html")]
    [ApiResponse(403, "The visit is not on this staff member's route.", ContentType = "text/html")]
    [ApiResponse(404, "Unknown or revoked token, or no such visit.", ContentType = "text/html")]
    [ApiResponse(409, "The visit is not published for that day or earlier, or another outcome was recorded.", ContentType = "text/html")]
    [ApiResponse(413, "The form is too large.", ContentType = "text/html")]
    [ApiResponse(415, "Not a form post.", ContentType = "text/html")]
    public async Task<IActionResult> RecordOutcome([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pages/staff-day")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (feed, centre, staff, missing) = await StaffOfPageAsync(request, Scheduler.Pages.Lang.For(request.Query["lang"]), cancellationToken);
        if (missing is not null) return missing;
        var (form, lang, _, bad) = await ResidentPages.ReadPostAsync(request, _ => Task.FromResult(centre), cancellationToken);
        if (bad is not null) return bad;
        Outcomes.TryDate(request.Query["date"], "date", out var chosen, out _);
        var date = chosen ?? centre.Calendar.Today(clock.GetCurrentInstant());
        Scheduler.Core.HomeVisits.Planning.VisitOutcomeKind? outcome = Enum.TryParse<Scheduler.Core.HomeVisits.Planning.VisitOutcomeKind>(form.GetValueOrDefault("outcome"), out var o) ? o : null;
        Scheduler.Core.HomeVisits.Planning.NotDoneReason? reason = Enum.TryParse<Scheduler.Core.HomeVisits.Planning.NotDoneReason>(form.GetValueOrDefault("reason"), out var r) ? r : null;
        // The page's token stands for the staff member it names, as their sign-in would: the use case checks the visit is on their route.
        var caller = new Scheduler.Core.Identity.StaffCaller($"feed:{feed!.StaffId}", staff!.Name, new HashSet<string> { Roles.Staff }, feed.StaffId);
        var result = await visitOutcomes.RecordAsync(centre.Profile.Centre.Id, form.GetValueOrDefault("visit") ?? "",
            new Scheduler.Core.HomeVisits.Planning.VisitOutcomeInput(outcome, reason, null), caller, cancellationToken);
        if (result.Error is not { } error)
            return await DayPageAsync(request, lang, centre, feed, staff, date, lang[Scheduler.Pages.Words.VisitOutcomeSaved], false, 200, cancellationToken);
        var words = error.Code switch
        {
            Scheduler.Core.Results.ErrorCodes.OutcomeRecorded => Scheduler.Pages.Words.VisitOutcomeConflict,
            Scheduler.Core.Results.ErrorCodes.VisitNotYet => Scheduler.Pages.Words.VisitOutcomeNotYet,
            _ => Scheduler.Pages.Words.VisitOutcomeNotPossible,
        };
        return await DayPageAsync(request, lang, centre, feed, staff, date, lang[words], true, Outcomes.StatusOf(error), cancellationToken);
    }

    /// <summary>The staff member the page's token (<c>t</c>) names, with their centre; or the 404 page when it names none.</summary>
    private async Task<(StaffFeed? Feed, CentreSnapshot Centre, StaffMember? Staff, IActionResult? Missing)> StaffOfPageAsync(HttpRequest request, Scheduler.Pages.Lang lang,
        CancellationToken cancellationToken)
    {
        var feed = await feeds.FindAsync(request.Query["t"].ToString(), cancellationToken);
        // The token names the staff member and their centre; without one, the message is the request's centre's.
        var centre = (await centres.GetAsync(feed?.CentreId ?? RoleGate.Centre(request), cancellationToken))!;
        var staff = feed is null ? null : centre.Profile.Staff.FirstOrDefault(s => s.Id == feed.StaffId);
        return staff is null
            ? (null, centre, null, await ResidentPages.MessageAsync(request, lang, centre, lang[Scheduler.Pages.Words.NoSuchSchedule], StatusCodes.Status404NotFound))
            : (feed, centre, staff, null);
    }

    /// <summary>
    /// The staff member's day: its entries in the reader's language; each visit of today or earlier with what was
    /// recorded about it, or the buttons that record it.
    /// </summary>
    private async Task<IActionResult> DayPageAsync(HttpRequest request, Scheduler.Pages.Lang lang, CentreSnapshot centre, StaffFeed feed, StaffMember staff, LocalDate date,
        string? notice, bool noticeIsError, int status, CancellationToken cancellationToken)
    {
        var entries = await days.DayAsync(centre, staff, date, cancellationToken);
        var recordable = visitOutcomes.Recordable(centre, date);
        var recorded = recordable ? await visitOutcomes.DayAsync(centre.Profile.Centre.Id, date, cancellationToken) : new Dictionary<string, Scheduler.Core.HomeVisits.Planning.VisitOutcome>();
        var here = $"/api/pages/staff-day?t={Uri.EscapeDataString(feed.Token)}&lang={lang.Code}";
        var action = $"{here}&date={date:yyyy-MM-dd}";

        Scheduler.Pages.DayEntry Entry(StaffDayEntry e)
        {
            var line = new Scheduler.Pages.DayEntry($"{e.Start:HH:mm}–{e.End:HH:mm}", EntryTitle(lang, centre, e), e.Address);
            if (e.Kind != StaffDayKind.Visit || e.VisitId is null || !recordable) return line;
            if (recorded.TryGetValue(e.VisitId, out var o))
                return line with
                {
                    Recorded = o.Outcome == Scheduler.Core.HomeVisits.Planning.VisitOutcomeKind.Done
                        ? lang[Scheduler.Pages.Words.VisitRecordedDone]
                        : lang.Format(Scheduler.Pages.Words.VisitRecordedNotDone, lang[o.Reason switch
                        {
                            Scheduler.Core.HomeVisits.Planning.NotDoneReason.NotHome => Scheduler.Pages.Words.ReasonNotHome,
                            Scheduler.Core.HomeVisits.Planning.NotDoneReason.Refused => Scheduler.Pages.Words.ReasonRefused,
                            _ => Scheduler.Pages.Words.ReasonOther,
                        }]),
                };
            Scheduler.Pages.PostForm Button(Scheduler.Pages.Words label, string outcome, string? reason, string buttonClass) => new(action,
                new Dictionary<string, string> { ["visit"] = e.VisitId, ["outcome"] = outcome, ["reason"] = reason ?? "", ["lang"] = lang.Code }, lang[label], buttonClass);
            return line with
            {
                Actions =
                [
                    Button(Scheduler.Pages.Words.VisitDoneButton, "Done", null, "primary"),
                    Button(Scheduler.Pages.Words.VisitNotHomeButton, "NotDone", "NotHome", "inline-button"),
                    Button(Scheduler.Pages.Words.VisitRefusedButton, "NotDone", "Refused", "inline-button"),
                ],
            };
        }

        return await PageResponse.RenderAsync<Scheduler.Pages.Local.StaffDay>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Scheduler.Pages.Frame(lang, centre.Profile, string.Format(lang[Scheduler.Pages.Words.StaffDayTitle], staff.Name),
                $"/api/pages/staff-day?t={Uri.EscapeDataString(feed.Token)}&date={date:yyyy-MM-dd}&lang={lang.Other.Code}"),
            ["DayText"] = lang.Date(date),
            ["Entries"] = entries.Select(Entry).ToList(),
            ["FeedHref"] = $"/api/calendar/{feed.Token}.ics",
            ["PreviousHref"] = $"{here}&date={date.PlusDays(-1):yyyy-MM-dd}", ["NextHref"] = $"{here}&date={date.PlusDays(1):yyyy-MM-dd}",
            ["Notice"] = notice, ["NoticeIsError"] = noticeIsError,
        }, status, carriesToken: true);
    }

    /// <summary>An entry of the day in the reader's language (the SMS and the calendar keep their Chinese line).</summary>
    private static string EntryTitle(Scheduler.Pages.Lang lang, CentreSnapshot centre, StaffDayEntry e)
    {
        string Category(string id) => centre.Profile.Categories.FirstOrDefault(c => c.Id == id) is { } c ? lang.Of(c.Name) : id;
        return e.Kind switch
        {
            StaffDayKind.Visit => lang.Format(Scheduler.Pages.Words.DayVisit, e.ResidentName ?? "",
                centre.Profile.Items.FirstOrDefault(i => i.Id == e.ItemId) is { } item ? lang.Of(item.Name) : e.ItemId ?? ""),
            StaffDayKind.Break => lang[Scheduler.Pages.Words.DutyBreak],
            StaffDayKind.BackOffice => lang[Scheduler.Pages.Words.DutyBackOffice],
            _ => lang.Format(e.BesideVisits ? Scheduler.Pages.Words.DayWindowBesideVisits : Scheduler.Pages.Words.DutyWindow,
                string.Join(" / ", (e.CategoryIds ?? []).Select(Category))),
        };
    }
}
