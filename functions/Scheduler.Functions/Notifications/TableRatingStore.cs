using Azure;
using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Notifications;

namespace Scheduler.Functions.Notifications;

/// <summary>
/// Table <c>ratings</c>, one partition per centre: a rating per subject (<c>rating|{subject}</c>, added once) and its
/// follow-ups (<see cref="FollowUpRow"/>). The summary reads a centre's partition filtered by time.
/// </summary>
public sealed class TableRatingStore(StorageClients storage) : IRatingStore
{
    public static readonly RowSchema<Rating> RatingSchema = new("rating", 1);
    public static readonly RowSchema<FollowUp> FollowUpSchema = new("follow-up", 1);

    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.RatingsTable);

    public async Task<bool> AddAsync(Rating rating, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(JsonRow.Write(new TableEntity(rating.CentreId, "rating|" + Key(rating.Subject)) { ["At"] = rating.At.ToString() }, RatingSchema, rating),
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task AddFollowUpAsync(FollowUp followUp, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(JsonRow.Write(new TableEntity(followUp.CentreId, FollowUpRow(followUp)), FollowUpSchema, followUp),
            TableUpdateMode.Replace, cancellationToken);

    public async Task<IReadOnlyList<Rating>> ListAsync(string centreId, Instant from, Instant to, CancellationToken cancellationToken)
    {
        var list = new List<Rating>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == centreId && x.RowKey.CompareTo("rating|") >= 0 && x.RowKey.CompareTo("rating|~") < 0,
                           cancellationToken: cancellationToken))
        {
            var r = JsonRow.Read(e, RatingSchema);
            if (r.At >= from && r.At < to) list.Add(r);
        }
        return list;
    }

    public async Task<IReadOnlyList<FollowUp>> ListFollowUpsAsync(string centreId, CancellationToken cancellationToken)
    {
        var list = new List<FollowUp>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == centreId && x.RowKey.CompareTo("followup|") >= 0 && x.RowKey.CompareTo("followup|~") < 0,
                           cancellationToken: cancellationToken))
            list.Add(JsonRow.Read(e, FollowUpSchema));
        return list;
    }

    /// <summary>A rating's follow-up is <c>followup|{subject}</c> (as first stored); other kinds <c>followup|{kind}|{subject}</c>.</summary>
    public static string FollowUpRow(FollowUp f) =>
        f.Kind == FollowUpKinds.Rating ? "followup|" + Key(f.Subject) : $"followup|{f.Kind}|{Key(f.Subject)}";

    /// <summary>Row keys may not hold '/'.</summary>
    private static string Key(string subject) => subject.Replace('/', ':');
}
