using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Auditing;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Core.Residents;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Notifications;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests.HomeVisits;

/// <summary>
/// Staff record whether a published visit was made (ADR 0016, addendum): once, by the member of staff on its route or a
/// dispatcher, on its day or after; a visit done asks for its rating at once and never twice, one not done is never
/// asked, and one with no record keeps the planned-end rule of the evening batch.
/// </summary>
public sealed class VisitOutcomeTests
{
    private static readonly LocalDate Today = new(2026, 11, 27); // Friday; the clock stands at 09:00 in Xiamen
    private readonly FakeClock _clock = new(TestCentre.Now);
    private readonly RecordingSms _sms = new();
    private readonly InMemoryHomeVisitStore _requests = new();
    private readonly InMemoryPlanRunStore _runs = new();
    private readonly InMemoryVisitOutcomes _outcomes = new();
    private readonly InMemoryAuditLog _audit = new();
    private readonly InMemoryRatings _ratings = new();
    private readonly RecordVisitOutcome _record;
    private readonly SendVisitRatingRequests _batch;
    private readonly VisitRatings _visitRatings;
    private readonly ResidentTokenService _tokens;

    private static readonly Caller S01 = new StaffCaller("u-s01", "陈", new HashSet<string> { "staff" }, "s01");
    private static readonly Caller S02 = new StaffCaller("u-s02", "刘", new HashSet<string> { "staff" }, "s02");
    private static readonly Caller S03 = new StaffCaller("u-s03", "黄", new HashSet<string> { "staff" }, "s03");
    private static readonly Caller Dispatcher = new StaffCaller("dispatch", "调度", new HashSet<string> { "staff", "dispatcher" });

    private static readonly VisitOutcomeInput Done = new(VisitOutcomeKind.Done, null, null);

    public VisitOutcomeTests()
    {
        var centres = new OneCentre(TestCentre.Snapshot());
        var settings = NotificationSettings.Default;
        var notifications = new HomeVisitNotifications(new SmsNotifier(_sms, _sms, _clock, settings), centres, _clock,
            new ShortLinks(new byte[32], "https://centre.example", TestCentre.Id));
        var audit = new AuditTrail(_audit, _clock);
        var service = new HomeVisitService(_requests, centres, new ChineseMobiles(), new ReversingProtector(), notifications, audit, _clock,
            HomeVisitShiftRules.Default, EligibilityRules.Default);
        _record = new RecordVisitOutcome(_requests, _runs, _outcomes, centres, notifications, audit, _clock);
        _batch = new SendVisitRatingRequests(centres, _runs, service, notifications, _outcomes, _clock);
        _tokens = new ResidentTokenService(new byte[32], _clock);
        _visitRatings = new VisitRatings(_tokens, _requests, _runs, centres, new Ratings(_ratings, centres, _clock), _outcomes, settings, _clock);
    }

    private HomeVisitRequest Request(string id, LocalDate date, HomeVisitStatus status = HomeVisitStatus.Approved, string mobile = "+8613900000088")
    {
        var request = new HomeVisitRequest(id, TestCentre.Id, "王秀英", mobile, null, 82, EligibilityReason.Aged60Plus, new GeoPoint(24.50, 118.15),
            $"湖里区{id}号", TestCentre.HomeItem, [new VisitWindow(date, new LocalTime(9, 0), new LocalTime(11, 0))], VisitUrgency.Routine, null,
            "web", new EligibilityAssessment(true, "Aged 82."), status, null, TestCentre.Now, "anonymous", id);
        _requests.Put(request);
        return request;
    }

    /// <summary>The day's published plan: s01 visits a (09:15-09:45, with s02) then b (10:00-10:30).</summary>
    private void Publish(LocalDate date, string a, string b) =>
        _runs.Put(new PlanRun($"run-{date:yyyyMMdd}", TestCentre.Id, date, PlanRunStatus.Published, TestCentre.Now, "staff:dispatch", null, null,
            PlanningWorld.Plan(date, a, b), [], null, null));

    private Task<Outcome<VisitOutcome>> RecordAsync(string id, VisitOutcomeInput input, Caller caller) =>
        _record.RecordAsync(TestCentre.Id, id, input, caller, CancellationToken.None);

    private List<RecordedSms> RatingRequests => _sms.Sent.Where(m => m.Kind == SmsKinds.VisitRatingRequest).ToList();

    private void At(int hour, int minute = 0) =>
        _clock.Reset(Today.At(new LocalTime(hour, minute)).InZoneStrictly(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToInstant());

    [Fact]
    public async Task Done_by_staff_on_the_route_is_recorded_once_audited_and_asks_for_a_rating_at_once_never_twice()
    {
        Request("hv-a", Today);
        Request("hv-b", Today, mobile: "+8613900000089");
        Publish(Today, "hv-a", "hv-b");
        At(9, 50);

        var done = await RecordAsync("hv-a", Done, S01);

        Assert.Null(done.Error);
        Assert.Equal((VisitOutcomeKind.Done, Today, _clock.GetCurrentInstant(), "staff:u-s01"), (done.Value!.Outcome, done.Value.Date, done.Value.RecordedAt, done.Value.RecordedBy));
        var asked = Assert.Single(RatingRequests);
        Assert.Equal(("hv-a|rating|20261127", "+8613900000088"), (asked.IdempotencyKey, asked.To));
        var entry = Assert.Single(_audit.Entries, e => e.Action.StartsWith("home-visit.", StringComparison.Ordinal));
        Assert.Equal(("home-visit.done", "home-visit/hv-a"), (entry.Action, entry.Subject));

        // The same record again (a retry, even by the other member of the team): the first stands, nothing more happens.
        _clock.Advance(Duration.FromMinutes(5));
        var again = await RecordAsync("hv-a", Done, S02);
        Assert.Null(again.Error);
        Assert.Equal(done.Value.RecordedAt, again.Value!.RecordedAt);
        Assert.Single(_outcomes.All);
        Assert.Single(RatingRequests);
        Assert.Single(_audit.Entries, e => e.Action.StartsWith("home-visit.", StringComparison.Ordinal));

        // A different record is refused and changes nothing.
        var contradicted = await RecordAsync("hv-a", new VisitOutcomeInput(VisitOutcomeKind.NotDone, NotDoneReason.NotHome, null), Dispatcher);
        Assert.Equal((ProblemKind.Conflict, ErrorCodes.OutcomeRecorded), (contradicted.Error!.Kind, contradicted.Error.Code));
        Assert.Equal(VisitOutcomeKind.Done, Assert.Single(_outcomes.All).Outcome);

        // The evening batch asks b (no record, its planned end passed) and not a again: one request each.
        At(19, 0);
        Assert.Equal(1, await _batch.RunAsync(TestCentre.Id, CancellationToken.None));
        Assert.Equal(["hv-a|rating|20261127", "hv-b|rating|20261127"], RatingRequests.Select(m => m.IdempotencyKey).Order().ToList());
    }

    [Fact]
    public async Task A_visit_recorded_not_done_is_never_asked_for_a_rating_and_one_without_a_record_is_asked_once_its_planned_end_has_passed()
    {
        Request("hv-c", Today);
        Request("hv-d", Today, mobile: "+8613900000090");
        Publish(Today, "hv-c", "hv-d");

        var notDone = await RecordAsync("hv-c", new VisitOutcomeInput(VisitOutcomeKind.NotDone, NotDoneReason.Other, "  门口有狗，无法进入  "), Dispatcher);

        Assert.Null(notDone.Error);
        Assert.Equal((NotDoneReason.Other, "门口有狗，无法进入"), (notDone.Value!.Reason, notDone.Value.Note));
        Assert.Contains(_audit.Entries, e => e.Action == "home-visit.not-done" && e.Subject == "home-visit/hv-c");
        Assert.Empty(RatingRequests);
        Assert.Equal(0, await _batch.RunAsync(TestCentre.Id, CancellationToken.None)); // 09:00: d ends at 10:30
        At(19, 0);
        Assert.Equal(1, await _batch.RunAsync(TestCentre.Id, CancellationToken.None));
        Assert.Equal("hv-d|rating|20261127", Assert.Single(RatingRequests).IdempotencyKey);
        Assert.Equal(0, await _batch.RunAsync(TestCentre.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_visit_of_an_earlier_day_can_be_recorded_and_asks_under_that_day()
    {
        var thursday = Today.PlusDays(-1);
        Request("hv-e", thursday);
        Publish(thursday, "hv-e", "hv-none");

        var done = await RecordAsync("hv-e", Done, S01);

        Assert.Equal(thursday, done.Value!.Date);
        Assert.Equal("hv-e|rating|20261126", Assert.Single(RatingRequests).IdempotencyKey);
    }

    [Fact]
    public async Task Bad_records_are_refused_with_their_reason_and_store_nothing()
    {
        Request("hv-f", Today);
        Request("hv-g", Today.PlusDays(3)); // Monday 30 Nov
        Request("hv-h", Today); // approved, in no plan
        Request("hv-i", Today, HomeVisitStatus.Cancelled);
        Publish(Today, "hv-f", "hv-i");
        Publish(Today.PlusDays(3), "hv-g", "hv-none");

        async Task<(ProblemKind, string)> Refused(string id, VisitOutcomeInput input, Caller caller)
        {
            var result = await RecordAsync(id, input, caller);
            Assert.NotNull(result.Error);
            return (result.Error!.Kind, result.Error.Code);
        }

        Assert.Equal((ProblemKind.NotFound, ErrorCodes.UnknownRequest), await Refused("hv-unknown", Done, Dispatcher));
        Assert.Equal((ProblemKind.Conflict, ErrorCodes.VisitNotPublished), await Refused("hv-h", Done, Dispatcher));
        Assert.Equal((ProblemKind.Conflict, ErrorCodes.VisitNotYet), await Refused("hv-g", Done, Dispatcher));
        Assert.Equal((ProblemKind.Forbidden, ErrorCodes.NotYourVisit), await Refused("hv-f", Done, S03));
        Assert.Equal((ProblemKind.Forbidden, ErrorCodes.NotYourVisit), await Refused("hv-f", Done, new SystemCaller("timer")));
        Assert.Equal((ProblemKind.Conflict, ErrorCodes.NotApproved), await Refused("hv-i", Done, S01));
        Assert.Equal((ProblemKind.Invalid, ErrorCodes.InvalidOutcome), await Refused("hv-f", new VisitOutcomeInput(null, null, null), S01));
        Assert.Equal((ProblemKind.Invalid, ErrorCodes.InvalidOutcome), await Refused("hv-f", new VisitOutcomeInput((VisitOutcomeKind)7, null, null), S01));
        Assert.Equal((ProblemKind.Invalid, ErrorCodes.InvalidOutcome), await Refused("hv-f", new VisitOutcomeInput(VisitOutcomeKind.Done, NotDoneReason.NotHome, null), S01));
        Assert.Equal((ProblemKind.Invalid, ErrorCodes.ReasonRequired), await Refused("hv-f", new VisitOutcomeInput(VisitOutcomeKind.NotDone, null, null), S01));
        Assert.Equal((ProblemKind.Invalid, ErrorCodes.NoteRequired), await Refused("hv-f", new VisitOutcomeInput(VisitOutcomeKind.NotDone, NotDoneReason.Other, " "), S01));
        Assert.Equal((ProblemKind.Invalid, ErrorCodes.ReasonTooLong),
            await Refused("hv-f", new VisitOutcomeInput(VisitOutcomeKind.NotDone, NotDoneReason.Other, new string('x', 201)), S01));

        Assert.Empty(_outcomes.All);
        Assert.Empty(_sms.Sent);
        Assert.DoesNotContain(_audit.Entries, e => e.Action.StartsWith("home-visit.", StringComparison.Ordinal));
        // By their sign-in's id as well as the staff id their sign-in carries.
        Assert.Null((await RecordAsync("hv-f", Done, new StaffCaller("s01", "陈", new HashSet<string> { "staff" }))).Error);
    }

    [Fact]
    public async Task A_visit_recorded_done_can_be_rated_from_its_link_and_one_recorded_not_done_cannot()
    {
        Request("hv-j", Today);
        Request("hv-k", Today, mobile: "+8613900000091");
        Publish(Today, "hv-j", "hv-k");
        await RecordAsync("hv-j", Done, S01);
        await RecordAsync("hv-k", new VisitOutcomeInput(VisitOutcomeKind.NotDone, NotDoneReason.NotHome, null), S01);

        async Task<RatedVisit> Find(string id)
        {
            var token = _tokens.Issue(TestCentre.Id, $"home-visit/{id}", VisitRatings.Purpose, Duration.FromDays(7));
            Assert.Equal(TokenProblem.None, _tokens.TryRead(token, out var valid));
            return (await _visitRatings.FindAsync(valid!, CancellationToken.None))!;
        }

        var done = await Find("hv-j");
        Assert.Equal((Today, new LocalTime(9, 15), VisitOutcomeKind.Done), (done.Date, done.Start, done.Outcome!.Outcome));
        Assert.True(VisitRatings.IsRateable(done));
        var rated = await _visitRatings.RateAsync(done, 5, "很准时", CancellationToken.None);
        Assert.Null(rated.Error);
        Assert.Equal(("home-visit/hv-j", 5), (Assert.Single(_ratings.Ratings).Subject, _ratings.Ratings[0].Score));

        var notDone = await Find("hv-k");
        Assert.False(VisitRatings.IsRateable(notDone));
        var refused = await _visitRatings.RateAsync(notDone, 1, null, CancellationToken.None);
        Assert.Equal((ProblemKind.Conflict, ErrorCodes.NotApproved), (refused.Error!.Kind, refused.Error.Code));
        Assert.Single(_ratings.Ratings);
    }
}
