using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Identity;
using Xunit;

namespace Scheduler.Core.Tests;

public sealed class ResidentTokenTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 27, 1, 0));

    [Fact]
    public void A_token_claiming_a_ten_year_life_is_refused_when_read()
    {
        var tokens = new ResidentTokenService(Key, _clock);
        var decade = tokens.Issue("huli", "appointment/a1", "manage", Duration.FromDays(3650));
        var longest = tokens.Issue("huli", "appointment/a1", "manage", ResidentTokenService.DefaultMaxLifetime);

        Assert.Equal(TokenProblem.Malformed, tokens.TryRead(decade, out _));
        Assert.Equal(TokenProblem.None, tokens.TryRead(longest, out _));
    }

    [Fact]
    public void An_issued_token_reads_back_with_its_subject_purpose_and_expiry()
    {
        var tokens = new ResidentTokenService(Key, _clock);
        var token = tokens.Issue("huli", "appointment/a-1", "manage", Duration.FromHours(2));

        Assert.Equal(TokenProblem.None, tokens.TryRead(token, out var read));
        Assert.Equal(new ResidentToken("huli", "appointment/a-1", "manage", Instant.FromUtc(2026, 11, 27, 3, 0)), read);
    }

    [Fact]
    public void A_token_is_refused_from_the_moment_it_expires()
    {
        var tokens = new ResidentTokenService(Key, _clock);
        var token = tokens.Issue("huli", "appointment/a-1", "manage", Duration.FromHours(2));

        _clock.Advance(Duration.FromHours(2) - Duration.FromSeconds(1));
        Assert.Equal(TokenProblem.None, tokens.TryRead(token, out _));
        _clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(TokenProblem.Expired, tokens.TryRead(token, out var read));
        Assert.Null(read);
    }

    [Fact]
    public void A_token_signed_with_another_key_or_altered_is_refused()
    {
        var ours = new ResidentTokenService(Key, _clock);
        var theirs = new ResidentTokenService(Enumerable.Repeat((byte)7, 32).ToArray(), _clock);
        var forged = theirs.Issue("huli", "appointment/a-1", "manage", Duration.FromHours(2));
        var genuine = ours.Issue("huli", "appointment/a-1", "manage", Duration.FromHours(2));
        var otherSubject = ours.Issue("huli", "appointment/a-2", "manage", Duration.FromHours(2));
        var spliced = otherSubject.Split('.')[0] + "." + genuine.Split('.')[1];

        Assert.Equal(TokenProblem.BadSignature, ours.TryRead(forged, out _));
        Assert.Equal(TokenProblem.BadSignature, ours.TryRead(spliced, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot-here")]
    [InlineData("a.b.c")]
    [InlineData("!!!.???")]
    public void Malformed_tokens_are_refused_without_an_exception(string? token)
    {
        var tokens = new ResidentTokenService(Key, _clock);
        Assert.Equal(TokenProblem.Malformed, tokens.TryRead(token, out _));
    }

    [Fact]
    public void A_short_signing_key_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ResidentTokenService(new byte[16], _clock));
    }

    [Fact]
    public void The_token_carries_no_personal_data()
    {
        var tokens = new ResidentTokenService(Key, _clock);
        var token = tokens.Issue("huli", "appointment/a-1", "manage", Duration.FromHours(2));
        var payload = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token.Split('.')[0].Replace('-', '+').Replace('_', '/').PadRight((token.Split('.')[0].Length + 3) / 4 * 4, '=')));
        Assert.Equal("huli\u001fappointment/a-1\u001fmanage\u001f" + Instant.FromUtc(2026, 11, 27, 3, 0).ToUnixTimeSeconds(), payload);
    }
}
