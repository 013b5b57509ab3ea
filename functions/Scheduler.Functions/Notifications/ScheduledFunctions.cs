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
using Scheduler.Core.Staffing;
using static Scheduler.Functions.Pages.PageLayout;

namespace Scheduler.Functions.Notifications;

public sealed record StaffFeedView(string StaffId, string CalendarUrl, string PageUrl);

/// <summary>
/// Scheduled messages (the day-before reminders, the staff's day) and what staff open from them: the day page and
/// the calendar feed under a revocable token.
/// </summary>
public sealed class ScheduledFunctions(SendDayBeforeReminders reminders, SendStaffDaySchedules daySchedules, StaffDays days, IStaffFeeds feeds, ICentreDirectory centres,
    IClock clock, IOptions<SchedulerOptions> options, ILogger<ScheduledFunctions> logger)
{
    private string Centre => options.Value.CentreId;

    /// <summary>Daily at 10:00 UTC, which is 18:00 in Asia/Shanghai (the demo centre's zone): tomorrow's appointments and visits are reminded.</summary>
    [Function("SendDayBeforeReminders")]
    public async Task Reminders([TimerTrigger("0 0 10 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var sent = await reminders.RunAsync(Centre, cancellationToken);
        logger.LogInformation("{Count} day-before reminders queued", sent);
    }

    /// <summary>Daily at 23:30 UTC, which is 07:30 the next morning in Asia/Shanghai: staff get their day (only on the centre's working days).</summary>
    [Function("SendStaffDaySchedules")]
    public async Task StaffDays([TimerTrigger("0 30 23 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var sent = await daySchedules.RunAsync(Centre, cancellationToken);
        logger.LogInformation("{Count} staff day schedules queued", sent);
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
        if (feed is null || feed.CentreId != Centre) return Problems.NotFound("No such calendar.");
        var centre = (await centres.GetAsync(Centre, cancellationToken))!;
        var today = centre.Calendar.Today(clock.GetCurrentInstant());
        var entries = await days.DaysAsync(Centre, feed.StaffId, today, 14, cancellationToken);
        var calendar = new Calendar();
        calendar.AddProperty("X-WR-CALNAME", $"{centre.Profile.Centre.Name.Zh} {feed.StaffId}");
        foreach (var e in entries)
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{feed.StaffId}-{e.Date:yyyyMMdd}-{e.Start:HHmm}-{e.VisitId ?? "window"}@{Centre}",
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
        if ((await centres.GetAsync(Centre, cancellationToken))?.Profile.Staff.Any(s => s.Id == staffId) != true) return Problems.NotFound("No such staff member.");
        var feed = await feeds.RenewAsync(Centre, staffId, cancellationToken);
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
        return await feeds.RevokeAsync(Centre, staffId, cancellationToken) ? new NoContentResult() : Problems.NotFound("The staff member has no feed.");
    }

    [RateLimited(Scheduler.Core.Abuse.RateScopes.TokenPages)]
    [Function("PageStaffDay")]
    [ApiOperation("A staff member's day from the SMS link: windows and visits in order, with addresses, and the calendar feed link.", Tag = "pages",
        Access = "the staff member's feed token")]
    [ApiResponse(200, "HTML page.", ContentType = "text/html")]
    [ApiResponse(404, "Unknown or revoked token.", ContentType = "text/html")]
    public async Task<IActionResult> Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/staff-day")] HttpRequest request, CancellationToken cancellationToken)
    {
        var feed = await feeds.FindAsync(request.Query["t"].ToString(), cancellationToken);
        if (feed is null || feed.CentreId != Centre) return Problems.NotFound("No such schedule.");
        var centre = (await centres.GetAsync(Centre, cancellationToken))!;
        var staff = centre.Profile.Staff.First(s => s.Id == feed.StaffId);
        Outcomes.TryDate(request.Query["date"], "date", out var chosen, out _);
        var date = chosen ?? centre.Calendar.Today(clock.GetCurrentInstant());
        var entries = await days.DayAsync(centre, staff, date, cancellationToken);
        var body = new StringBuilder($"<p>{H(SmsFormat.Day(date, "zh"))}</p><ol>");
        foreach (var e in entries)
            body.Append($"<li><strong>{e.Start:HH:mm}-{e.End:HH:mm}</strong> {H(e.Title)}{(e.Address is null ? "" : $"<br>{H(e.Address)}")}</li>");
        body.Append(entries.Count == 0 ? "<li>无安排 (nothing planned)</li></ol>" : "</ol>");
        body.Append($"<p><a href=\"/api/calendar/{H(feed.Token)}.ics\">订阅日历 (calendar feed)</a></p>");
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return PageLayout.Page(Pages.PageText.For("zh"), $"{staff.Name} 的日程", body.ToString(), centre.Profile.Centre.Name.Zh, $"/api/pages/staff-day?t={Uri.EscapeDataString(feed.Token)}");
    }
}
