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
    IClock clock, IOptions<SchedulerOptions> options, ILogger<ScheduledFunctions> logger)
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
        var feed = await feeds.FindAsync(request.Query["t"].ToString(), cancellationToken);
        // The token names the staff member and their centre; without one, the message is the request's centre's.
        var centre = (await centres.GetAsync(feed?.CentreId ?? RoleGate.Centre(request), cancellationToken))!;
        if (feed is null || centre.Profile.Staff.All(s => s.Id != feed.StaffId))
            return await ResidentPages.MessageAsync(request, lang, centre, lang[Scheduler.Pages.Words.NoSuchSchedule], StatusCodes.Status404NotFound);
        var staff = centre.Profile.Staff.First(s => s.Id == feed.StaffId);
        Outcomes.TryDate(request.Query["date"], "date", out var chosen, out _);
        var date = chosen ?? centre.Calendar.Today(clock.GetCurrentInstant());
        var entries = await days.DayAsync(centre, staff, date, cancellationToken);
        var here = $"/api/pages/staff-day?t={Uri.EscapeDataString(feed.Token)}&lang={lang.Code}";
        return await PageResponse.RenderAsync<Scheduler.Pages.Local.StaffDay>(request, new Dictionary<string, object?>
        {
            ["Frame"] = new Scheduler.Pages.Frame(lang, centre.Profile, string.Format(lang[Scheduler.Pages.Words.StaffDayTitle], staff.Name),
                $"/api/pages/staff-day?t={Uri.EscapeDataString(feed.Token)}&date={date:yyyy-MM-dd}&lang={lang.Other.Code}"),
            ["DayText"] = lang.Date(date),
            ["Entries"] = entries.Select(e => new Scheduler.Pages.DayEntry($"{e.Start:HH:mm}–{e.End:HH:mm}", EntryTitle(lang, centre, e), e.Address)).ToList(),
            ["FeedHref"] = $"/api/calendar/{feed.Token}.ics",
            ["PreviousHref"] = $"{here}&date={date.PlusDays(-1):yyyy-MM-dd}", ["NextHref"] = $"{here}&date={date.PlusDays(1):yyyy-MM-dd}",
        }, carriesToken: true);
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
