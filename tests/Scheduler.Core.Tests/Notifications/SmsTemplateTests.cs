using NodaTime;
using Scheduler.Core.Notifications;
using Xunit;

namespace Scheduler.Core.Tests.Notifications;

public sealed class SmsTemplateTests
{
    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void Gsm7_text_takes_160_septets_in_one_part_and_153_per_part_when_split(int length, int segments)
    {
        var count = SmsSegments.Count(new string('a', length));
        Assert.Equal((SmsEncoding.Gsm7, segments), (count.Encoding, count.Segments));
    }

    [Fact]
    public void An_extension_character_takes_two_septets_and_is_never_split()
    {
        Assert.Equal((SmsEncoding.Gsm7, 160, 1), Parts(new string('a', 158) + "€"));
        Assert.Equal(2, SmsSegments.Count(new string('a', 159) + "€").Segments);
        // 152 septets, then an escape pair that does not fit in the first part's 153: it moves to the second whole.
        Assert.Equal((SmsEncoding.Gsm7, 154 + 8, 2), Parts(new string('a', 152) + "{" + new string('a', 8)));
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Ucs2_text_takes_70_units_in_one_part_and_67_per_part_when_split(int length, int segments)
    {
        var count = SmsSegments.Count(new string('政', length));
        Assert.Equal((SmsEncoding.Ucs2, segments), (count.Encoding, count.Segments));
    }

    [Fact]
    public void One_character_outside_gsm7_makes_the_whole_message_ucs2()
    {
        Assert.Equal(SmsEncoding.Ucs2, SmsSegments.Count("Your appointment 李芳").Encoding);
        Assert.Equal(SmsEncoding.Ucs2, SmsSegments.Count("Cut…").Encoding);
    }

    [Fact]
    public void Every_templates_longest_rendering_fits_its_budget()
    {
        var over = SmsTemplates.OverBudget(SmsTemplates.All).Select(o => $"{o.Template.Kind}/{o.Language}: {o.Segments} > {o.Template.MaxSegments}").ToList();
        Assert.True(over.Count == 0, string.Join("; ", over));
    }

    [Fact]
    public void A_template_whose_longest_rendering_exceeds_its_budget_is_caught()
    {
        var tooLong = new SmsTemplate("test", "【{sign}】{name}您好，{reason}{reason}", "[{sign}] {name}: {reason}", 1);
        var over = SmsTemplates.OverBudget([tooLong]).ToList();
        Assert.Equal(["zh", "en"], over.Select(o => o.Language));
    }

    [Fact]
    public void Every_template_names_only_known_variables_and_every_call_us_message_has_the_phone()
    {
        foreach (var t in SmsTemplates.All)
            foreach (var lang in new[] { "zh", "en" })
            {
                Assert.All(t.Variables(lang), v => Assert.True(SmsVariables.All.ContainsKey(v), $"{t.Kind}/{lang} uses unknown {v}"));
                var text = t.For(lang);
                if (text.Contains("致电") || text.Contains("电话") || text.Contains("call us", StringComparison.OrdinalIgnoreCase))
                    Assert.Contains("{phone}", text);
                Assert.Equal(t.Variables("zh").Order(), t.Variables("en").Order());
            }
    }

    [Fact]
    public void A_missing_variable_is_refused_with_its_name()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            SmsRenderer.Render(SmsTemplates.Get(SmsKinds.BookingConfirmation), "zh", new Dictionary<string, string?> { ["sign"] = "湖里政务", ["name"] = "李芳" }));
        Assert.Contains("'time'", error.Message);
    }

    [Fact]
    public void A_long_value_is_cut_to_its_variables_length()
    {
        var text = SmsRenderer.Render(new SmsTemplate("t", "{name}", "{name}", 1), "en", new Dictionary<string, string?> { ["name"] = "Alexandrina Victoria" });
        Assert.Equal("Alexandr..", text);
    }

    [Theory]
    [InlineData(22, 0, true, 8)]
    [InlineData(3, 0, false, 8)]
    [InlineData(7, 59, false, 8)]
    [InlineData(8, 0, false, null)]
    [InlineData(20, 59, false, null)]
    public void Quiet_hours_hold_a_message_until_eight_in_the_centres_zone(int hour, int minute, bool nextDay, int? until)
    {
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var now = new LocalDateTime(2026, 11, 27, hour, minute).InZoneStrictly(zone).ToInstant();
        var at = NotificationSettings.Default.SendAt(now, zone, urgent: false);
        var expected = until is null ? now : new LocalDateTime(2026, 11, nextDay ? 28 : 27, until.Value, 0).InZoneStrictly(zone).ToInstant();
        Assert.Equal(expected, at);
        Assert.Equal(now, NotificationSettings.Default.SendAt(now, zone, urgent: true));
    }

    [Fact]
    public void A_verification_code_and_the_staffs_0730_day_are_never_delayed_and_reminders_are()
    {
        Assert.True(SmsTemplates.Get(SmsKinds.StaffDaySchedule).Urgent);
        Assert.False(SmsTemplates.Get(SmsKinds.DayBeforeReminder).Urgent);
        Assert.False(SmsTemplates.Get(SmsKinds.CancelledByCentre).Urgent);
        Assert.True(SmsTemplates.Get(SmsKinds.VerificationCode).Urgent);
        Assert.Equal(1, SmsTemplates.Get(SmsKinds.VerificationCode).MaxSegments);
    }

    [Theory]
    [InlineData("1", null, 1, null)]
    [InlineData(" １ ", null, 1, null)]
    [InlineData("确认", "CONFIRM", null, null)]
    [InlineData("confirm", "CONFIRM", null, null)]
    [InlineData("取消", "CANCEL", null, null)]
    [InlineData("Change", "CHANGE", null, null)]
    [InlineData("改期", "CHANGE", null, null)]
    [InlineData("预约", "BOOK", null, null)]
    [InlineData("帮助", "HELP", null, null)]
    [InlineData("退订", "STOP", null, null)]
    [InlineData("stop", "STOP", null, null)]
    [InlineData("START", "START", null, null)]
    [InlineData("2，等太久了", null, 2, "等太久了")]
    [InlineData("hello", null, null, null)]
    [InlineData("123", null, null, null)]
    public void Replies_are_understood_in_chinese_and_english(string body, string? word, int? digit, string? rest)
    {
        Assert.Equal((word, digit, rest), HandleInboundSms.Parse(body));
    }

    private static (SmsEncoding, int, int) Parts(string text)
    {
        var c = SmsSegments.Count(text);
        return (c.Encoding, c.Units, c.Segments);
    }
}
