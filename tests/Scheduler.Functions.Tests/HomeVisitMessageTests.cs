using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Core.Residents;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Home-visit messages cannot be lost (ADR 0016, addendum): a change owes its message in its own transaction, and
/// what a failure between the save and the send left is sent by the sweep, once. The failures are injected in the
/// SMS outbox of use cases built over the dev host's real storage; the sweep is the host's timer, run now.
/// </summary>
public sealed class HomeVisitMessageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeClock _clock = SchedulerHost.DemoClock();
    private TestDevHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await SchedulerHost.StartAsync(azurite.ConnectionString, _clock, s => { s["Sms__Provider"] = "local"; s["Twilio__AuthToken"] = Sms.LocalToken; });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    /// <summary>
    /// An outbox that fails its next <see cref="Failures"/> calls, as a process stopping would: before taking the
    /// message, or (<paramref name="afterTaking"/>) after the message is taken but before the change can mark it sent.
    /// </summary>
    private sealed class BrokenOutbox(ISmsOutbox inner, bool afterTaking) : ISmsOutbox
    {
        public int Failures { get; set; } = 1;

        public async Task<OutboxResult> EnqueueAsync(OutboundSms message, bool optedOut, CancellationToken cancellationToken)
        {
            if (Failures <= 0) return await inner.EnqueueAsync(message, optedOut, cancellationToken);
            Failures--;
            if (afterTaking) await inner.EnqueueAsync(message, optedOut, cancellationToken);
            throw new IOException("injected: the process stopped between the save and the send");
        }
    }

    private HomeVisitNotifications NotificationsThrough(ISmsOutbox outbox)
    {
        var sp = _host.Services;
        return new HomeVisitNotifications(new SmsNotifier(outbox, sp.GetRequiredService<ISmsContacts>(), _clock, sp.GetRequiredService<NotificationSettings>()),
            sp.GetRequiredService<ICentreDirectory>(), _clock, sp.GetRequiredService<ShortLinks>());
    }

    private HomeVisitService ServiceThrough(ISmsOutbox outbox) =>
        ActivatorUtilities.CreateInstance<HomeVisitService>(_host.Services, NotificationsThrough(outbox));

    private async Task SweepAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/SweepHomeVisitMessages") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("x-functions-key", _host.Keys.MasterKey);
        using var response = await _host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"sweep: {(int)response.StatusCode}");
    }

    private async Task<int> CountAsync(string to, string kind)
    {
        await Task.Delay(300, TestContext.Current.CancellationToken);
        return Sms.Count(await Sms.InboxAsync(_host.Client, to), kind);
    }

    private IHomeVisitStore Store => _host.Services.GetRequiredService<IHomeVisitStore>();

    [Fact]
    public async Task A_received_message_lost_between_the_save_and_the_send_goes_once_after_the_sweep_and_never_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var mobile = NewMobile();
        var to = "+86" + mobile;
        var service = ServiceThrough(new BrokenOutbox(_host.Services.GetRequiredService<ISmsOutbox>(), afterTaking: false));
        var submitted = await service.SubmitAsync("huli", new SubmitHomeVisit("林秀兰", mobile, null, EligibilityReason.BedriddenOrSeriouslyIll, new LocationInput(24.52, 118.12),
            "湖里区县后社区12号301室", "pension-certification", [new WindowInput(new LocalDate(2026, 12, 9), new LocalTime(9, 0), new LocalTime(11, 0))], null, null),
            new SystemCaller("test"), "web", ct); // verified mobiles are VerificationTests' and HomeVisitTests' subject

        // The request stands (no error for the resident, who would be told it exists if they tried again), its message is owed.
        Assert.Null(submitted.Error);
        var id = submitted.Value!.Id;
        Assert.Equal(0, await CountAsync(to, SmsKinds.HomeVisitReceived));
        Assert.Contains(await Store.OwedMessagesAsync("huli", ct), o => o.Request.Id == id && o.Event == VisitMessageEvent.Received);

        // A sweep within five minutes leaves it to the change that may still be sending it.
        await SweepAsync();
        Assert.Equal(0, await CountAsync(to, SmsKinds.HomeVisitReceived));

        _clock.Advance(Duration.FromMinutes(6));
        await SweepAsync();
        await SweepAsync();
        var inbox = await Sms.WaitForAsync(_host.Client, to, SmsKinds.HomeVisitReceived);
        Assert.Equal(1, Sms.Count(inbox, SmsKinds.HomeVisitReceived));
        Assert.Contains("养老金资格认证", Sms.Latest(inbox, SmsKinds.HomeVisitReceived).GetProperty("text").GetString());
        Assert.DoesNotContain(await Store.OwedMessagesAsync("huli", ct), o => o.Request.Id == id);
        _clock.Advance(Duration.FromMinutes(6));
        await SweepAsync();
        Assert.Equal(1, await CountAsync(to, SmsKinds.HomeVisitReceived));
    }

    [Fact]
    public async Task A_decision_whose_message_was_taken_but_not_marked_is_sent_once_through_a_retry_and_the_sweep()
    {
        var ct = TestContext.Current.CancellationToken;
        var mobile = NewMobile();
        var to = "+86" + mobile;
        var working = ServiceThrough(_host.Services.GetRequiredService<ISmsOutbox>());
        var submitted = await working.SubmitAsync("huli", new SubmitHomeVisit("陈阿婆", mobile, null, EligibilityReason.BedriddenOrSeriouslyIll, new LocationInput(24.52, 118.12),
            "湖里区县后社区8号", "pension-certification", [new WindowInput(new LocalDate(2026, 12, 10), new LocalTime(9, 0), new LocalTime(11, 0))], null, null),
            new SystemCaller("test"), "web", ct); // verified mobiles are VerificationTests' and HomeVisitTests' subject
        var id = submitted.Value!.Id;
        await Sms.WaitForAsync(_host.Client, to, SmsKinds.HomeVisitReceived);

        // The outbox takes the rejection, then the process "stops" before the change marks it sent: it stays owed.
        _clock.Advance(Duration.FromSeconds(1));
        var broken = ServiceThrough(new BrokenOutbox(_host.Services.GetRequiredService<ISmsOutbox>(), afterTaking: true));
        var dispatcher = new StaffCaller("dispatcher-wu", "吴", new HashSet<string> { Scheduler.Core.Staffing.Roles.Dispatcher });
        var rejected = await broken.DecideAsync("huli", id, DecisionKind.Reject, "该事项须本人到窗口办理", dispatcher, ct);
        Assert.Null(rejected.Error);
        Assert.Contains(await Store.OwedMessagesAsync("huli", ct), o => o.Request.Id == id && o.Event == VisitMessageEvent.Decided);

        // The dispatcher's retry and two sweeps past the sweep age: still one rejection, with its reason, and nothing owed.
        var again = await working.DecideAsync("huli", id, DecisionKind.Reject, "该事项须本人到窗口办理", dispatcher, ct);
        Assert.Null(again.Error);
        _clock.Advance(Duration.FromMinutes(6));
        await SweepAsync();
        await SweepAsync();
        var inbox = await Sms.WaitForAsync(_host.Client, to, SmsKinds.HomeVisitRejected);
        Assert.Equal(1, Sms.Count(inbox, SmsKinds.HomeVisitRejected));
        Assert.Contains("该事项须本人到窗口办理", Sms.Latest(inbox, SmsKinds.HomeVisitRejected).GetProperty("text").GetString());
        Assert.Equal(1, Sms.Count(inbox, SmsKinds.HomeVisitReceived));
        Assert.DoesNotContain(await Store.OwedMessagesAsync("huli", ct), o => o.Request.Id == id);
    }

    [Fact]
    public async Task A_published_plan_whose_visit_times_failed_tells_each_resident_once_after_the_sweep()
    {
        var ct = TestContext.Current.CancellationToken;
        var day = new LocalDate(2026, 12, 8);
        var id = $"hv-owed-{Guid.NewGuid():N}"[..20];
        var mobile = NewMobile();
        var to = "+86" + mobile;
        var request = new HomeVisitRequest(id, "huli", "林秀兰", to, null, 82, EligibilityReason.Aged60Plus, new GeoPoint(24.52, 118.12), "湖里区县后社区12号",
            "pension-certification", [new VisitWindow(day, new LocalTime(9, 0), new LocalTime(11, 0))], VisitUrgency.Routine, null, "web",
            new EligibilityAssessment(true, "Aged 82."), HomeVisitStatus.Approved, new Decision(HomeVisitStatus.Approved, "staff:dispatch", SchedulerHost.DemoNow, null),
            SchedulerHost.DemoNow, "anonymous", id);
        Assert.True(await Store.AddAsync(request, ct));
        var plan = new HomeVisitPlan("huli", day,
            [new StaffRoute("s01", new LocalTime(9, 30), new LocalTime(11, 0), [new RouteStop(id, new LocalTime(9, 55), new LocalTime(10, 0), new LocalTime(10, 30))], null)],
            [], new PlanKpis(1, 0, Duration.FromMinutes(20), 5_000, Duration.Zero, []));
        var runs = _host.Services.GetRequiredService<IPlanRunStore>();
        var run = new PlanRun($"20261208-{id}", "huli", day, PlanRunStatus.Solved, SchedulerHost.DemoNow, "staff:dispatch", null, null, plan, [], null, null);
        Assert.True(await runs.AddAsync(run, ct));

        var outbox = new BrokenOutbox(_host.Services.GetRequiredService<ISmsOutbox>(), afterTaking: false);
        var notifications = NotificationsThrough(outbox);
        var planning = ActivatorUtilities.CreateInstance<HomeVisitPlanning>(_host.Services, notifications,
            ActivatorUtilities.CreateInstance<HomeVisitService>(_host.Services, notifications));
        var published = await planning.PublishAsync("huli", run.Id, new StaffCaller("dispatcher-wu", "吴", new HashSet<string> { Scheduler.Core.Staffing.Roles.Dispatcher }), ct);
        Assert.Null(published.Error);
        Assert.Equal(PlanRunStatus.Published, (await runs.GetAsync("huli", run.Id, ct))!.Run.Status);
        Assert.Equal(0, await CountAsync(to, SmsKinds.VisitTimePublished));
        Assert.Contains(await runs.UntoldAsync("huli", day, day, ct), u => u.Run.Id == run.Id);

        _clock.Advance(Duration.FromMinutes(6));
        await SweepAsync();
        await SweepAsync();
        var inbox = await Sms.WaitForAsync(_host.Client, to, SmsKinds.VisitTimePublished);
        Assert.Equal(1, Sms.Count(inbox, SmsKinds.VisitTimePublished));
        Assert.Contains("10:00", Sms.Latest(inbox, SmsKinds.VisitTimePublished).GetProperty("text").GetString());
        Assert.DoesNotContain(await runs.UntoldAsync("huli", day, day, ct), u => u.Run.Id == run.Id);

        // Publishing again (a dispatcher's retry) sends nothing more.
        Assert.Null((await planning.PublishAsync("huli", run.Id, new StaffCaller("dispatcher-wu", "吴", new HashSet<string> { Scheduler.Core.Staffing.Roles.Dispatcher }), ct)).Error);
        Assert.Equal(1, await CountAsync(to, SmsKinds.VisitTimePublished));
    }
}
