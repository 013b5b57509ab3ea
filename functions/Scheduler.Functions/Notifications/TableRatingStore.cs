using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Notifications;

namespace Scheduler.Functions.Notifications;

/// <summary>
/// Table <c>ratings</c>, one partition per centre: a rating per subject (<c>rating|{subject}</c>, added once) with a
/// copy under the time it was given (<c>at|yyyyMMddHHmmss|{subject}</c>, UTC, in the same transaction), and the
/// follow-ups (<see cref="FollowUpRow"/>) with a copy of each open one (<c>open|...</c>) and of each closed one under
/// when it was closed (<c>closed|yyyyMMddHHmmss|...</c>), kept in step in the same transaction. So the summary of a
/// period reads that period's ratings and the open and recently closed follow-ups, never the centre's whole history.
/// Rows written before the copies existed are not in the summary (nothing was deployed with ratings then).
/// </summary>
public sealed class TableRatingStore(StorageClients storage) : IRatingStore
{
    public static readonly RowSchema<Rating> RatingSchema = new("rating", 1);
    public static readonly RowSchema<FollowUp> FollowUpSchema = new("follow-up", 1);

    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.RatingsTable);

    private static string Stamp(Instant at) => at.InUtc().ToString("yyyyMMddHHmmss", null);

    public async Task<bool> AddAsync(Rating rating, CancellationToken cancellationToken)
    {
        var key = Key(rating.Subject);
        try
        {
            await _table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add,
                    JsonRow.Write(new TableEntity(rating.CentreId, "rating|" + key) { ["At"] = rating.At.ToString() }, RatingSchema, rating)),
                new TableTransactionAction(TableTransactionActionType.Add,
                    JsonRow.Write(new TableEntity(rating.CentreId, $"at|{Stamp(rating.At)}|{key}"), RatingSchema, rating)),
            ], cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task AddFollowUpAsync(FollowUp followUp, CancellationToken cancellationToken)
    {
        var row = FollowUpRow(followUp);
        var suffix = row["followup|".Length..];
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpsertReplace, JsonRow.Write(new TableEntity(followUp.CentreId, row), FollowUpSchema, followUp)),
        };
        if (followUp is { Status: FollowUpStatus.Closed, ClosedAt: { } closedAt })
        {
            actions.Add(new(TableTransactionActionType.UpsertReplace, JsonRow.Write(new TableEntity(followUp.CentreId, $"closed|{Stamp(closedAt)}|{suffix}"), FollowUpSchema, followUp)));
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(followUp.CentreId, "open|" + suffix), ETag.All));
        }
        else
            actions.Add(new(TableTransactionActionType.UpsertReplace, JsonRow.Write(new TableEntity(followUp.CentreId, "open|" + suffix), FollowUpSchema, followUp)));
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            // Closed again, or never had an open copy: the rest without the delete.
            await _table.SubmitTransactionAsync(actions.Where(a => a.ActionType != TableTransactionActionType.Delete), cancellationToken);
        }
    }

    public async Task<IReadOnlyList<Rating>> ListAsync(string centreId, Instant from, Instant to, CancellationToken cancellationToken)
    {
        var list = new List<Rating>();
        await foreach (var e in Range(centreId, $"at|{Stamp(from)}", $"at|{Stamp(to)}", cancellationToken))
        {
            var r = JsonRow.Read(e, RatingSchema);
            if (r.At >= from && r.At < to) list.Add(r);
        }
        return list;
    }

    public async Task<IReadOnlyList<FollowUp>> ListFollowUpsAsync(string centreId, Instant closedFrom, Instant closedTo, CancellationToken cancellationToken)
    {
        var list = new List<FollowUp>();
        await foreach (var e in Range(centreId, "open|", "open|~", cancellationToken))
            list.Add(JsonRow.Read(e, FollowUpSchema));
        await foreach (var e in Range(centreId, $"closed|{Stamp(closedFrom)}", $"closed|{Stamp(closedTo)}", cancellationToken))
        {
            var f = JsonRow.Read(e, FollowUpSchema);
            if (f.ClosedAt >= closedFrom && f.ClosedAt < closedTo) list.Add(f);
        }
        return list;
    }

    public async Task<FollowUp?> GetFollowUpAsync(string centreId, string kind, string subject, CancellationToken cancellationToken)
    {
        var row = kind == FollowUpKinds.Rating ? "followup|" + Key(subject) : $"followup|{kind}|{Key(subject)}";
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(centreId, row, cancellationToken: cancellationToken);
        return found.HasValue ? JsonRow.Read(found.Value!, FollowUpSchema) : null;
    }

    private IAsyncEnumerable<TableEntity> Range(string pk, string fromInclusive, string toExclusive, CancellationToken cancellationToken) =>
        _table.QueryAsync<TableEntity>(KeyFilter.Range(pk, fromInclusive, toExclusive),
            cancellationToken: cancellationToken);

    /// <summary>A rating's follow-up is <c>followup|{subject}</c> (as first stored); other kinds <c>followup|{kind}|{subject}</c>.</summary>
    public static string FollowUpRow(FollowUp f) =>
        f.Kind == FollowUpKinds.Rating ? "followup|" + Key(f.Subject) : $"followup|{f.Kind}|{Key(f.Subject)}";

    /// <summary>Row keys may not hold '/'.</summary>
    private static string Key(string subject) => subject.Replace('/', ':');
}
