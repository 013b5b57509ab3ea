using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Notifications;
using Xunit;

namespace Scheduler.Core.Tests.Notifications;

/// <summary>In memory: the outbox, the send queue, contacts and a provider that answers as scripted.</summary>
internal sealed class Fakes : ISmsStore, ISmsSendQueue, ISmsContacts, ISmsOutbox
{
    private int _etag;
    public Dictionary<string, StoredSms> Rows { get; } = [];
    public Dictionary<string, string> Index { get; } = [];
    public List<(SmsRef Ref, Duration Delay)> Queued { get; } = [];
    public HashSet<string> OptedOut { get; } = [];
    public Dictionary<string, Conversation> Conversations { get; } = [];
    public List<(OutboundSms Message, bool OptedOut)> Enqueued { get; } = [];

    public StoredSms Add(OutboundSms m) => Rows[m.Key] = new StoredSms(m, SmsStatuses.Pending, 0, null, null, null, null, (++_etag).ToString());

    public Task<StoredSms?> GetAsync(SmsRef message, CancellationToken cancellationToken) => Task.FromResult(Rows.GetValueOrDefault(message.Key));

    public Task<string?> ReplaceAsync(SmsRef message, StoredSms next, CancellationToken cancellationToken)
    {
        if (!Rows.TryGetValue(message.Key, out var current) || current.ETag != next.ETag) return Task.FromResult<string?>(null);
        var etag = (++_etag).ToString();
        Rows[message.Key] = next with { ETag = etag };
        return Task.FromResult<string?>(etag);
    }

    public Task<(SmsRef Ref, StoredSms Sms)?> FindByProviderIdAsync(string providerId, CancellationToken cancellationToken) =>
        Task.FromResult<(SmsRef, StoredSms)?>(Index.TryGetValue(providerId, out var key) ? (new SmsRef(Rows[key].Message.To, key), Rows[key]) : null);

    public string CallbackRef(SmsRef message) => "ref-" + message.Key;

    public Task<(SmsRef Ref, StoredSms Sms)?> FindByCallbackRefAsync(string callbackRef, CancellationToken cancellationToken) =>
        Task.FromResult<(SmsRef, StoredSms)?>(callbackRef.StartsWith("ref-", StringComparison.Ordinal) && Rows.TryGetValue(callbackRef[4..], out var row)
            ? (new SmsRef(row.Message.To, row.Message.Key), row) : null);

    public Task EnqueueAsync(SmsRef message, Duration delay, CancellationToken cancellationToken)
    {
        Queued.Add((message, delay));
        return Task.CompletedTask;
    }

    /// <summary>When set, the outbox fails (as storage can) once this many messages were taken.</summary>
    public int? FailAfter { get; set; }

    public Task<OutboxResult> EnqueueAsync(OutboundSms message, bool optedOut, CancellationToken cancellationToken)
    {
        if (Enqueued.Any(e => e.Message.Key == message.Key)) return Task.FromResult(OutboxResult.AlreadyTaken);
        if (Enqueued.Count >= FailAfter) throw new IOException("storage unavailable");
        Enqueued.Add((message, optedOut));
        return Task.FromResult(optedOut ? OutboxResult.OptedOut : OutboxResult.Queued);
    }

    public Task<Conversation?> GetConversationAsync(string e164, CancellationToken cancellationToken) => Task.FromResult(Conversations.GetValueOrDefault(e164));

    public Task SaveConversationAsync(string e164, Conversation conversation, CancellationToken cancellationToken)
    {
        Conversations[e164] = conversation;
        return Task.CompletedTask;
    }

    public Task<bool> IsOptedOutAsync(string e164, CancellationToken cancellationToken) => Task.FromResult(OptedOut.Contains(e164));

    public Task SetOptedOutAsync(string e164, bool optedOut, Instant at, CancellationToken cancellationToken)
    {
        if (optedOut) OptedOut.Add(e164); else OptedOut.Remove(e164);
        return Task.CompletedTask;
    }

    public Task<bool> ClaimInboundAsync(string messageSid, Instant at, CancellationToken cancellationToken) => Task.FromResult(true);
}

internal sealed class ScriptedProvider(params ProviderResult[] answers) : ISmsProvider
{
    private readonly Queue<ProviderResult> _answers = new(answers);
    public List<OutboundSms> Sent { get; } = [];
    public ProviderLookup Lookup { get; set; } = new(true, null, null);
    public int Lookups { get; private set; }

    public List<string> CallbackRefs { get; } = [];

    public Task<ProviderResult> SendAsync(OutboundSms message, string callbackRef, CancellationToken cancellationToken)
    {
        Sent.Add(message);
        CallbackRefs.Add(callbackRef);
        return Task.FromResult(_answers.Count > 0 ? _answers.Dequeue() : new ProviderResult(ProviderOutcome.Accepted, "SM-last", "queued", null));
    }

    public Task<ProviderLookup> FindAsync(OutboundSms message, Instant since, CancellationToken cancellationToken)
    {
        Lookups++;
        return Task.FromResult(Lookup);
    }
}

public sealed class DeliverSmsTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 27, 1, 0);
    private static readonly ProviderResult Error500 = new(ProviderOutcome.Retryable, null, null, "HTTP 500");
    private static readonly ProviderResult Accepted = new(ProviderOutcome.Accepted, "SM1", "queued", null);
    private static readonly ProviderResult Ambiguous = new(ProviderOutcome.Ambiguous, null, null, "timeout");

    private static OutboundSms Message(Instant? notBefore = null) =>
        new("k1", "huli", "+8613912345678", "【湖里政务】您好", SmsKinds.BookingConfirmation, "zh", Now, notBefore ?? Now);

    private static (DeliverSms Deliver, Fakes Fakes, FakeClock Clock) Make(ScriptedProvider provider)
    {
        var fakes = new Fakes();
        var clock = new FakeClock(Now);
        return (new DeliverSms(fakes, fakes, provider, fakes, clock, SmsRetryPolicy.Default, SmsTextRetention.RedactCodes), fakes, clock);
    }

    private static readonly SmsRef Ref = new("+8613912345678", "k1");

    [Fact]
    public async Task Three_500s_then_201_send_exactly_one_message_recorded_sent_after_three_back_offs()
    {
        var provider = new ScriptedProvider(Error500, Error500, Error500, Accepted);
        var (deliver, fakes, _) = Make(provider);
        fakes.Add(Message());

        var steps = new List<string>();
        for (var i = 0; i < 6; i++) steps.Add((await deliver.RunAsync(Ref, CancellationToken.None)).Status);

        Assert.Equal([SmsStatuses.Retrying, SmsStatuses.Retrying, SmsStatuses.Retrying, SmsStatuses.Sent, SmsStatuses.Sent, SmsStatuses.Sent], steps);
        Assert.Equal(4, provider.Sent.Count);
        Assert.Equal([Duration.FromSeconds(10), Duration.FromSeconds(30), Duration.FromMinutes(1)], fakes.Queued.Select(q => q.Delay));
        Assert.Equal(("SM1", SmsStatuses.Sent, 4), (fakes.Rows["k1"].ProviderId, fakes.Rows["k1"].Status, fakes.Rows["k1"].Attempts));
        // Each attempt gave the provider the message's callback reference, and no index row was written for it.
        Assert.All(provider.CallbackRefs, r => Assert.Equal("ref-k1", r));
        Assert.Empty(fakes.Index);
    }

    [Fact]
    public async Task A_verification_code_once_sent_keeps_its_row_without_its_text_and_other_messages_keep_theirs()
    {
        var provider = new ScriptedProvider(Accepted, new ProviderResult(ProviderOutcome.Rejected, null, null, "21211"), Accepted);
        var (deliver, fakes, _) = Make(provider);
        var code = Message() with { Key = "code", Kind = SmsKinds.VerificationCode, Text = "【湖里政务】验证码123456，5分钟内有效。" };
        var refused = code with { Key = "code-2" };
        fakes.Add(code);
        fakes.Add(refused);
        fakes.Add(Message());

        var sent = await deliver.RunAsync(new SmsRef(code.To, code.Key), CancellationToken.None);
        await deliver.RunAsync(new SmsRef(refused.To, refused.Key), CancellationToken.None);
        await deliver.RunAsync(Ref, CancellationToken.None);

        Assert.Equal(code.Text, provider.Sent[0].Text);
        Assert.Equal(code.Text, sent.Ended!.Text); // in hand for the step's metrics, never stored again
        Assert.Equal((SmsStatuses.Sent, SmsTextRetention.RedactedCode), (fakes.Rows["code"].Status, fakes.Rows["code"].Message.Text));
        Assert.Equal((SmsStatuses.Failed, SmsTextRetention.RedactedCode), (fakes.Rows["code-2"].Status, fakes.Rows["code-2"].Message.Text));
        Assert.Equal("【湖里政务】您好", fakes.Rows["k1"].Message.Text);
    }

    [Fact]
    public async Task A_timeout_after_acceptance_is_looked_up_and_found_so_nothing_is_sent_again()
    {
        var provider = new ScriptedProvider(Ambiguous) { Lookup = new ProviderLookup(true, "SM9", "sent") };
        var (deliver, fakes, _) = Make(provider);
        fakes.Add(Message());

        Assert.Equal(SmsStatuses.Sent, (await deliver.RunAsync(Ref, CancellationToken.None)).Status);
        Assert.Equal(SmsStatuses.Sent, (await deliver.RunAsync(Ref, CancellationToken.None)).Status);

        Assert.Single(provider.Sent);
        Assert.Equal(1, provider.Lookups);
        Assert.Equal("SM9", fakes.Rows["k1"].ProviderId);
    }

    [Fact]
    public async Task A_timeout_whose_look_up_fails_is_recorded_uncertain_and_never_sent_again()
    {
        var provider = new ScriptedProvider(Ambiguous) { Lookup = new ProviderLookup(false, null, null) };
        var (deliver, fakes, _) = Make(provider);
        fakes.Add(Message());

        Assert.Equal(SmsStatuses.Uncertain, (await deliver.RunAsync(Ref, CancellationToken.None)).Status);
        await deliver.RunAsync(Ref, CancellationToken.None);

        Assert.Single(provider.Sent);
        Assert.Empty(fakes.Queued);
    }

    [Fact]
    public async Task A_timeout_the_provider_has_no_record_of_is_sent_again_after_a_back_off()
    {
        var provider = new ScriptedProvider(Ambiguous, Accepted);
        var (deliver, fakes, _) = Make(provider);
        fakes.Add(Message());

        Assert.Equal(SmsStatuses.Retrying, (await deliver.RunAsync(Ref, CancellationToken.None)).Status);
        Assert.Equal(SmsStatuses.Sent, (await deliver.RunAsync(Ref, CancellationToken.None)).Status);
        Assert.Equal(2, provider.Sent.Count);
    }

    [Fact]
    public async Task An_attempt_that_died_in_flight_is_looked_up_once_its_grace_has_passed_not_sent_blindly()
    {
        var provider = new ScriptedProvider() { Lookup = new ProviderLookup(true, "SM5", "delivered") };
        var (deliver, fakes, clock) = Make(provider);
        var m = Message();
        fakes.Rows["k1"] = new StoredSms(m, SmsStatuses.InFlight, 1, Now, null, null, null, "e1");

        Assert.Equal(SmsStatuses.InFlight, (await deliver.RunAsync(Ref, CancellationToken.None)).Status);
        clock.Advance(SmsRetryPolicy.Default.InFlightGrace + Duration.FromSeconds(1));
        Assert.Equal(SmsStatuses.Sent, (await deliver.RunAsync(Ref, CancellationToken.None)).Status);
        Assert.Empty(provider.Sent);
    }

    [Fact]
    public async Task Error_21610_records_the_recipient_as_opted_out_and_other_4xx_as_failed_with_the_code()
    {
        var provider = new ScriptedProvider(new ProviderResult(ProviderOutcome.OptedOut, null, null, "21610: the recipient opted out"));
        var (deliver, fakes, _) = Make(provider);
        fakes.Add(Message());
        Assert.Equal(SmsStatuses.OptedOut, (await deliver.RunAsync(Ref, CancellationToken.None)).Status);
        Assert.Contains("+8613912345678", fakes.OptedOut);

        var rejecting = new ScriptedProvider(new ProviderResult(ProviderOutcome.Rejected, null, null, "HTTP 400 21211: invalid To"));
        var (deliver2, fakes2, _) = Make(rejecting);
        fakes2.Add(Message());
        Assert.Equal(SmsStatuses.Failed, (await deliver2.RunAsync(Ref, CancellationToken.None)).Status);
        Assert.Contains("21211", fakes2.Rows["k1"].Error);
        Assert.Single(rejecting.Sent);
    }

    [Fact]
    public async Task Retries_stop_after_the_policy_and_the_message_is_failed()
    {
        var provider = new ScriptedProvider(Enumerable.Repeat(Error500, 10).ToArray());
        var (deliver, fakes, _) = Make(provider);
        fakes.Add(Message());
        for (var i = 0; i < 10; i++) await deliver.RunAsync(Ref, CancellationToken.None);
        Assert.Equal(SmsRetryPolicy.Default.Backoff.Count, provider.Sent.Count);
        Assert.Equal(SmsStatuses.Failed, fakes.Rows["k1"].Status);
        Assert.StartsWith("gave up after 6 attempts", fakes.Rows["k1"].Error);
    }

    [Fact]
    public async Task A_message_held_for_the_quiet_hours_waits_on_the_queue_until_they_end()
    {
        var provider = new ScriptedProvider();
        var (deliver, fakes, _) = Make(provider);
        fakes.Add(Message(Now + Duration.FromHours(3)));
        await deliver.RunAsync(Ref, CancellationToken.None);
        Assert.Empty(provider.Sent);
        Assert.Equal(Duration.FromHours(3), Assert.Single(fakes.Queued).Delay);
    }

    [Fact]
    public async Task A_status_callback_never_moves_a_status_backwards()
    {
        var fakes = new Fakes();
        var m = Message();
        fakes.Rows["k1"] = new StoredSms(m, SmsStatuses.Sent, 1, Now, "SM1", "queued", null, "e1");
        var record = new RecordSmsStatus(fakes);

        Assert.True(await record.RecordAsync("SM1", "sent", null, "ref-k1", CancellationToken.None));
        Assert.True(await record.RecordAsync("SM1", "delivered", null, "ref-k1", CancellationToken.None));
        Assert.False(await record.RecordAsync("SM1", "sent", null, "ref-k1", CancellationToken.None));
        Assert.False(await record.RecordAsync("SM1", "delivered", null, "ref-k1", CancellationToken.None));
        Assert.False(await record.RecordAsync("SM-unknown", "delivered", null, null, CancellationToken.None));
        Assert.False(await record.RecordAsync("SM1", "read", null, "ref-unknown", CancellationToken.None));
        // A callback naming this message with another provider id is not about it.
        Assert.False(await record.RecordAsync("SM2", "read", null, "ref-k1", CancellationToken.None));
        Assert.Equal("delivered", fakes.Rows["k1"].ProviderStatus);
    }

    [Fact]
    public async Task A_callback_for_a_message_sent_before_callbacks_named_theirs_is_found_by_the_providers_id()
    {
        var fakes = new Fakes();
        fakes.Rows["k1"] = new StoredSms(Message(), SmsStatuses.Sent, 1, Now, "SM1", "queued", null, "e1");
        fakes.Index["SM1"] = "k1";
        Assert.True(await new RecordSmsStatus(fakes).RecordAsync("SM1", "delivered", null, "", CancellationToken.None));
        Assert.Equal("delivered", fakes.Rows["k1"].ProviderStatus);
    }
}

public sealed class SmsNotifierTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 27, 1, 0);

    private static CentreSnapshot Centre(string? phone = "12345")
    {
        var profile = CentreCalendarTests.Profile();
        profile = profile with { Centre = profile.Centre with { Phone = phone } };
        return new CentreSnapshot(profile, new CentreCalendar(profile, [], DateTimeZoneProviders.Tzdb["Asia/Shanghai"]), BookingRules.Default);
    }

    private static Dictionary<string, string?> Values => new() { ["name"] = "李芳", ["service"] = "养老认证", ["time"] = "11月30日 09:00", ["link"] = "http://x/l/a/1/m" };

    [Fact]
    public async Task A_malformed_number_is_refused_with_the_reason_so_the_event_goes_to_poison()
    {
        var fakes = new Fakes();
        var notifier = new SmsNotifier(fakes, fakes, new FakeClock(Now), NotificationSettings.Default);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
            notifier.SendAsync(Centre(), "k", "13912345678x", SmsKinds.BookingConfirmation, "zh", Values, null, CancellationToken.None));
        Assert.Contains("E.164", e.Message);
        Assert.Empty(fakes.Enqueued);
    }

    [Fact]
    public async Task A_centre_without_a_phone_number_cannot_send_a_call_us_message()
    {
        var fakes = new Fakes();
        var notifier = new SmsNotifier(fakes, fakes, new FakeClock(Now), NotificationSettings.Default);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
            notifier.SendAsync(Centre(phone: null), "k", "+8613912345678", SmsKinds.BookingConfirmation, "zh", Values, null, CancellationToken.None));
        Assert.Contains("'phone'", e.Message);
    }

    [Fact]
    public async Task An_opted_out_number_gets_its_message_recorded_not_sent_but_still_a_verification_code()
    {
        var fakes = new Fakes();
        fakes.OptedOut.Add("+8613912345678");
        var notifier = new SmsNotifier(fakes, fakes, new FakeClock(Now), NotificationSettings.Default);

        Assert.Equal(OutboxResult.OptedOut, await notifier.SendAsync(Centre(), "k1", "+8613912345678", SmsKinds.BookingConfirmation, "zh", Values, null, CancellationToken.None));
        Assert.Equal(OutboxResult.Queued, await notifier.SendAsync(Centre(), "k2", "+8613912345678", SmsKinds.VerificationCode, "zh",
            new Dictionary<string, string?> { ["code"] = "123456", ["minutes"] = "5" }, null, CancellationToken.None));
        Assert.Equal([true, false], fakes.Enqueued.Select(e => e.OptedOut));
    }

    [Fact]
    public async Task A_reminder_decided_at_night_waits_for_the_morning_and_a_code_goes_at_once()
    {
        var fakes = new Fakes();
        var night = Instant.FromUtc(2026, 11, 27, 14, 30); // 22:30 in Xiamen
        var notifier = new SmsNotifier(fakes, fakes, new FakeClock(night), NotificationSettings.Default);
        var values = new Dictionary<string, string?>(Values) { ["address"] = "湖里大道" };
        await notifier.SendAsync(Centre(), "r", "+8613912345678", SmsKinds.DayBeforeReminder, "zh", values, null, CancellationToken.None);
        await notifier.SendAsync(Centre(), "c", "+8613912345678", SmsKinds.VerificationCode, "zh", new Dictionary<string, string?> { ["code"] = "1", ["minutes"] = "5" }, null, CancellationToken.None);
        Assert.Equal([Instant.FromUtc(2026, 11, 28, 0, 0), night], fakes.Enqueued.Select(e => e.Message.NotBefore));
        Assert.Contains("12345", fakes.Enqueued[0].Message.Text);
    }
}
