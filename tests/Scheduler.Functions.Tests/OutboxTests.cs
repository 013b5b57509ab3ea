using System.Text.Json;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Testing;
using Xunit;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Notifications;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The appointment events' outbox on Azurite: an event whose queue send fails is not lost (the sweep sends it),
/// a redelivered event is audited once, and a message that is not an event is refused with its reason.
/// Each test uses a centre id of its own, so its partition is its own.
/// </summary>
public sealed class OutboxTests(AzuriteFixture azurite)
{
    private static readonly Instant Now = SchedulerHost.DemoNow;

    private static Appointment NewAppointment(string centreId) => new(
        $"social.{Guid.NewGuid():N}"[..27], centreId, "social", "pension-certification", false, ["pension-certification"],
        new LocalDate(2026, 12, 1), new LocalTime(9, 0), new LocalTime(9, 15), 1, "Asia/Shanghai", "李芳", "+8613900000001", "resident-key",
        null, null, "zh", AppointmentStatus.Booked, Now, "anonymous", null, Now);

    private StorageClients Clients(bool queuesReachable) => TestStorage.Clients(azurite.ConnectionString, queuesReachable);

    private async Task<TableClient> AppointmentsAsync()
    {
        var table = new TableClient(azurite.ConnectionString, StorageNames.AppointmentsTable);
        await table.CreateIfNotExistsAsync();
        return table;
    }

    [Fact]
    public async Task An_event_whose_queue_send_fails_stays_in_the_outbox_and_the_sweep_sends_it_once_old_enough()
    {
        var table = await AppointmentsAsync();
        var clock = new FakeClock(Now);
        var broken = Clients(queuesReachable: false);
        var store = new TableAppointmentStore(broken, new AppointmentEventPublisher(broken, clock, NullLogger<AppointmentEventPublisher>.Instance),
            new AvailabilitySummaries(broken, clock), NullLogger<TableAppointmentStore>.Instance);
        var centre = $"outbox{Guid.NewGuid():N}"[..20];
        var a = NewAppointment(centre);
        var e = AppointmentEvent.Of(AppointmentEventTypes.Booked, a, AnonymousCaller.Instance, Now);

        var outcome = await store.CommitAsync(new SlotChange(a, null, [new SlotKey(a.Date, a.Start)], [], _ => true, e,
            new LedgerWrite("mobile-key", BookerLedger.Empty, null)), CancellationToken.None);

        Assert.Equal(CommitOutcome.Committed, outcome);
        Assert.True((await table.GetEntityIfExistsAsync<TableEntity>(centre, AppointmentEventPublisher.Row(e.EventId))).HasValue, "the event waits in the outbox");

        var working = Clients(queuesReachable: true);
        await working.Queues.GetQueueClient(StorageNames.AppointmentEventsQueue).CreateIfNotExistsAsync();
        var sweeper = new AppointmentEventPublisher(working, clock, NullLogger<AppointmentEventPublisher>.Instance);
        clock.Advance(AppointmentEventPublisher.SweepAge - Duration.FromSeconds(1));
        Assert.Equal(0, await sweeper.SweepAsync([centre], CancellationToken.None));
        clock.Advance(Duration.FromSeconds(2));
        Assert.Equal(1, await sweeper.SweepAsync([centre], CancellationToken.None));

        // The queue is shared with the dev hosts of other tests, which may take the event first: then they either handle
        // it (its outbox row goes) or fail on it (this test's centre has no profile) and note why, under its key.
        var queue = working.Queues.GetQueueClient(StorageNames.AppointmentEventsQueue);
        var key = Scheduler.Core.Operations.PoisonWatch.KeyOf(System.Text.Json.JsonSerializer.Serialize(e, Json.Options));
        var failures = new TableClient(azurite.ConnectionString, StorageNames.PoisonTable);
        await failures.CreateIfNotExistsAsync();
        var seen = false;
        for (var i = 0; i < 150 && !seen; i++)
        {
            var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(5))).Value;
            seen = messages.Any(m => AppointmentEventFunctions.Parse(m.Body.ToString()).EventId == e.EventId)
                   || !(await table.GetEntityIfExistsAsync<TableEntity>(centre, AppointmentEventPublisher.Row(e.EventId))).HasValue
                   || (await failures.GetEntityIfExistsAsync<TableEntity>($"failure|{StorageNames.AppointmentEventsQueue}", key)).HasValue;
            if (!seen) await Task.Delay(100);
        }
        Assert.True(seen, "the swept event reached the queue");
    }

    [Fact]
    public async Task An_event_delivered_twice_is_audited_once_and_leaves_the_outbox()
    {
        var table = await AppointmentsAsync();
        var clients = Clients(queuesReachable: true);
        await clients.Tables.GetTableClient(StorageNames.AuditTable).CreateIfNotExistsAsync();
        var clock = new FakeClock(Now);
        var publisher = new AppointmentEventPublisher(clients, clock, NullLogger<AppointmentEventPublisher>.Instance);
        var centre = $"outbox{Guid.NewGuid():N}"[..20];
        var e = AppointmentEvent.Of(AppointmentEventTypes.Cancelled, NewAppointment(centre), AnonymousCaller.Instance, Now);
        await table.AddEntityAsync(AppointmentEventPublisher.OutboxRow(centre, e));
        var audit = new TableAuditLog(clients);
        var handle = new HandleAppointmentEvent(Store(clients, publisher, clock), new AuditTrail(audit, clock), publisher, Notify(clients, publisher, clock));

        var first = await handle.HandleAsync(e, CancellationToken.None);
        await handle.HandleAsync(e, CancellationToken.None);

        // The appointment itself was never stored: nobody to tell, and no reason to retry.
        Assert.Contains("no longer exists", first.Skipped);

        var entries = await audit.ReadDayAsync(centre, new LocalDate(2026, 11, 27), 10, CancellationToken.None);
        var entry = Assert.Single(entries);
        Assert.Equal(("appointment.cancelled", $"appointment/{e.AppointmentId}", "anonymous", Now), (entry.Action, entry.Subject, entry.Actor, entry.At));
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>(centre, AppointmentEventPublisher.Row(e.EventId))).HasValue);
    }

    [Fact]
    public async Task Events_handled_together_are_audited_once_each_and_all_leave_the_outbox_even_when_some_come_twice()
    {
        var table = await AppointmentsAsync();
        var clients = Clients(queuesReachable: true);
        await clients.Tables.GetTableClient(StorageNames.AuditTable).CreateIfNotExistsAsync();
        var clock = new FakeClock(Now);
        var publisher = new AppointmentEventPublisher(clients, clock, NullLogger<AppointmentEventPublisher>.Instance);
        var centre = $"outbox{Guid.NewGuid():N}"[..20];
        var events = Enumerable.Range(0, 40).Select(i => AppointmentEvent.Of(AppointmentEventTypes.Cancelled, NewAppointment(centre), AnonymousCaller.Instance,
            Now + Duration.FromSeconds(i))).ToList();
        foreach (var e in events) await table.AddEntityAsync(AppointmentEventPublisher.OutboxRow(centre, e));
        var audit = new TableAuditLog(clients);
        var handle = new HandleAppointmentEvent(Store(clients, publisher, clock), new AuditTrail(audit, clock), publisher, Notify(clients, publisher, clock));

        // 40 events at once, every fourth delivered twice at the same moment: their audit entries and outbox deletes go
        // in shared transactions, and a transaction holding a row deleted meanwhile falls back to single calls.
        var deliveries = events.Concat(events.Where((_, i) => i % 4 == 0)).ToList();
        await Task.WhenAll(deliveries.Select(e => Task.Run(() => handle.HandleAsync(e, CancellationToken.None))));
        await handle.HandleAsync(events[1], CancellationToken.None); // and one again later, alone

        var entries = await audit.ReadDayAsync(centre, new LocalDate(2026, 11, 27), 100, CancellationToken.None);
        Assert.Equal(40, entries.Count);
        Assert.Equal(events.Select(e => e.At).Order(), entries.Select(e => e.At).Order());
        var left = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(x => x.PartitionKey == centre && x.RowKey.CompareTo("event|") >= 0 && x.RowKey.CompareTo("event|~") < 0)) left++;
        Assert.Equal(0, left);
    }

    [Fact]
    public async Task Messages_to_one_number_decided_at_the_same_time_leave_the_newest_conversation_whatever_the_order()
    {
        var clients = Clients(queuesReachable: true);
        await clients.Tables.GetTableClient(StorageNames.SmsTable).CreateIfNotExistsAsync();
        var contacts = new TableSmsOutbox(clients, new Scheduler.Core.Privacy.Pseudonyms(new byte[32]));
        var to = "+86139" + Random.Shared.Next(10_000_000, 99_999_999);
        var conversations = Enumerable.Range(0, 12).Select(i => new Scheduler.Core.Notifications.Conversation("huli", $"appointment/a{i}", "zh",
            Scheduler.Core.Notifications.ChoiceMode.None, [], Now, null, null, Now + Duration.FromSeconds(i))).OrderBy(_ => Random.Shared.Next()).ToList();

        var optedOut = await Task.WhenAll(conversations.Select(c => Task.Run(() => contacts.KeepConversationAsync(to, c, CancellationToken.None))));

        Assert.All(optedOut, Assert.False);
        Assert.Equal("appointment/a11", (await contacts.GetConversationAsync(to, CancellationToken.None))!.Subject);
        await contacts.SetOptedOutAsync(to, true, Now, CancellationToken.None);
        Assert.True(await contacts.KeepConversationAsync(to, conversations[0] with { At = Now + Duration.FromDays(1) }, CancellationToken.None));
        Assert.Equal("appointment/a11", (await contacts.GetConversationAsync(to, CancellationToken.None))!.Subject);
    }

    private sealed class NoCentres : ICentreDirectory
    {
        public Task<CentreSnapshot?> GetAsync(string centreId, CancellationToken cancellationToken) => Task.FromResult<CentreSnapshot?>(null);
    }

    private static TableAppointmentStore Store(StorageClients clients, AppointmentEventPublisher publisher, IClock clock) =>
        new(clients, publisher, new AvailabilitySummaries(clients, clock), NullLogger<TableAppointmentStore>.Instance);

    private static Scheduler.Core.Notifications.NotifyAppointmentEvent Notify(StorageClients clients, AppointmentEventPublisher publisher, IClock clock)
    {
        var store = Store(clients, publisher, clock);
        var pseudonyms = new Scheduler.Core.Privacy.Pseudonyms(new byte[32]);
        var outbox = new TableSmsOutbox(clients, pseudonyms);
        return new Scheduler.Core.Notifications.NotifyAppointmentEvent(store, new NoCentres(), new AvailabilityQuery(store, new NoCentres(), clock),
            new Scheduler.Core.Notifications.SmsNotifier(outbox, outbox, clock, Scheduler.Core.Notifications.NotificationSettings.Default),
            new Scheduler.Core.Notifications.ShortLinks(new byte[32], "http://localhost:7071", "huli"), clock);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("""{"type":"appointment.booked","version":2,"centreId":"huli","appointmentId":"social.1"}""")]
    [InlineData("""{"eventId":"e1","type":"plan.requested","version":2,"centreId":"huli","appointmentId":"social.1"}""")]
    [InlineData("""{"eventId":"e1","type":"appointment.booked","version":9,"centreId":"huli","appointmentId":"social.1","at":"2026-11-27T01:00:00Z"}""")]
    [InlineData("""{"eventId":"e1","type":"appointment.events","version":1,"centreId":"huli","appointmentId":"social.1","at":"2026-11-27T01:00:00Z"}""")]
    [InlineData("""{"type":"appointment.events","version":1,"events":[]}""")]
    [InlineData("""{"type":"appointment.events","version":2,"events":[{"eventId":"e1","type":"appointment.booked","version":3,"centreId":"huli","appointmentId":"social.1","at":"2026-11-27T01:00:00Z"}]}""")]
    [InlineData("""{"type":"plan.batch","version":1,"events":[{"eventId":"e1","type":"appointment.booked","version":3,"centreId":"huli","appointmentId":"social.1","at":"2026-11-27T01:00:00Z"}]}""")]
    [InlineData("""{"type":"appointment.events","version":1,"events":[{"eventId":"e1","type":"appointment.booked","version":3,"centreId":"huli","appointmentId":"social.1","at":"2026-11-27T01:00:00Z"},{"type":"appointment.booked"}]}""")]
    [InlineData("""{"type":"appointment.events","version":1,"events":{"eventId":"e1"}}""")]
    public void A_message_that_is_not_an_appointment_event_is_refused_with_the_reason(string message)
    {
        var refused = Assert.Throws<InvalidDataException>(() => AppointmentEventFunctions.ParseAll(message));
        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
    }

    [Fact]
    public void A_batch_over_the_limit_is_refused_and_a_bad_event_in_a_batch_is_named_by_its_place()
    {
        string Event(int i) => $$"""{"eventId":"e{{i}}","type":"appointment.booked","version":3,"centreId":"huli","appointmentId":"social.{{i}}","at":"2026-11-27T01:00:00Z"}""";
        var tooMany = $$"""{"type":"appointment.events","version":1,"events":[{{string.Join(",", Enumerable.Range(0, AppointmentEventPublisher.MaxPerMessage + 1).Select(Event))}}]}""";
        Assert.Contains("at most", Assert.Throws<InvalidDataException>(() => AppointmentEventFunctions.ParseAll(tooMany)).Message);
        var second = $$"""{"type":"appointment.events","version":1,"events":[{{Event(0)}},{"eventId":"e1","type":"appointment.booked","version":7,"centreId":"huli","appointmentId":"social.1"}]}""";
        Assert.StartsWith("Event 1 of the batch", Assert.Throws<InvalidDataException>(() => AppointmentEventFunctions.ParseAll(second)).Message);
        Assert.Equal(["e0", "e1"], AppointmentEventFunctions.ParseAll($$"""{"type":"appointment.events","version":1,"events":[{{Event(0)}},{{Event(1)}}]}""").Select(e => e.EventId));
    }

    [Fact]
    public async Task Events_published_at_once_reach_the_queue_each_exactly_once_in_fewer_messages_and_a_lone_event_as_itself()
    {
        await using var fresh = await AzuriteFixture.StartFreshAsync();
        var clients = TestStorage.Clients(fresh.ConnectionString);
        var queue = clients.Queues.GetQueueClient(StorageNames.AppointmentEventsQueue);
        await queue.CreateIfNotExistsAsync();
        var publisher = new AppointmentEventPublisher(clients, new FakeClock(Now), NullLogger<AppointmentEventPublisher>.Instance);
        var lone = AppointmentEvent.Of(AppointmentEventTypes.Booked, NewAppointment("huli"), AnonymousCaller.Instance, Now);
        await publisher.PublishAsync(lone, CancellationToken.None);
        var events = Enumerable.Range(0, 100).Select(_ => AppointmentEvent.Of(AppointmentEventTypes.Booked, NewAppointment("huli"), AnonymousCaller.Instance, Now)).ToList();

        await Task.WhenAll(events.Select(e => publisher.PublishAsync(e, CancellationToken.None)));

        var messages = new List<string>();
        while ((await queue.ReceiveMessagesAsync(32)).Value is { Length: > 0 } received)
            messages.AddRange(received.Select(m => m.Body.ToString()));
        Assert.Equal(lone, JsonSerializer.Deserialize<AppointmentEvent>(messages[0], Json.Options)!);
        var delivered = messages.Skip(1).SelectMany(AppointmentEventFunctions.ParseAll).Select(e => e.EventId).ToList();
        Assert.Equal(events.Select(e => e.EventId).Order(), delivered.Order());
        Assert.InRange(messages.Count - 1, (int)Math.Ceiling(100.0 / AppointmentEventPublisher.MaxPerMessage), 99);
    }

    [Fact]
    public void An_event_of_version_1_reads_without_the_item()
    {
        var e = AppointmentEventFunctions.Parse("""
            {"eventId":"social.1-aa","type":"appointment.booked","version":1,"centreId":"huli","appointmentId":"social.1","at":"2026-11-27T01:00:00Z",
             "actor":"anonymous","status":"Booked","date":"2026-12-01","start":"09:00:00"}
            """);
        Assert.Null(e.BookableId);
        Assert.Equal(new LocalDate(2026, 12, 1), e.Date);
    }
}
