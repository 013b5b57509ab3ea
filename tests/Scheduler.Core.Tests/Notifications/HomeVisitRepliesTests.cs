using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Auditing;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Notifications;
using Scheduler.Core.Results;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Residents;
using Scheduler.Core.Tests.HomeVisits;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests.Notifications;

/// <summary>Ratings in memory: one per subject, follow-ups replaced by subject and kind.</summary>
internal sealed class InMemoryRatings : IRatingStore
{
    public List<Rating> Ratings { get; } = [];
    public Dictionary<(string Subject, string Kind), FollowUp> FollowUps { get; } = [];

    public Task<bool> AddAsync(Rating rating, CancellationToken cancellationToken)
    {
        if (Ratings.Any(r => r.Subject == rating.Subject)) return Task.FromResult(false);
        Ratings.Add(rating);
        return Task.FromResult(true);
    }

    public Task AddFollowUpAsync(FollowUp followUp, CancellationToken cancellationToken)
    {
        FollowUps[(followUp.Subject, followUp.Kind)] = followUp;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Rating>> ListAsync(string centreId, Instant from, Instant to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Rating>>(Ratings.Where(r => r.At >= from && r.At < to).ToList());

    public Task<IReadOnlyList<FollowUp>> ListFollowUpsAsync(string centreId, Instant closedFrom, Instant closedTo, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FollowUp>>(FollowUps.Values.Where(f => f.Status == FollowUpStatus.Open || (f.ClosedAt >= closedFrom && f.ClosedAt < closedTo)).ToList());

    public Task<FollowUp?> GetFollowUpAsync(string centreId, string kind, string subject, CancellationToken cancellationToken) =>
        Task.FromResult(FollowUps.GetValueOrDefault((subject, kind)));
}

/// <summary>
/// The home-visit side of the SMS loop, in memory: the rating request once a published visit is done, the rating
/// reply recorded against the visit (a 1 or 2 opening a follow-up), and replies about a visit: confirm, change (a
/// request to the dispatchers, answered by SMS) and book (numbered window times for the visit's service).
/// </summary>
public sealed class HomeVisitRepliesTests
{
    private readonly FakeClock _clock = new(TestCentre.Now); // Friday 27 Nov 09:00 in Xiamen
    private readonly Fakes _sms = new();
    private readonly InMemoryHomeVisitStore _requests = new();
    private readonly InMemoryPlanRunStore _runs = new();
    private readonly InMemoryRatings _ratings = new();
    private readonly BookingWorld _booking;
    private readonly HandleInboundSms _inbound;
    private readonly SendVisitRatingRequests _visitRatings;
    private readonly Ratings _ratingSlice;
    private static readonly LocalDate Today = new(2026, 11, 27);
    private const string Mobile = "+8613900000077";

    public HomeVisitRepliesTests()
    {
        _booking = new BookingWorld(clock: _clock);
        var centres = new OneCentre(_booking.Centre);
        var notifier = new SmsNotifier(_sms, _sms, _clock, NotificationSettings.Default);
        var notifications = new HomeVisitNotifications(notifier, centres, _clock, new ShortLinks(new byte[32], "https://centre.example", "huli"));
        var audit = new AuditTrail(new InMemoryAuditLog(), _clock);
        var service = new HomeVisitService(_requests, centres, new ChineseMobiles(), new ReversingProtector(), notifications, audit, _clock,
            HomeVisitShiftRules.Default, EligibilityRules.Default);
        var planning = new HomeVisitPlanning(_runs, new RecordingPlanQueue(), new StubSolver(), service, centres, notifications, audit, _clock,
            new PlanningSettings(Duration.FromSeconds(2)));
        _ratingSlice = new Ratings(_ratings, centres, _clock);
        _inbound = new HandleInboundSms(_sms, notifier, centres, _booking.Store, new ChineseMobiles(), _booking.Pseudonyms, _booking.Status, _booking.Reschedule,
            _booking.Book, _booking.Availability, _ratingSlice, new HomeVisitDecisions(service, planning), _requests, _runs,
            new ShortLinks(new byte[32], "http://localhost:7071", "huli"), _clock);
        _visitRatings = new SendVisitRatingRequests(centres, _runs, service, notifications, new InMemoryVisitOutcomes(), _clock);
    }

    private HomeVisitRequest Request(string id, HomeVisitStatus status)
    {
        var request = new HomeVisitRequest(id, TestCentre.Id, "王秀英", Mobile, null, 82, EligibilityReason.Aged60Plus, new GeoPoint(24.50, 118.15),
            $"湖里区{id}号", TestCentre.HomeItem, [new VisitWindow(Today, new LocalTime(9, 0), new LocalTime(11, 0))], VisitUrgency.Routine, null,
            "web", new EligibilityAssessment(true, "Aged 82."), status, null, TestCentre.Now, "anonymous", id);
        _requests.Put(request);
        return request;
    }

    private void PublishToday(string a, string b) =>
        _runs.Put(new PlanRun("run-today", TestCentre.Id, Today, PlanRunStatus.Published, TestCentre.Now, "staff:dispatch", null, null, PlanningWorld.Plan(Today, a, b), [], null, null));

    private int _sid;

    private Task<InboundOutcome> ReplyAsync(string body) =>
        _inbound.HandleAsync(TestCentre.Id, new InboundSms($"SM{++_sid}", Mobile, body), CancellationToken.None);

    private List<string> Kinds => _sms.Enqueued.Select(e => e.Message.Kind).ToList();

    [Fact]
    public async Task A_visit_asks_for_a_rating_once_it_is_done_and_a_reply_of_2_is_recorded_against_the_visit_with_a_follow_up()
    {
        Request("hv-a", HomeVisitStatus.Approved);
        Request("hv-b", HomeVisitStatus.Cancelled); // cancelled on the day: not rated
        PublishToday("hv-a", "hv-b");

        Assert.Equal(0, await _visitRatings.RunAsync(TestCentre.Id, CancellationToken.None)); // 09:00: the visit ends 09:45
        _clock.Reset(Instant.FromUtc(2026, 11, 27, 11, 0)); // 19:00
        Assert.Equal(1, await _visitRatings.RunAsync(TestCentre.Id, CancellationToken.None));
        Assert.Equal(0, await _visitRatings.RunAsync(TestCentre.Id, CancellationToken.None));
        var request = Assert.Single(_sms.Enqueued, e => e.Message.Kind == SmsKinds.VisitRatingRequest).Message;
        Assert.Equal(Mobile, request.To);
        Assert.Contains("上门公证", request.Text);

        var outcome = await ReplyAsync("2 来晚了");

        Assert.Equal(("rating", SmsKinds.RatingThanks), (outcome.Understood, outcome.Reply));
        var rating = Assert.Single(_ratings.Ratings);
        Assert.Equal(("home-visit/hv-a", HandleInboundSms.HomeVisitCategory, TestCentre.HomeItem, 2, "来晚了"),
            (rating.Subject, rating.CategoryId, rating.ItemId, rating.Score, rating.Reason));
        var followUp = Assert.Single(_ratings.FollowUps.Values);
        Assert.Equal(("home-visit/hv-a", FollowUpKinds.Rating, FollowUpStatus.Open), (followUp.Subject, followUp.Kind, followUp.Status));
        // Friday 19:00 + 3 working days: Monday, Tuesday, Thursday (2 Dec is closed) -> due at the end of Thursday 3 Dec.
        Assert.Equal(Instant.FromUtc(2026, 12, 3, 16, 0), followUp.Due);

        var again = await ReplyAsync("5");
        Assert.Equal(ErrorCodes.Duplicate, again.Problem);
        Assert.Single(_ratings.Ratings);
    }

    [Fact]
    public async Task Replying_1_about_a_visit_is_acknowledged_with_the_visit_time()
    {
        Request("hv-c", HomeVisitStatus.Approved);
        PublishToday("hv-c", "hv-x");
        var notifications = new HomeVisitNotifications(new SmsNotifier(_sms, _sms, _clock, NotificationSettings.Default), new OneCentre(_booking.Centre), _clock, new ShortLinks(new byte[32], "https://centre.example", "huli"));
        await notifications.VisitTimeAsync((await _requests.GetAsync(TestCentre.Id, "hv-c", CancellationToken.None))!.Request, Today, new LocalTime(9, 15), CancellationToken.None);

        var outcome = await ReplyAsync("确认");

        Assert.Equal(("confirm-visit", SmsKinds.ReplyVisitConfirmed), (outcome.Understood, outcome.Reply));
        Assert.Contains("09:15", _sms.Enqueued.Last().Message.Text);
    }

    [Fact]
    public async Task Replying_3_about_a_visit_asks_the_dispatchers_to_move_it_once_and_tells_the_resident()
    {
        Request("hv-d", HomeVisitStatus.Approved);
        var notifications = new HomeVisitNotifications(new SmsNotifier(_sms, _sms, _clock, NotificationSettings.Default), new OneCentre(_booking.Centre), _clock, new ShortLinks(new byte[32], "https://centre.example", "huli"));
        await notifications.DecidedAsync((await _requests.GetAsync(TestCentre.Id, "hv-d", CancellationToken.None))!.Request with
        {
            Decision = new Decision(HomeVisitStatus.Approved, "dispatch", TestCentre.Now, null),
        }, CancellationToken.None);

        var outcome = await ReplyAsync("改期 周一上午不在家");
        var twice = await ReplyAsync("3");

        Assert.Equal(("change-visit", SmsKinds.ReplyVisitChangeRequested), (outcome.Understood, outcome.Reply));
        Assert.Equal(("change-visit", SmsKinds.ReplyVisitChangeRequested), (twice.Understood, twice.Reply));
        var followUp = Assert.Single(_ratings.FollowUps.Values);
        Assert.Equal(("home-visit/hv-d", FollowUpKinds.VisitChange, FollowUpStatus.Open, "周一上午不在家"), (followUp.Subject, followUp.Kind, followUp.Status, followUp.Reason));
        // Friday 09:00 + 1 working day: due at the end of Monday.
        Assert.Equal(Instant.FromUtc(2026, 11, 30, 16, 0), followUp.Due);
        Assert.Contains("调度", _sms.Enqueued.Last().Message.Text);

        var closed = await _ratingSlice.CloseAsync(TestCentre.Id, "home-visit/hv-d", "已电话联系，改到下周二", new Identity.StaffCaller("he", "He", new HashSet<string> { "dispatcher" }),
            CancellationToken.None, FollowUpKinds.VisitChange);
        Assert.Equal(FollowUpStatus.Closed, closed.Value!.Status);
    }

    [Fact]
    public async Task Replying_book_about_a_visit_offers_window_times_for_its_service_and_a_number_books_one()
    {
        Request("hv-e", HomeVisitStatus.Rejected);
        var notifications = new HomeVisitNotifications(new SmsNotifier(_sms, _sms, _clock, NotificationSettings.Default), new OneCentre(_booking.Centre), _clock, new ShortLinks(new byte[32], "https://centre.example", "huli"));
        await notifications.ReceivedAsync((await _requests.GetAsync(TestCentre.Id, "hv-e", CancellationToken.None))!.Request, CancellationToken.None);

        var offered = await ReplyAsync("预约");
        Assert.Equal(("book", SmsKinds.ReplyBookChoices), (offered.Understood, offered.Reply));
        Assert.Contains("1) ", _sms.Enqueued.Last().Message.Text);

        var booked = await ReplyAsync("1");

        Assert.Equal("book", booked.Understood);
        var appointment = Assert.Single(_booking.Store.Events).AppointmentId;
        var stored = _booking.Store.Appointment(appointment);
        Assert.Equal((TestCentre.HomeItem, "王秀英", Mobile), (stored.BookableId, stored.ResidentName, stored.Mobile));
        Assert.Equal($"appointment/{appointment}", _sms.Conversations[Mobile].Subject);
    }

    [Fact]
    public async Task Confirm_or_change_of_a_visit_that_is_not_approved_says_why_not()
    {
        Request("hv-f", HomeVisitStatus.Submitted);
        var notifications = new HomeVisitNotifications(new SmsNotifier(_sms, _sms, _clock, NotificationSettings.Default), new OneCentre(_booking.Centre), _clock, new ShortLinks(new byte[32], "https://centre.example", "huli"));
        await notifications.ReceivedAsync((await _requests.GetAsync(TestCentre.Id, "hv-f", CancellationToken.None))!.Request, CancellationToken.None);

        var confirm = await ReplyAsync("1");
        var change = await ReplyAsync("CHANGE");

        Assert.Equal((SmsKinds.ReplyNotPossible, ErrorCodes.NotApproved), (confirm.Reply, confirm.Problem));
        Assert.Equal((SmsKinds.ReplyNotPossible, ErrorCodes.NotApproved), (change.Reply, change.Problem));
        Assert.Empty(_ratings.FollowUps);
    }
}
