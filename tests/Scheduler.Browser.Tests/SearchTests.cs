using Scheduler.Pages;
using Xunit;

namespace Scheduler.Browser.Tests;

/// <summary>The service search's pinyin initials and matching (no browser needed).</summary>
public sealed class SearchTests
{
    [Theory]
    [InlineData("养老金资格认证", "yljzgrz")]
    [InlineData("高龄津贴申领", "gljtsl")]
    [InlineData("居民身份证换领", "jmsfzhl")]
    [InlineData("不动产转移登记", "bdczydj")]
    [InlineData("城乡居民医保参保登记", "cxjmybcbdj")]
    [InlineData("食品经营许可", "spjyxk")]
    public void Common_characters_give_their_pinyin_initials(string name, string initials) => Assert.Equal(initials, ServiceSearch.Initials(name));

    [Fact]
    public void A_search_matches_the_name_the_initials_or_the_english_and_every_word_must_match()
    {
        var keys = ServiceSearch.Keys("养老金资格认证", "Pension eligibility certification");
        Assert.True(ServiceSearch.Matches(keys, "养老"));
        Assert.True(ServiceSearch.Matches(keys, "YLJ"));
        Assert.True(ServiceSearch.Matches(keys, "pension"));
        Assert.True(ServiceSearch.Matches(keys, ""));
        Assert.False(ServiceSearch.Matches(keys, "ylj 户口"));
        Assert.False(ServiceSearch.Matches(keys, "gljt"));
    }
}
