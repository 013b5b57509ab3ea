using Azure.Data.Tables;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Table query filters on the keys, written as OData text with the values escaped by
/// <see cref="TableClient.CreateQueryFilter(FormattableString)"/>. A LINQ filter holding a captured value makes the
/// Tables SDK compile a delegate for it on every call (and the runtime finalise it later): on a path taken per booking
/// or per event that is processor time for nothing, so the app writes no LINQ filters: key filters are made here, and
/// the few filters of another shape (a range of partitions with a row key, status columns) with the same escaping.
/// </summary>
public static class KeyFilter
{
    /// <summary>Every row of one partition.</summary>
    public static string Partition(string partitionKey) => TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");

    /// <summary>The rows of one partition from <paramref name="fromInclusive"/> up to <paramref name="toExclusive"/>.</summary>
    public static string Range(string partitionKey, string fromInclusive, string toExclusive) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {fromInclusive} and RowKey lt {toExclusive}");

    /// <summary>The rows of one partition strictly between <paramref name="fromExclusive"/> and <paramref name="toExclusive"/>.</summary>
    public static string Between(string partitionKey, string fromExclusive, string toExclusive) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey gt {fromExclusive} and RowKey lt {toExclusive}");

    /// <summary>The rows of one partition before <paramref name="toExclusive"/>.</summary>
    public static string Before(string partitionKey, string toExclusive) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey lt {toExclusive}");

    /// <summary>Every row of the partitions from <paramref name="fromInclusive"/> up to <paramref name="toExclusive"/>.</summary>
    public static string Partitions(string fromInclusive, string toExclusive) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {fromInclusive} and PartitionKey lt {toExclusive}");
}
