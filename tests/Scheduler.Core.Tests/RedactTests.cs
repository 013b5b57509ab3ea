using Scheduler.Core.Privacy;
using Xunit;

namespace Scheduler.Core.Tests;

public sealed class RedactTests
{
    [Theory]
    [InlineData("+8613812345678", "+86138******78")]
    [InlineData("13812345678", "138******78")]
    [InlineData("12345", "*****")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Phone_numbers_keep_only_a_prefix_and_the_last_two_digits(string? phone, string expected) =>
        Assert.Equal(expected, Redact.Phone(phone));

    [Fact]
    public void Resident_ids_keep_only_the_first_and_last_character()
    {
        Assert.Equal("3" + new string('*', 16) + "X", Redact.IdNumber("35020319500101123X"));
        Assert.DoesNotContain("19500101", Redact.IdNumber("35020319500101123X"));
    }

    [Fact]
    public void Addresses_are_never_shown()
    {
        var masked = Redact.Address("福建省厦门市湖里区县后社区12号301室");
        Assert.DoesNotContain("县后", masked);
        Assert.Equal("[address, 20 chars]", masked);
    }
}
