using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Residents;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests.HomeVisits;

/// <summary>The re-encryption job: old IDs move to the current key, once, past page boundaries and lost races.</summary>
public sealed class ReencryptResidentIdsTests
{
    /// <summary>"v1:x" is under key v1; the current key is v2. The ID itself is the text after the colon.</summary>
    private sealed class Prefixes : IIdReencryption
    {
        public int Calls;
        public bool IsCurrent(string stored) => stored.StartsWith("v2:", StringComparison.Ordinal);
        public string? Reencrypt(string stored)
        {
            Calls++;
            return stored.StartsWith("v0:", StringComparison.Ordinal) ? null : "v2:" + stored[(stored.IndexOf(':') + 1)..];
        }
    }

    /// <summary>A store whose next replaces lose to a change made elsewhere (which it then makes), as under a race.</summary>
    private sealed class Racing(InMemoryHomeVisitStore inner) : IHomeVisitStore
    {
        public int Losses;
        public Task<bool> AddAsync(HomeVisitRequest request, CancellationToken c) => inner.AddAsync(request, c);
        public Task<bool> AddAsync(HomeVisitRequest request, OwedVisitMessage? owed, CancellationToken c) => inner.AddAsync(request, owed, c);
        public Task<bool> ReplaceAsync(HomeVisitRequest request, string etag, OwedVisitMessage? owed, CancellationToken c) => ReplaceAsync(request, etag, c);
        public Task<IReadOnlyList<OwedVisitMessage>> OwedMessagesAsync(string centreId, CancellationToken c) => inner.OwedMessagesAsync(centreId, c);
        public Task MessageSentAsync(OwedVisitMessage owed, CancellationToken c) => inner.MessageSentAsync(owed, c);
        public Task<StoredRequest?> GetAsync(string centreId, string id, CancellationToken c) => inner.GetAsync(centreId, id, c);
        public Task<IReadOnlyList<HomeVisitRequest>> ListAsync(string centreId, CancellationToken c) => inner.ListAsync(centreId, c);
        public Task<IReadOnlyList<HomeVisitRequest>> PageAsync(string centreId, int take, string? after, CancellationToken c) => inner.PageAsync(centreId, take, after, c);
        public Task<IReadOnlyList<HomeVisitRequest>> ListForDateAsync(string centreId, LocalDate date, CancellationToken c) => inner.ListForDateAsync(centreId, date, c);

        public async Task<bool> ReplaceAsync(HomeVisitRequest request, string etag, CancellationToken c)
        {
            if (Losses > 0)
            {
                Losses--;
                var current = (await inner.GetAsync(request.CentreId, request.Id, c))!;
                await inner.ReplaceAsync(current.Request with { Notes = "changed elsewhere" }, current.ETag, c);
                return false;
            }
            return await inner.ReplaceAsync(request, etag, c);
        }
    }

    private static HomeVisitRequest Request(int i, string? protectedId) =>
        new($"hv-{i:D4}", TestCentre.Id, "王秀英", "+8613900000011", protectedId, 82, EligibilityReason.Aged60Plus, new GeoPoint(24.50, 118.15),
            "湖里区1号", TestCentre.HomeItem, [new VisitWindow(new LocalDate(2026, 12, 1), new LocalTime(9, 0), new LocalTime(11, 0))], VisitUrgency.Routine, null,
            "web", new EligibilityAssessment(true, "Aged 82."), HomeVisitStatus.Submitted, null, TestCentre.Now + Duration.FromSeconds(i), "anonymous", $"dup-{i}");

    [Fact]
    public async Task Every_old_id_moves_to_the_current_key_across_pages_and_a_second_run_rewrites_nothing()
    {
        var store = new InMemoryHomeVisitStore();
        var count = ReencryptResidentIds.PageSize * 2 + 7;
        for (var i = 0; i < count; i++) store.Put(Request(i, i % 3 == 0 ? null : i % 3 == 1 ? $"v1:id{i}" : $"v2:id{i}"));
        var ids = new Prefixes();
        var job = new ReencryptResidentIds(store, ids);

        var first = await job.RunAsync(TestCentre.Id, CancellationToken.None);
        var second = await job.RunAsync(TestCentre.Id, CancellationToken.None);

        var expected = Enumerable.Range(0, count).Count(i => i % 3 == 1);
        Assert.Equal(new ReencryptionOutcome(count, expected, 0), first);
        Assert.Equal(new ReencryptionOutcome(count, 0, 0), second);
        Assert.Equal(expected, ids.Calls);
        var all = await store.ListAsync(TestCentre.Id, CancellationToken.None);
        Assert.All(all.Where(r => r.ProtectedIdNumber is not null), r => Assert.StartsWith("v2:", r.ProtectedIdNumber));
        Assert.Equal("v2:id1", all.Single(r => r.Id == "hv-0001").ProtectedIdNumber);
    }

    [Fact]
    public async Task A_request_changed_meanwhile_is_read_again_and_keeps_the_change()
    {
        var inner = new InMemoryHomeVisitStore();
        inner.Put(Request(1, "v1:id1"));
        var job = new ReencryptResidentIds(new Racing(inner) { Losses = 2 }, new Prefixes());

        var outcome = await job.RunAsync(TestCentre.Id, CancellationToken.None);

        Assert.Equal(new ReencryptionOutcome(1, 1, 0), outcome);
        var stored = (await inner.GetAsync(TestCentre.Id, "hv-0001", CancellationToken.None))!.Request;
        Assert.Equal("v2:id1", stored.ProtectedIdNumber);
        Assert.Equal("changed elsewhere", stored.Notes);
    }

    [Fact]
    public async Task A_request_that_keeps_changing_is_left_for_the_next_run_and_counted()
    {
        var inner = new InMemoryHomeVisitStore();
        inner.Put(Request(1, "v1:id1"));

        var outcome = await new ReencryptResidentIds(new Racing(inner) { Losses = 100 }, new Prefixes()).RunAsync(TestCentre.Id, CancellationToken.None);

        Assert.Equal(new ReencryptionOutcome(1, 0, 1), outcome);
        Assert.StartsWith("v1:", (await inner.GetAsync(TestCentre.Id, "hv-0001", CancellationToken.None))!.Request.ProtectedIdNumber);
    }

    [Fact]
    public async Task An_id_no_key_reads_is_counted_and_left_as_it_is_while_the_others_move()
    {
        var store = new InMemoryHomeVisitStore();
        store.Put(Request(1, "v1:id1"));
        store.Put(Request(2, "v0:id2"));
        store.Put(Request(3, "v1:id3"));

        var outcome = await new ReencryptResidentIds(store, new Prefixes()).RunAsync(TestCentre.Id, CancellationToken.None);

        Assert.Equal(new ReencryptionOutcome(3, 2, 0, 1), outcome);
        var all = (await store.ListAsync(TestCentre.Id, CancellationToken.None)).ToDictionary(r => r.Id, r => r.ProtectedIdNumber);
        Assert.Equal("v2:id1", all["hv-0001"]);
        Assert.Equal("v0:id2", all["hv-0002"]);
        Assert.Equal("v2:id3", all["hv-0003"]);
    }
}
