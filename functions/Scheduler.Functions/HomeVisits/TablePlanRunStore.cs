using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using NodaTime;
using Scheduler.Core.HomeVisits.Planning;

namespace Scheduler.Functions.HomeVisits;

/// <summary>
/// Plan runs in table <c>plans</c>: one partition per centre and day (<c>huli|20261130</c>) holding each run
/// (<c>run|{id}</c>) and the pointer to the day's published run (<c>published</c>), so publishing (the run, the
/// pointer and the superseded run) is one entity-group transaction. The same transaction adds <c>owed|{run id}</c>:
/// the run's residents are owed their visit time until it is deleted, after the messages are in the SMS outbox; the
/// sweep tells what a stop in between left (ADR 0016, addendum).
/// </summary>
public sealed class TablePlanRunStore(StorageClients storage) : IPlanRunStore, Scheduler.Core.Roster.IPlanRunsInProgress
{
    public static readonly RowSchema<PlanRun> Schema = new("plan run", 1);
    private const string Pointer = "published";
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.PlansTable);

    private static string Partition(string centreId, LocalDate date) => $"{centreId}|{date:yyyyMMdd}";

    public async Task<bool> AddAsync(PlanRun run, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(Entity(run), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<StoredPlanRun?> GetAsync(string centreId, string planId, CancellationToken cancellationToken)
    {
        if (!TryDate(planId, out var date)) return null;
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, date), $"run|{planId}", cancellationToken: cancellationToken);
        return found.HasValue ? new StoredPlanRun(JsonRow.Read(found.Value!, Schema), found.Value!.ETag.ToString()) : null;
    }

    public async Task<StoredPlanRun?> PublishedAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var pointer = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, date), Pointer, cancellationToken: cancellationToken);
        return pointer.HasValue ? await GetAsync(centreId, pointer.Value!.GetString("PlanId"), cancellationToken) : null;
    }

    /// <summary>Whether a run of the day is queued or solving (the roster is not published against routes that may change).</summary>
    public async Task<bool> InProgressAsync(string centreId, LocalDate date, CancellationToken cancellationToken)
    {
        var pk = Partition(centreId, date);
        var queued = nameof(PlanRunStatus.Queued);
        var solving = nameof(PlanRunStatus.Solving);
        await foreach (var _ in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and (Status eq {queued} or Status eq {solving})"),
                           maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken))
            return true;
        return false;
    }

    public async Task<bool> ReplaceAsync(PlanRun run, string etag, CancellationToken cancellationToken)
    {
        try
        {
            await _table.UpdateEntityAsync(Entity(run), new ETag(etag), TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    private static string OwedRow(string runId) => $"owed|{runId}";

    public async Task<IReadOnlyList<(PlanRun Run, Instant At)>> UntoldAsync(string centreId, LocalDate from, LocalDate to, CancellationToken cancellationToken)
    {
        var result = new List<(PlanRun, Instant)>();
        for (var date = from; date <= to; date = date.PlusDays(1))
        {
            await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Between(Partition(centreId, date), "owed|", "owed|~"), cancellationToken: cancellationToken))
            {
                var at = NodaTime.Text.InstantPattern.ExtendedIso.Parse(e.GetString("At")).Value;
                if (await GetAsync(centreId, e.RowKey["owed|".Length..], cancellationToken) is { } found) result.Add((found.Run, at));
            }
        }
        return result;
    }

    public async Task ResidentsToldAsync(PlanRun run, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(Partition(run.CentreId, run.Date), OwedRow(run.Id), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // told before
        }
    }

    public async Task<bool> PublishAsync(StoredPlanRun run, StoredPlanRun? previous, Instant at, CancellationToken cancellationToken)
    {
        var pk = Partition(run.Run.CentreId, run.Run.Date);
        var pointer = await _table.GetEntityIfExistsAsync<TableEntity>(pk, Pointer, cancellationToken: cancellationToken);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, Entity(run.Run with { Status = PlanRunStatus.Published }), new ETag(run.ETag)),
            new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, OwedRow(run.Run.Id)) { ["At"] = NodaTime.Text.InstantPattern.ExtendedIso.Format(at) }),
            pointer.HasValue
                ? new(TableTransactionActionType.UpdateReplace, new TableEntity(pk, Pointer) { ["PlanId"] = run.Run.Id }, pointer.Value!.ETag)
                : new(TableTransactionActionType.Add, new TableEntity(pk, Pointer) { ["PlanId"] = run.Run.Id }),
        };
        if (pointer.HasValue != previous is not null || (previous is not null && pointer.Value!.GetString("PlanId") != previous.Run.Id)) return false;
        if (previous is not null)
            actions.Add(new(TableTransactionActionType.UpdateReplace, Entity(previous.Run with { Status = PlanRunStatus.Superseded }), new ETag(previous.ETag)));
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    private static bool TryDate(string planId, out LocalDate date)
    {
        date = default;
        var parsed = NodaTime.Text.LocalDatePattern.CreateWithInvariantCulture("yyyyMMdd").Parse(planId.Length >= 8 ? planId[..8] : "");
        if (!parsed.Success || planId.Length > 40 || planId.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?')) return false;
        date = parsed.Value;
        return true;
    }

    private static TableEntity Entity(PlanRun run) =>
        JsonRow.Write(new TableEntity(Partition(run.CentreId, run.Date), $"run|{run.Id}") { ["Status"] = run.Status.ToString() }, Schema, run);
}

/// <summary>The <c>plan-requests</c> queue.</summary>
public sealed class QueuePlanQueue(StorageClients storage) : IPlanQueue
{
    private readonly QueueClient _queue = storage.Queues.GetQueueClient(StorageNames.PlanRequestsQueue);

    public Task EnqueueAsync(PlanRequested message, CancellationToken cancellationToken) =>
        _queue.SendMessageAsync(JsonSerializer.Serialize(message, Json.Options), cancellationToken);
}
