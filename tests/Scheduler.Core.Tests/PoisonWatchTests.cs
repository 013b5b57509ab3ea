using Scheduler.Core.Operations;
using Xunit;

namespace Scheduler.Core.Tests;

public sealed class PoisonWatchTests
{
    [Theory]
    [InlineData("""{"type":"plan.requested","version":1,"centreId":"huli","planId":"20261130-ab"}""", "type=plan.requested, version=1, planId=20261130-ab, centreId=huli")]
    [InlineData("""{"name":"林秀兰","mobile":"13912345678","idNumber":"350206195001011230"}""", "a JSON object without type or ids, 69 characters")]
    [InlineData("not json at all", "not JSON, 15 characters")]
    [InlineData("[1,2]", "JSON Array, 5 characters")]
    public void A_poisoned_message_is_described_by_its_type_and_ids_only(string message, string summary) =>
        Assert.Equal(summary, PoisonWatch.Summarize(message));

    [Fact]
    public void A_message_has_the_same_key_on_every_attempt_and_another_message_another()
    {
        Assert.Equal(PoisonWatch.KeyOf("{\"a\":1}"), PoisonWatch.KeyOf("{\"a\":1}"));
        Assert.NotEqual(PoisonWatch.KeyOf("{\"a\":1}"), PoisonWatch.KeyOf("{\"a\":2}"));
        Assert.Equal(32, PoisonWatch.KeyOf("x").Length);
    }
}
