using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Staffing;

namespace Scheduler.Core.Notifications;

/// <summary>
/// The day-before reminders: every appointment of tomorrow still active, and every visit of tomorrow's published
/// plan, once (the key names the appointment or request and the day). Run by a timer at the configured local time.
/// </summary>
public sealed class SendDayBeforeReminders(IAppointmentStore store, ICentreDirectory centres, IPlanRunStore runs, HomeVisitService requests,
    SmsNotifier notifier, HomeVisitNotifications visits, ShortLinks links, IClock clock)
{
    public async Task<int> RunAsync(string centreId, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{centreId}' is not known.");
        var now = clock.GetCurrentInstant();
        var tomorrow = centre.Calendar.Today(now).PlusDays(1);
        var sent = 0;
        var active = (await store.ListDayAsync(centreId, tomorrow, cancellationToken))
            .Where(a => a.Status is AppointmentStatus.Booked or AppointmentStatus.AwaitingConfirmation);
        foreach (var a in active)
        {
            var lang = a.Language;
            var values = new Dictionary<string, string?>
            {
                ["name"] = a.ResidentName,
                ["service"] = Bookable.Find(centre.Profile, a.IsBundle ? null : a.BookableId, a.IsBundle ? a.BookableId : null)?.Name.For(lang) ?? a.BookableId,
                ["time"] = $"{a.Start:HH:mm}",
                ["address"] = centre.Profile.Centre.Address,
                ["link"] = links.Appointment(a.CentreId, a.Id),
            };
            var conversation = new Conversation(centreId, ManageLinks.Subject(a.Id), lang, ChoiceMode.None, [], now, null, null, now);
            if (await notifier.SendAsync(centre, $"reminder|{a.Id}|{a.Date:yyyyMMdd}", a.Mobile, SmsKinds.DayBeforeReminder, lang, values, conversation, cancellationToken)
                == OutboxResult.Queued) sent++;
        }
        if ((await runs.PublishedAsync(centreId, tomorrow, cancellationToken))?.Run.Plan is { } plan)
        {
            var approved = (await requests.ListAsync(centreId, cancellationToken)).Where(r => r.Status == HomeVisitStatus.Approved).ToDictionary(r => r.Id);
            foreach (var visit in plan.Routes.SelectMany(r => r.Stops).GroupBy(s => s.VisitId))
                if (approved.TryGetValue(visit.Key, out var request))
                {
                    await visits.ReminderAsync(request, tomorrow, visit.Min(s => s.Start), cancellationToken);
                    sent++;
                }
        }
        return sent;
    }
}

/// <summary>
/// Rating requests (好差评) for the day's home visits once they are done. A visit staff recorded done is asked (a
/// record asks at once already; the batch finishes what that left, under the same key); a visit recorded not done is
/// not. A visit with no record counts as done when its planned end in the day's published plan has passed and its
/// request is still approved (a visit cancelled on the day is not rated), so a centre that does not record outcomes
/// still asks. Served appointments ask for their rating from the <c>appointment.served</c> event instead. Once per
/// request and day.
/// </summary>
public sealed class SendVisitRatingRequests(ICentreDirectory centres, IPlanRunStore runs, HomeVisitService requests, HomeVisitNotifications visits,
    IVisitOutcomes outcomes, IClock clock)
{
    public async Task<int> RunAsync(string centreId, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{centreId}' is not known.");
        var now = clock.GetCurrentInstant();
        var today = centre.Calendar.Today(now);
        if ((await runs.PublishedAsync(centreId, today, cancellationToken))?.Run.Plan is not { } plan) return 0;
        var ofDay = (await requests.ListForDateAsync(centreId, today, cancellationToken)).ToDictionary(r => r.Id);
        var recorded = (await outcomes.ListDayAsync(centreId, today, cancellationToken)).ToDictionary(o => o.RequestId, o => o.Outcome);
        var sent = 0;
        foreach (var visit in plan.Routes.SelectMany(r => r.Stops).GroupBy(s => s.VisitId))
        {
            if (!ofDay.TryGetValue(visit.Key, out var request)) continue;
            var done = recorded.TryGetValue(visit.Key, out var outcome)
                ? outcome == VisitOutcomeKind.Done
                : request.Status == HomeVisitStatus.Approved && centre.Calendar.ToInstant(today + visit.Max(s => s.End)) <= now;
            if (!done) continue;
            if (await visits.RatingRequestAsync(request, today, visit.Min(s => s.Start), cancellationToken) == OutboxResult.Queued) sent++;
        }
        return sent;
    }
}

/// <summary>A staff member's calendar feed: an unguessable token that can be revoked.</summary>
public sealed record StaffFeed(string CentreId, string StaffId, string Token, bool Revoked, Instant IssuedAt);

public interface IStaffFeeds
{
    /// <summary>The staff member's feed, made on first use.</summary>
    Task<StaffFeed> GetOrCreateAsync(string centreId, string staffId, CancellationToken cancellationToken);

    /// <summary>A new token for the staff member (the old one stops working).</summary>
    Task<StaffFeed> RenewAsync(string centreId, string staffId, CancellationToken cancellationToken);

    Task<bool> RevokeAsync(string centreId, string staffId, CancellationToken cancellationToken);

    /// <summary>The feed a token opens, or null when unknown or revoked.</summary>
    Task<StaffFeed?> FindAsync(string token, CancellationToken cancellationToken);
}

/// <summary>What an entry of a staff member's day is.</summary>
public enum StaffDayKind { Visit, Window, Break, BackOffice }

/// <summary>
/// One entry of a staff member's day: a window session, a visit, a break or back-office time. <see cref="Title"/> is
/// the Chinese line the SMS and the calendar feed carry; a page composes its own line in the reader's language from
/// <see cref="Kind"/>, <see cref="ResidentName"/>, <see cref="ItemId"/>, <see cref="CategoryIds"/> and <see cref="BesideVisits"/>.
/// </summary>
public sealed record StaffDayEntry(LocalDate Date, LocalTime Start, LocalTime End, string Title, string? Address, string? VisitId,
    StaffDayKind Kind = StaffDayKind.Window, string? ResidentName = null, string? ItemId = null, IReadOnlyList<string>? CategoryIds = null, bool BesideVisits = false);

/// <summary>
/// A staff member's days: the visits of published plans and, from the day's published roster, the windows they sit
/// at, their break and back-office time (a day with no published roster: their profile's window categories over the
/// opening hours), in order. The SMS, the page and the calendar feed all read this one list.
/// </summary>
public sealed class StaffDays(ICentreDirectory centres, StaffScheduleQuery schedules)
{
    public async Task<IReadOnlyList<StaffDayEntry>> DayAsync(CentreSnapshot centre, StaffMember staff, LocalDate date, CancellationToken cancellationToken)
    {
        var entries = new List<StaffDayEntry>();
        if (!centre.Calendar.IsWorkingDay(date)) return entries;
        var schedule = (await schedules.GetAsync(centre.Profile.Centre.Id, staff.Id, date, cancellationToken)).Value;
        foreach (var stop in schedule?.Stops ?? [])
            entries.Add(new StaffDayEntry(date, stop.Start, stop.End, $"上门 {stop.ResidentName} {Item(centre, stop.ItemId)}", stop.Address, stop.VisitId,
                StaffDayKind.Visit, stop.ResidentName, stop.ItemId));
        if (schedule?.RosterId is not null)
        {
            // The published roster says where they sit and when they break.
            foreach (var spell in schedule.Roster ?? [])
                entries.Add(new StaffDayEntry(date, spell.From, spell.To, spell.Kind switch
                {
                    Roster.DutyKind.Window => $"窗口 {Category(centre, spell.CategoryId!)}",
                    Roster.DutyKind.Break => "休息",
                    _ => "后台",
                }, null, null, spell.Kind switch
                {
                    Roster.DutyKind.Window => StaffDayKind.Window,
                    Roster.DutyKind.Break => StaffDayKind.Break,
                    _ => StaffDayKind.BackOffice,
                }, CategoryIds: spell.CategoryId is null ? null : [spell.CategoryId]));
            return entries.OrderBy(e => e.Start).ToList();
        }
        var opening = centre.Profile.Opening.FirstOrDefault(o => o.Day == date.DayOfWeek) ?? centre.Profile.Opening.FirstOrDefault(o => o.Day == IsoDayOfWeek.Monday);
        if (staff.CategoryIds.Count > 0 && opening is not null)
        {
            var names = string.Join("/", staff.CategoryIds.Select(c => centre.Profile.Categories.FirstOrDefault(x => x.Id == c)?.Name.Zh ?? c));
            var busy = entries.Count > 0;
            entries.Add(new StaffDayEntry(date, opening.Opens, opening.Closes, busy ? $"窗口 {names}（上门之外）" : $"窗口 {names}", null, null,
                StaffDayKind.Window, CategoryIds: staff.CategoryIds, BesideVisits: busy));
        }
        return entries.OrderBy(e => e.Start).ToList();
    }

    public async Task<IReadOnlyList<StaffDayEntry>> DaysAsync(string centreId, string staffId, LocalDate from, int days, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{centreId}' is not known.");
        var staff = centre.Profile.Staff.FirstOrDefault(s => s.Id == staffId);
        if (staff is null) return [];
        var all = new List<StaffDayEntry>();
        for (var d = 0; d < days; d++) all.AddRange(await DayAsync(centre, staff, from.PlusDays(d), cancellationToken));
        return all;
    }

    private static string Category(CentreSnapshot centre, string categoryId) => centre.Profile.Categories.FirstOrDefault(x => x.Id == categoryId)?.Name.Zh ?? categoryId;

    private static string Item(CentreSnapshot centre, string itemId) => centre.Profile.Items.FirstOrDefault(i => i.Id == itemId)?.Name.Zh ?? itemId;
}

/// <summary>
/// Each working morning, each member of staff with a mobile number gets the day by SMS: the entries in order, with
/// addresses for visits, and the link to their schedule page (which also offers the calendar feed). Once per day and
/// centre: the message's key names the centre, as staff ids are a centre's own (two centres may both have an "s01").
/// </summary>
public sealed class SendStaffDaySchedules(ICentreDirectory centres, StaffDays days, IStaffFeeds feeds, SmsNotifier notifier, string publicBaseUrl, IClock clock)
{
    public async Task<int> RunAsync(string centreId, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{centreId}' is not known.");
        var today = centre.Calendar.Today(clock.GetCurrentInstant());
        if (!centre.Calendar.IsWorkingDay(today)) return 0;
        var sent = 0;
        foreach (var staff in centre.Profile.Staff.Where(s => !string.IsNullOrEmpty(s.Mobile)))
        {
            var entries = await days.DayAsync(centre, staff, today, cancellationToken);
            var feed = await feeds.GetOrCreateAsync(centreId, staff.Id, cancellationToken);
            var items = string.Join("；", entries.Select((e, i) => $"{i + 1}.{e.Start:HH:mm}-{e.End:HH:mm} {e.Title}{(e.Address is null ? "" : " " + e.Address)}"));
            var values = new Dictionary<string, string?>
            {
                ["name"] = staff.Name,
                ["time"] = SmsFormat.Day(today, "zh"),
                ["count"] = entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["items"] = entries.Count == 0 ? "无安排" : items,
                ["link"] = $"{publicBaseUrl.TrimEnd('/')}/api/pages/staff-day?t={feed.Token}",
            };
            if (await notifier.SendAsync(centre, $"staff-day|{centreId}|{staff.Id}|{today:yyyyMMdd}", staff.Mobile!, SmsKinds.StaffDaySchedule, "zh", values, null, cancellationToken)
                == OutboxResult.Queued) sent++;
        }
        return sent;
    }
}

/// <summary>What a scheduled batch did when its timer fired: ran (and how many messages it queued) or why not.</summary>
public sealed record BatchOutcome(string Batch, LocalDate Date, bool Ran, int Queued, string? NotRun = null);

/// <summary>
/// The scheduled messages as daily batches at configured local times: the timer fires every few minutes (any zone,
/// any clock change) and a batch runs on the first firing once its local time has passed, once per local date. A
/// batch that fails is not marked and runs again on the next firing; each message's key keeps a rerun from sending
/// anything twice, so a batch cut short by a crash is finished, not doubled.
/// </summary>
public sealed class ScheduledBatches(ICentreDirectory centres, IDailyBatches batches, SendDayBeforeReminders reminders, SendStaffDaySchedules staffDays,
    SendVisitRatingRequests visitRatings, NotificationSettings settings, IClock clock)
{
    public const string Reminders = "day-before-reminders";
    public const string StaffDays = "staff-day-schedules";
    public const string VisitRatings = "visit-rating-requests";

    public Task<BatchOutcome> RemindersAsync(string centreId, CancellationToken cancellationToken) =>
        RunAsync(centreId, Reminders, settings.RemindersAt, false, reminders.RunAsync, cancellationToken);

    public Task<BatchOutcome> StaffDaysAsync(string centreId, CancellationToken cancellationToken) =>
        RunAsync(centreId, StaffDays, settings.StaffDayAt, true, staffDays.RunAsync, cancellationToken);

    public Task<BatchOutcome> VisitRatingsAsync(string centreId, CancellationToken cancellationToken) =>
        RunAsync(centreId, VisitRatings, settings.VisitRatingsAt, false, visitRatings.RunAsync, cancellationToken);

    private async Task<BatchOutcome> RunAsync(string centreId, string batch, LocalTime at, bool workingDaysOnly, Func<string, CancellationToken, Task<int>> work,
        CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{centreId}' is not known.");
        var local = clock.GetCurrentInstant().InZone(centre.Calendar.Zone);
        var today = local.Date;
        if (local.TimeOfDay < at) return new(batch, today, false, 0, $"not before {at:HH:mm}");
        if (workingDaysOnly && !centre.Calendar.IsWorkingDay(today)) return new(batch, today, false, 0, "not a working day");
        if (await batches.IsDoneAsync(centreId, batch, today, cancellationToken)) return new(batch, today, false, 0, "done today");
        var queued = await work(centreId, cancellationToken);
        await batches.MarkDoneAsync(centreId, batch, today, queued, clock.GetCurrentInstant(), cancellationToken);
        return new(batch, today, true, queued);
    }
}
