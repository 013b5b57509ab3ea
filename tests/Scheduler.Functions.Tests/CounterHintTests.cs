using Azure.Data.Tables;
using Azure.Storage.Queues;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// A booking tries its transaction on what its instance knows of the counter (ADR 0029): two stores stand for two
/// instances on one Azurite, each with hints of its own. A guess that holds saves the counter read; a wrong one
/// fails its transaction's condition and the booking reads and tries again; capacity holds either way. Each test
/// has a centre of its own (its partition); the events' queue is unreachable, so nothing leaves the test.
/// </summary>
public sealed class CounterHintTests(AzuriteFixture azurite)
{
    private static readonly Instant Now = SchedulerHost.DemoNow;
    private static readonly SlotKey Slot = new(new LocalDate(2026, 12, 1), new LocalTime(9, 0));

    private (TableAppointmentStore Store, StorageMeter Meter, CounterHints Hints) Instance(TimeSpan? turnWait = null)
    {
        var hints = new CounterHints(turnWait);
        var (store, meter) = AppointmentStores.Create(azurite.ConnectionString, hints);
        return (store, meter, hints);
    }

    private static async Task<string> CentreAsync(string connection)
    {
        await AppointmentStores.CreateTablesAsync(connection);
        return $"hint{Guid.NewGuid():N}"[..20];
    }

    /// <summary>Starts <paramref name="count"/> commits that all wait at one gate, opens it, and returns their outcomes.</summary>
    private static async Task<CommitOutcome[]> AllAtOnceAsync(int count, Func<int, Task<CommitOutcome>> commit)
    {
        var gate = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.Task;
            return await commit(i);
        }).ToList();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    private static SlotChange Booking(string centre, int capacity)
    {
        var a = new Appointment($"social.{Guid.NewGuid():N}"[..27], centre, "social", "pension-certification", false, ["pension-certification"],
            Slot.Date, Slot.Start, Slot.Start.PlusMinutes(15), 1, "Asia/Shanghai", "李芳", "+8613900000001", "resident-key",
            null, null, "zh", AppointmentStatus.Booked, Now, "anonymous", null, Now);
        return new SlotChange(a, null, [Slot], [], usage => usage[0].General < capacity, AppointmentEvent.Of(AppointmentEventTypes.Booked, a, AnonymousCaller.Instance, Now));
    }

    /// <summary>The commit, and the table requests it made by kind ("point read", "transaction").</summary>
    private static async Task<(CommitOutcome Outcome, Dictionary<string, long> Requests)> CommitAsync(
        (TableAppointmentStore Store, StorageMeter Meter, CounterHints Hints) instance, SlotChange change)
    {
        instance.Meter.Reset();
        instance.Meter.Recording = true;
        var outcome = await instance.Store.CommitAsync(change, TestContext.Current.CancellationToken);
        instance.Meter.Recording = false;
        var requests = instance.Meter.Snapshot().Where(t => t.Service == "table" && t.Resource == StorageNames.AppointmentsTable)
            .GroupBy(t => t.Operation).ToDictionary(g => g.Key, g => g.Sum(t => t.Requests));
        return (outcome, requests);
    }

    private int Counted(string centre) =>
        new TableClient(azurite.ConnectionString, StorageNames.AppointmentsTable).GetEntityIfExists<TableEntity>(centre, TableAppointmentStore.SlotRow("social", Slot)) is
            { HasValue: true } row ? row.Value!.GetInt32("General") ?? 0 : 0;

    [Fact]
    public async Task A_known_counter_is_not_read_and_a_stale_guess_reads_and_tries_again_with_capacity_exact()
    {
        var centre = await CentreAsync(azurite.ConnectionString);
        var a = Instance();
        var b = Instance();

        // A fresh slot and then the counter A wrote itself: one transaction each, no read.
        var first = await CommitAsync(a, Booking(centre, 4));
        var second = await CommitAsync(a, Booking(centre, 4));
        Assert.Equal((CommitOutcome.Committed, 1L, 0L), (first.Outcome, first.Requests.GetValueOrDefault("transaction"), first.Requests.GetValueOrDefault("point read")));
        Assert.Equal((CommitOutcome.Committed, 1L, 0L), (second.Outcome, second.Requests.GetValueOrDefault("transaction"), second.Requests.GetValueOrDefault("point read")));

        // B never saw the slot: its guess (no counter yet) fails, it reads and books. A's knowledge is now stale: likewise.
        var third = await CommitAsync(b, Booking(centre, 4));
        var fourth = await CommitAsync(a, Booking(centre, 4));
        Assert.All(new[] { third, fourth }, r =>
        {
            Assert.Equal(CommitOutcome.Committed, r.Outcome);
            Assert.Equal(2L, r.Requests.GetValueOrDefault("transaction"));
            Assert.Equal(1L, r.Requests.GetValueOrDefault("point read"));
        });
        Assert.Equal(4, Counted(centre));

        // Full: B's stale knowledge says 3 of 4 taken; the transaction refuses it, the read shows the slot full.
        var fifth = await CommitAsync(b, Booking(centre, 4));
        Assert.Equal(CommitOutcome.Full, fifth.Outcome);
        // And A, who knows the slot is full, reads before answering so: a guess never refuses a booking by itself (the
        // second point read is the summary's refresh learning that the slot is full, before alternatives are offered).
        var sixth = await CommitAsync(a, Booking(centre, 4));
        Assert.Equal((CommitOutcome.Full, 2L, 0L), (sixth.Outcome, sixth.Requests.GetValueOrDefault("point read"), sixth.Requests.GetValueOrDefault("transaction")));
        Assert.Equal(4, Counted(centre));
    }

    [Fact]
    public async Task Simultaneous_bookings_from_two_instances_guessing_admit_exactly_the_capacity()
    {
        var centre = await CentreAsync(azurite.ConnectionString);
        var instances = new[] { Instance(), Instance() };
        var outcomes = await AllAtOnceAsync(30, i => instances[i % 2].Store.CommitAsync(Booking(centre, 7), TestContext.Current.CancellationToken));

        Assert.Equal(7, outcomes.Count(o => o == CommitOutcome.Committed));
        Assert.Equal(23, outcomes.Count(o => o == CommitOutcome.Full));
        Assert.Equal(7, Counted(centre));
        var day = new List<TableEntity>();
        await foreach (var e in new TableClient(azurite.ConnectionString, StorageNames.AppointmentsTable).QueryAsync<TableEntity>(
                           e => e.PartitionKey == centre && e.RowKey.CompareTo("appt|") >= 0 && e.RowKey.CompareTo("appt|~") < 0))
            day.Add(e);
        Assert.Equal(7, day.Count);
    }

    [Fact]
    public async Task Simultaneous_changes_of_one_counter_in_one_instance_take_turns_and_each_guesses_on_what_the_last_wrote()
    {
        var ct = TestContext.Current.CancellationToken;
        var centre = await CentreAsync(azurite.ConnectionString);
        // A wait far longer than ten transactions, so every change gets its turn however slow the machine.
        var a = Instance(TimeSpan.FromSeconds(30));
        Assert.Equal(CommitOutcome.Committed, (await CommitAsync(a, Booking(centre, 12))).Outcome);

        a.Meter.Reset();
        a.Meter.Recording = true;
        var outcomes = await AllAtOnceAsync(10, _ => a.Store.CommitAsync(Booking(centre, 12), ct));
        a.Meter.Recording = false;

        Assert.All(outcomes, o => Assert.Equal(CommitOutcome.Committed, o));
        var requests = a.Meter.Snapshot().Where(t => t.Service == "table" && t.Resource == StorageNames.AppointmentsTable)
            .GroupBy(t => t.Operation).ToDictionary(g => g.Key, g => g.Sum(t => t.Requests));
        // One transaction each and no read: without turns, all but one of each round failed on the same ETag and read.
        Assert.Equal((10L, 0L), (requests.GetValueOrDefault("transaction"), requests.GetValueOrDefault("point read")));
        Assert.Equal(11, Counted(centre));
    }

    [Fact]
    public async Task A_change_kept_waiting_for_its_turn_goes_on_and_its_transaction_still_decides()
    {
        var ct = TestContext.Current.CancellationToken;
        var centre = await CentreAsync(azurite.ConnectionString);
        var a = Instance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(CommitOutcome.Committed, (await CommitAsync(a, Booking(centre, 2))).Outcome);

        // Another change holds the counter's turn and never hands it on: these go on after the wait, on what is known.
        using (await a.Hints.TakeTurnAsync(centre, [TableAppointmentStore.SlotRow("social", Slot)], ct))
        {
            var second = await CommitAsync(a, Booking(centre, 2));
            Assert.Equal((CommitOutcome.Committed, 1L, 0L), (second.Outcome, second.Requests.GetValueOrDefault("transaction"), second.Requests.GetValueOrDefault("point read")));
            Assert.Equal(CommitOutcome.Full, (await CommitAsync(a, Booking(centre, 2))).Outcome);
        }
        Assert.Equal(2, Counted(centre));
    }

    [Fact]
    public async Task A_change_cancelled_while_waiting_for_its_turn_hands_on_the_turns_it_took()
    {
        var hints = new CounterHints(TimeSpan.FromSeconds(30));
        var ct = TestContext.Current.CancellationToken;
        var second = await hints.TakeTurnAsync("p", ["slot|b"], ct);
        using var cancel = new CancellationTokenSource();
        // Takes a's turn, then waits for b's: cancelled there, it must give a's back.
        var waiting = hints.TakeTurnAsync("p", ["slot|a", "slot|b"], cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        second.Dispose();
        // Both free again: taken at once (a turn kept by the cancelled change would hold this up until the 5 s cancel).
        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var again = await hints.TakeTurnAsync("p", ["slot|a", "slot|b"], within.Token);
    }

    [Fact]
    public void Guessing_stops_while_fewer_than_half_of_the_guesses_hold_but_for_probes_and_starts_again_when_they_hold()
    {
        var hints = new CounterHints();
        Assert.True(hints.ShouldGuess());
        for (var i = 0; i < 10; i++) hints.Record(held: false);
        Assert.True(hints.Odds < 0.5);

        var guesses = Enumerable.Range(0, CounterHints.ProbeEvery * 4).Count(_ => hints.ShouldGuess());
        Assert.Equal(4, guesses); // one probe in ProbeEvery

        while (hints.Odds < 0.5) hints.Record(held: true); // the probes hold
        Assert.True(hints.ShouldGuess());
        Assert.True(hints.ShouldGuess());
    }
}
