using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Catalogue;

namespace Scheduler.Functions.Pages;

/// <summary>Everything the resident pages say, in Chinese and English, and dates shown the way each reader expects.</summary>
public sealed class PageText
{
    private static readonly string[] ZhWeekdays = ["", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];

    private PageText(string language) => Language = language;

    public string Language { get; }
    public bool English => Language == "en";
    public string HtmlLang => English ? "en" : "zh-CN";

    public static PageText For(string? language) => new(language == "en" ? "en" : "zh");

    public string T(string zh, string en) => English ? en : zh;

    public string Of(LocalizedText text) => English ? text.En : text.Zh;

    /// <summary>11月27日 星期五, or Fri 27 Nov.</summary>
    public string Date(LocalDate d) => English
        ? d.ToString("ddd d MMM", System.Globalization.CultureInfo.GetCultureInfo("en-GB"))
        : $"{d.Month}月{d.Day}日 {ZhWeekdays[(int)d.DayOfWeek]}";

    /// <summary>上午9:30 / 下午2:15, or 9:30 am.</summary>
    public string Time(LocalTime t)
    {
        var hour12 = t.Hour % 12 == 0 ? 12 : t.Hour % 12;
        if (English) return $"{hour12}:{t.Minute:D2} {(t.Hour < 12 ? "am" : "pm")}";
        var part = t.Hour < 12 ? "上午" : t.Hour < 13 ? "中午" : t.Hour < 18 ? "下午" : "晚上";
        return $"{part}{hour12}:{t.Minute:D2}";
    }

    public string When(LocalDate d, LocalTime t) => $"{Date(d)} {Time(t)}";

    public string Status(AppointmentStatus s) => s switch
    {
        AppointmentStatus.Booked => T("已预约", "Booked"),
        AppointmentStatus.AwaitingConfirmation => T("待确认", "Waiting for your confirmation"),
        AppointmentStatus.CheckedIn => T("已签到", "Checked in"),
        AppointmentStatus.Served => T("已办结", "Served"),
        AppointmentStatus.NoShow => T("未到", "Missed"),
        AppointmentStatus.Cancelled => T("已取消", "Cancelled"),
        AppointmentStatus.Lapsed => T("已失效", "Lapsed"),
        _ => s.ToString(),
    };

    public string Priority(PriorityReason p) => p switch
    {
        PriorityReason.Elderly => T("老年人", "Older person"),
        PriorityReason.Disabled => T("残疾人", "Person with a disability"),
        PriorityReason.Pregnant => T("孕妇", "Pregnant woman"),
        PriorityReason.SeriouslyIll => T("重病患者", "Seriously ill"),
        PriorityReason.NamedGroup => T("中心指定人群", "A group the centre names"),
        _ => p.ToString(),
    };
}
