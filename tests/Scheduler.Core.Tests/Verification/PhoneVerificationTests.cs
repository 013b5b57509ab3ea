using NodaTime;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests.Verification;

public sealed class PhoneVerificationTests
{
    private readonly BookingWorld _w = new();
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_code_goes_out_at_once_as_six_digits_and_is_stored_only_as_a_hash()
    {
        var mobile = BookingWorld.NewMobile();
        var sent = await _w.Verification.SendCodeAsync(TestCentre.Id, mobile, "zh", None);

        Assert.Equal(TestCentre.Now + Duration.FromMinutes(5), sent.Value!.Expires);
        var sms = Assert.Single(_w.Sms.Sent);
        Assert.Equal(SmsKinds.VerificationCode, sms.Kind);
        Assert.Equal("+86" + mobile, sms.To);
        var code = System.Text.RegularExpressions.Regex.Match(sms.Text, "[0-9]{6}").Value;
        Assert.Equal(6, code.Length);
        var stored = (await _w.Verifications.GetAsync(TestCentre.Id, _w.MobileKey(mobile), None))!.Challenge;
        Assert.DoesNotContain(code, System.Text.Json.JsonSerializer.Serialize(stored));
        Assert.DoesNotContain(mobile, System.Text.Json.JsonSerializer.Serialize(stored));
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("")]
    public async Task A_code_that_is_not_six_digits_is_invalid_input(string code)
    {
        var mobile = "+86" + BookingWorld.NewMobile();
        await _w.SendCodeAsync(mobile);

        var checkedCode = await _w.Verification.CheckCodeAsync(TestCentre.Id, mobile, code, None);

        Assert.Equal((ProblemKind.Invalid, ErrorCodes.InvalidCode), (checkedCode.Error?.Kind, checkedCode.Error?.Code));
    }

    [Fact]
    public async Task Wrong_codes_are_counted_and_after_the_last_attempt_even_the_right_one_fails()
    {
        var mobile = "+86" + BookingWorld.NewMobile();
        var code = await _w.SendCodeAsync(mobile);
        var wrong = code == "000000" ? "111111" : "000000";

        for (var i = 1; i < PhoneVerificationSettings.Default.MaxAttempts; i++)
            Assert.Equal(ErrorCodes.WrongCode, (await _w.Verification.CheckCodeAsync(TestCentre.Id, mobile, wrong, None)).Error?.Code);
        Assert.Equal(ErrorCodes.CodeAttemptsExhausted, (await _w.Verification.CheckCodeAsync(TestCentre.Id, mobile, wrong, None)).Error?.Code);

        Assert.Equal(ErrorCodes.CodeAttemptsExhausted, (await _w.Verification.CheckCodeAsync(TestCentre.Id, mobile, code, None)).Error?.Code);
    }

    [Fact]
    public async Task A_code_expires_and_a_new_code_replaces_the_old_one()
    {
        var mobile = "+86" + BookingWorld.NewMobile();
        var old = await _w.SendCodeAsync(mobile);
        var fresh = await _w.SendCodeAsync(mobile);

        if (old != fresh) Assert.Equal(ErrorCodes.WrongCode, (await _w.Verification.CheckCodeAsync(TestCentre.Id, mobile, old, None)).Error?.Code);
        _w.Clock.Advance(Duration.FromMinutes(5));
        Assert.Equal(ErrorCodes.CodeExpired, (await _w.Verification.CheckCodeAsync(TestCentre.Id, mobile, fresh, None)).Error?.Code);
    }

    [Fact]
    public async Task A_code_never_sent_is_expired_not_guessable()
    {
        var checkedCode = await _w.Verification.CheckCodeAsync(TestCentre.Id, "+86" + BookingWorld.NewMobile(), "123456", None);

        Assert.Equal(ErrorCodes.CodeExpired, checkedCode.Error?.Code);
    }

    [Fact]
    public async Task Racing_wrong_guesses_never_get_more_attempts_than_allowed()
    {
        var mobile = "+86" + BookingWorld.NewMobile();
        var code = await _w.SendCodeAsync(mobile);
        var guesses = Enumerable.Range(0, 40).Select(i => i.ToString("D6")).Where(g => g != code).Take(30).ToList();

        var results = await Task.WhenAll(guesses.Select(g => Task.Run(() => _w.Verification.CheckCodeAsync(TestCentre.Id, mobile, g, None))));

        Assert.All(results, r => Assert.Null(r.Value));
        Assert.Equal(PhoneVerificationSettings.Default.MaxAttempts - 1, results.Count(r => r.Error?.Code == ErrorCodes.WrongCode));
        var stored = (await _w.Verifications.GetAsync(TestCentre.Id, _w.Pseudonyms.Mobile(mobile), None))!.Challenge;
        Assert.Equal(PhoneVerificationSettings.Default.MaxAttempts, stored.FailedAttempts);
    }

    [Fact]
    public async Task A_mobile_that_is_not_a_mobile_gets_no_code()
    {
        var sent = await _w.Verification.SendCodeAsync(TestCentre.Id, "12345", "zh", None);

        Assert.Equal(("mobile", ErrorCodes.InvalidMobile), (sent.Error?.Field, sent.Error?.Code));
        Assert.Empty(_w.Sms.Sent);
    }
}
