using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Residents;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests.HomeVisits;

/// <summary>Home-visit requests and planning wired to in-memory ports, the clock at Friday 2026-11-27 09:00.</summary>
public sealed class PlanningWorld
{
    public PlanningWorld(CentreProfile? profile = null)
    {
        var centres = new OneCentre(TestCentre.Snapshot(profile));
        var audit = new AuditTrail(Audit, Clock);
        Pseudonyms = new Scheduler.Core.Privacy.Pseudonyms(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        Verification = new Identity.PhoneVerification(Verifications, centres, new ChineseMobiles(),
            new Scheduler.Core.Notifications.SmsNotifier(Sms, Sms, Clock, Scheduler.Core.Notifications.NotificationSettings.Default),
            Pseudonyms, Clock, Identity.PhoneVerificationSettings.Default, Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());
        var notifications = Notifications = new Scheduler.Core.Notifications.HomeVisitNotifications(new Scheduler.Core.Notifications.SmsNotifier(Sms, Sms, Clock, Scheduler.Core.Notifications.NotificationSettings.Default), centres, Clock, new Scheduler.Core.Notifications.ShortLinks(new byte[32], "https://centre.example", "huli"));
        Requests = new HomeVisitService(RequestStore, centres, new ChineseMobiles(), new ReversingProtector(), notifications, audit, Clock,
            HomeVisitShiftRules.Default, EligibilityRules.Default,
            new Scheduler.Core.Abuse.RateLimiter(new InMemoryRateCounter(), new Scheduler.Core.Abuse.RateLimitSettings(new Dictionary<string, Scheduler.Core.Abuse.RateLimit>
            {
                ["home-visit-mobile"] = new(3, Duration.FromDays(1)),
                ["home-visit-resident"] = new(3, Duration.FromDays(1)),
            }), Clock),
            Pseudonyms, Verification);
        Planning = new HomeVisitPlanning(Runs, Queue, Solver, Requests, centres, notifications, audit, Clock, new PlanningSettings(Duration.FromSeconds(2)), Joint);
        Decisions = new HomeVisitDecisions(Requests, Planning);
        Schedules = new StaffScheduleQuery(Runs, Requests);
    }

    public FakeClock Clock { get; } = new(TestCentre.Now);
    public InMemoryPlanRunStore Runs { get; } = new();
    public RecordingPlanQueue Queue { get; } = new();
    public StubSolver Solver { get; } = new();
    public StubJoint Joint { get; } = new();
    public InMemoryHomeVisitStore RequestStore { get; } = new();
    public RecordingSms Sms { get; } = new();
    public InMemoryAuditLog Audit { get; } = new();
    public InMemoryPhoneVerifications Verifications { get; } = new();
    public Identity.PhoneVerification Verification { get; }
    public Scheduler.Core.Privacy.Pseudonyms Pseudonyms { get; }

    /// <summary>A device's proof of <paramref name="e164"/>, earned by the code sent to it (the code's SMS goes out as any would).</summary>
    public async Task<string> ProofAsync(string e164)
    {
        var sent = await Verification.SendCodeAsync(TestCentre.Id, e164, "zh", CancellationToken.None);
        Assert.True(sent.Error is null, $"code refused: {sent.Error}");
        var code = System.Text.RegularExpressions.Regex.Match(Sms.Sent[^1].Text, "[0-9]{6}").Value;
        var proof = await Verification.CheckCodeAsync(TestCentre.Id, e164, code, CancellationToken.None);
        Assert.True(proof.Error is null, $"verification refused: {proof.Error}");
        return proof.Value!.Value;
    }
    public HomeVisitService Requests { get; }
    public Scheduler.Core.Notifications.HomeVisitNotifications Notifications { get; }
    public HomeVisitPlanning Planning { get; }
    public HomeVisitDecisions Decisions { get; }
    public StaffScheduleQuery Schedules { get; }

    public static readonly Identity.Caller Dispatcher = new Identity.StaffCaller("dispatch", "Dispatcher", new HashSet<string> { "dispatcher" });

    /// <summary>A request stored as if submitted earlier, with one window 09:00-11:00 on <paramref name="date"/>.</summary>
    public HomeVisitRequest Stored(string id, LocalDate date, HomeVisitStatus status, string name = "王秀英", string mobile = "+8613900000011")
    {
        var request = new HomeVisitRequest(id, TestCentre.Id, name, mobile, null, 82, EligibilityReason.Aged60Plus, new GeoPoint(24.50, 118.15),
            $"湖里区{id}号", TestCentre.HomeItem, [new VisitWindow(date, new LocalTime(9, 0), new LocalTime(11, 0))], VisitUrgency.Routine, $"notes of {id}",
            "web", new EligibilityAssessment(true, "Aged 82."), status, null, TestCentre.Now, "anonymous", id);
        RequestStore.Put(request);
        return request;
    }

    /// <summary>A plan of <paramref name="date"/>: s01 visits a then b; s02 joins s01 at a.</summary>
    public static HomeVisitPlan Plan(LocalDate date, string a, string b) => new(TestCentre.Id, date,
        [
            new StaffRoute("s01", new LocalTime(8, 30), new LocalTime(11, 30),
                [new RouteStop(a, new LocalTime(9, 10), new LocalTime(9, 15), new LocalTime(9, 45)), new RouteStop(b, new LocalTime(10, 0), new LocalTime(10, 0), new LocalTime(10, 30))],
                new PlannedBreak(new LocalTime(12, 0), new LocalTime(13, 0))),
            new StaffRoute("s02", new LocalTime(8, 45), new LocalTime(10, 15), [new RouteStop(a, new LocalTime(9, 12), new LocalTime(9, 15), new LocalTime(9, 45))], null),
        ],
        [], new PlanKpis(2, 0, Duration.FromMinutes(40), 12_000, Duration.Zero, []));

    /// <summary>A run of <paramref name="date"/> stored in <paramref name="status"/> with <paramref name="plan"/>.</summary>
    public PlanRun Run(string id, LocalDate date, PlanRunStatus status, HomeVisitPlan? plan = null)
    {
        var run = new PlanRun(id, TestCentre.Id, date, status, TestCentre.Now, "staff:dispatch", null, null, plan, [], null, null);
        Runs.Put(run);
        return run;
    }
}

/// <summary>
/// Plans jointly as the test says: by default the centre does not (null); <see cref="Prices"/> set, one round solved
/// with them and reported with <see cref="Summary"/>. Remembers the limits it was given.
/// </summary>
public sealed class StubJoint : IJointPlanning
{
    public IReadOnlyDictionary<string, long>? Prices { get; set; }
    public string Summary { get; set; } = "planned with the hall";
    public Exception? Throws { get; set; }
    public List<(LocalDate Date, Duration TimeLimit)> Calls { get; } = [];

    public async Task<JointOutcome?> PlanAsync(CentreSnapshot centre, LocalDate date, HomeVisitShiftRules shifts, Duration timeLimit,
        Func<IReadOnlyDictionary<string, long>, Duration, Task<DayPlanOutcome>> solve, CancellationToken cancellationToken)
    {
        Calls.Add((date, timeLimit));
        if (Throws is not null) throw Throws;
        return Prices is null ? null : new JointOutcome(await solve(Prices, timeLimit / 2), Summary);
    }
}
