using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Scheduler.Core.HomeVisits.Requests;

namespace Scheduler.Functions.HomeVisits;

/// <summary>
/// Home-visit requests in table <c>homevisits</c>: partition the centre, row <c>req|{id}</c>, and a row
/// <c>dup|{key}</c> per resident, item and day added in the same transaction, so a duplicate request fails whole.
/// A copy of each request under <c>at|{position}</c> (<see cref="RequestPosition"/>: time, then id), written in the same
/// transactions as the request, orders requests as they came, so a dispatcher's page is one range read (ADR 0025).
/// Each day a request has a window on gets a pointer <c>date|yyyyMMdd|{id}</c>, written with every write of the
/// request in the same transaction, so planning a day, telling its residents and a staff member's day read that
/// day's requests by key (a range read and a point read each), not every request ever made. Requests stored before
/// the pointers existed get theirs the first time a centre's day is read (<c>indexed|dates</c> marks that done).
/// A change that owes its resident a message writes it as <c>owed|{message key}</c> (the request as it was, the event
/// and when) in the change's own transaction; it is deleted once the message is in the SMS outbox, and the sweep sends
/// what is left (ADR 0016, addendum).
/// </summary>
public sealed class TableHomeVisitStore(StorageClients storage) : IHomeVisitStore
{
    private const string IndexedMarker = "indexed|dates";
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.HomeVisitsTable);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _indexed = new();

    public static string DateRow(NodaTime.LocalDate date, string id) => $"date|{date:yyyyMMdd}|{id}";

    private static IEnumerable<TableTransactionAction> DatePointers(HomeVisitRequest r) =>
        r.Windows.Select(w => w.Date).Distinct().Select(d =>
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(r.CentreId, DateRow(d, r.Id))));

    public async Task<IReadOnlyList<HomeVisitRequest>> ListForDateAsync(string centreId, NodaTime.LocalDate date, CancellationToken cancellationToken)
    {
        await EnsureIndexedAsync(centreId, cancellationToken);
        var prefix = $"date|{date:yyyyMMdd}|";
        var ids = new List<string>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Range(centreId, prefix, prefix + "~"),
                           select: ["RowKey"], cancellationToken: cancellationToken))
            ids.Add(e.RowKey[prefix.Length..]);
        var found = await Task.WhenAll(ids.Select(id => GetAsync(centreId, id, cancellationToken)));
        // A pointer outlives a window taken off the request: the request decides.
        return found.Where(f => f is not null && f.Request.Windows.Any(w => w.Date == date)).Select(f => f!.Request).OrderBy(r => r.CreatedAt).ToList();
    }

    /// <summary>Once per centre: pointers for requests stored before they existed (one scan, then a marker row).</summary>
    private async Task EnsureIndexedAsync(string centreId, CancellationToken cancellationToken)
    {
        if (_indexed.ContainsKey(centreId)) return;
        if (!(await _table.GetEntityIfExistsAsync<TableEntity>(centreId, IndexedMarker, cancellationToken: cancellationToken)).HasValue)
        {
            var pointers = new List<TableTransactionAction>();
            foreach (var r in await ListAsync(centreId, cancellationToken)) pointers.AddRange(DatePointers(r));
            foreach (var chunk in pointers.Chunk(100)) await _table.SubmitTransactionAsync(chunk, cancellationToken);
            await _table.UpsertEntityAsync(new TableEntity(centreId, IndexedMarker), TableUpdateMode.Replace, cancellationToken);
        }
        _indexed[centreId] = true;
    }

    public Task<bool> AddAsync(HomeVisitRequest request, CancellationToken cancellationToken) => AddAsync(request, null, cancellationToken);

    public Task<bool> ReplaceAsync(HomeVisitRequest request, string etag, CancellationToken cancellationToken) => ReplaceAsync(request, etag, null, cancellationToken);

    /// <summary>Versions as the request it holds (<see cref="Schema"/>).</summary>
    public static readonly RowSchema<OwedVisitMessage> OwedSchema = new("owed home-visit message", 3,
        o => { if (o["request"] is System.Text.Json.Nodes.JsonObject r) AddLanguage(r); return o; },
        o => o);

    private static string OwedRow(OwedVisitMessage owed) => $"owed|{owed.Key()}";

    private static IEnumerable<TableTransactionAction> Owed(OwedVisitMessage? owed) => owed is null ? [] :
        [new TableTransactionAction(TableTransactionActionType.UpsertReplace, JsonRow.Write(new TableEntity(owed.Request.CentreId, OwedRow(owed)), OwedSchema, owed))];

    public async Task<IReadOnlyList<OwedVisitMessage>> OwedMessagesAsync(string centreId, CancellationToken cancellationToken)
    {
        var result = new List<OwedVisitMessage>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Between(centreId, "owed|", "owed|~"), cancellationToken: cancellationToken))
            result.Add(JsonRow.Read(e, OwedSchema));
        return result.OrderBy(o => o.At).ToList();
    }

    public async Task MessageSentAsync(OwedVisitMessage owed, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(owed.Request.CentreId, OwedRow(owed), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // marked before (a retry, or the sweep and the change at once)
        }
    }

    public async Task<bool> AddAsync(HomeVisitRequest request, OwedVisitMessage? owed, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, Entity(request)),
                new TableTransactionAction(TableTransactionActionType.Add, Ordered(request)),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(request.CentreId, $"dup|{request.DuplicateKey}") { ["RequestId"] = request.Id }),
                .. DatePointers(request),
                .. Owed(owed),
            ], cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<StoredRequest?> GetAsync(string centreId, string id, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(centreId, $"req|{id}", cancellationToken: cancellationToken);
        return found.HasValue ? new StoredRequest(Read(found.Value!), found.Value!.ETag.ToString()) : null;
    }

    public async Task<bool> ReplaceAsync(HomeVisitRequest request, string etag, OwedVisitMessage? owed, CancellationToken cancellationToken)
    {
        // A request that ends without a visit (rejected, cancelled, or sent back for information) frees its
        // resident-item-day key in the same transaction, so the resident can ask again.
        // The ordered copy and the date pointers follow the request under the request's ETag: the transaction fails
        // whole if the request changed.
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, Entity(request), new ETag(etag)),
            new(TableTransactionActionType.UpsertReplace, Ordered(request)),
        };
        actions.AddRange(DatePointers(request));
        actions.AddRange(Owed(owed));
        if (request.Status is HomeVisitStatus.Rejected or HomeVisitStatus.Cancelled or HomeVisitStatus.NeedsInformation
            && await _table.GetEntityIfExistsAsync<TableEntity>(request.CentreId, $"dup|{request.DuplicateKey}", cancellationToken: cancellationToken) is { HasValue: true } dup
            && dup.Value!.GetString("RequestId") == request.Id)
            actions.Add(new(TableTransactionActionType.Delete, dup.Value, dup.Value.ETag));
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<HomeVisitRequest>> ListAsync(string centreId, CancellationToken cancellationToken)
    {
        var result = new List<HomeVisitRequest>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Between(centreId, "req|", "req|~"),
            cancellationToken: cancellationToken))
            result.Add(Read(e));
        return result.OrderBy(r => r.CreatedAt).ToList();
    }

    public async Task<IReadOnlyList<HomeVisitRequest>> PageAsync(string centreId, int take, string? after, CancellationToken cancellationToken)
    {
        var from = after is null ? "at|" : $"at|{after}";
        var result = new List<HomeVisitRequest>(take);
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Between(centreId, from, "at|~"),
            maxPerPage: take, cancellationToken: cancellationToken))
        {
            result.Add(Read(e));
            if (result.Count == take) break;
        }
        return result;
    }

    /// <summary>
    /// Writes the ordered copy of every request of the centre that has none (requests stored before the copies
    /// existed); idempotent, run at start. A request changed meanwhile keeps the copy its change wrote.
    /// </summary>
    public async Task<int> OrderExistingAsync(string centreId, CancellationToken cancellationToken)
    {
        var ordered = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Between(centreId, "at|", "at|~"),
            select: ["RowKey"], cancellationToken: cancellationToken))
            ordered.Add(e.RowKey);
        var added = 0;
        foreach (var request in await ListAsync(centreId, cancellationToken))
        {
            var copy = Ordered(request);
            if (ordered.Contains(copy.RowKey)) continue;
            try
            {
                await _table.AddEntityAsync(copy, cancellationToken);
                added++;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // written by a change since the scan
            }
        }
        return added;
    }

    /// <summary>
    /// Version 2 adds the resident's <c>language</c> (a request stored before it was made in Chinese); version 3 lets
    /// <c>location</c> be absent (the home's place still to be set), which every older row has, so it reads unchanged,
    /// while code that reads up to 2 refuses a row that may lack it rather than misread it.
    /// </summary>
    public static readonly RowSchema<HomeVisitRequest> Schema = new("home-visit request", 3, AddLanguage, o => o);

    private static System.Text.Json.Nodes.JsonObject AddLanguage(System.Text.Json.Nodes.JsonObject request)
    {
        request["language"] ??= "zh";
        return request;
    }

    private static TableEntity Entity(HomeVisitRequest r) =>
        JsonRow.Write(new TableEntity(r.CentreId, $"req|{r.Id}") { ["Status"] = r.Status.ToString() }, Schema, r);

    private static TableEntity Ordered(HomeVisitRequest r) =>
        JsonRow.Write(new TableEntity(r.CentreId, $"at|{RequestPosition.Of(r)}") { ["Status"] = r.Status.ToString() }, Schema, r);

    private static HomeVisitRequest Read(TableEntity e) => JsonRow.Read(e, Schema);
}
