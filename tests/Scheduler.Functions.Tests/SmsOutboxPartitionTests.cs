using System.Text.RegularExpressions;
using Scheduler.Core.Privacy;
using Scheduler.Functions.Notifications;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The SMS outbox spreads over its 256 partitions (<c>out-00</c> to <c>out-ff</c>) by a keyed hash of the number:
/// a city's numbers land on nearly all of them, none carries much more than its share, and one number always lands on
/// the same one (its messages, conversation and inbox stay together).
/// </summary>
public sealed class SmsOutboxPartitionTests
{
    private static readonly byte[] Key = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();

    // Partition only hashes; the clients are never called.
    private static TableSmsOutbox Outbox(byte[] key) => new(TestStorage.Clients("UseDevelopmentStorage=true"), new Pseudonyms(key));

    private static IEnumerable<string> Numbers(int count) => Enumerable.Range(0, count).Select(i => $"+86139{i * 7919 % 100_000_000:D8}");

    [Fact]
    public void A_thousand_numbers_span_at_least_200_of_the_256_partitions_and_none_is_hot()
    {
        var outbox = Outbox(Key);
        var numbers = Numbers(1_000).ToList();
        Assert.Equal(1_000, numbers.Distinct().Count());

        var partitions = numbers.Select(outbox.Partition).ToList();

        Assert.All(partitions, p => Assert.Matches(new Regex("^out-[0-9a-f]{2}$"), p));
        var byPartition = partitions.GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byPartition.Count >= 200, $"{byPartition.Count} partitions of 256");
        // About 4 a partition on average; a hash that clustered would put far more on one.
        Assert.True(byPartition.Values.Max() <= 16, $"one partition holds {byPartition.Values.Max()} of 1,000 numbers");
    }

    [Fact]
    public void One_number_always_maps_to_the_same_partition_and_the_key_decides_which()
    {
        var outbox = Outbox(Key);
        var again = Outbox(Key.ToArray());
        foreach (var number in Numbers(200))
        {
            var first = outbox.Partition(number);
            Assert.Equal(first, outbox.Partition(number));
            Assert.Equal(first, again.Partition(number)); // another instance (another process) with the same key
        }
        // The hash is keyed: with another key the same numbers land elsewhere, so the spread cannot be steered by choosing numbers.
        var other = Outbox(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());
        Assert.True(Numbers(200).Count(n => other.Partition(n) != outbox.Partition(n)) > 150);
    }
}
