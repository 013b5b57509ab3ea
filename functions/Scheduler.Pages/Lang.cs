using System.Globalization;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Catalogue;

namespace Scheduler.Pages;

/// <summary>The reader's language (Chinese unless English is asked for) and dates and times shown the way each reader expects.</summary>
public sealed class Lang
{
    private static readonly string[] ZhWeekdays = ["", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];
    private static readonly string[] ZhShortWeekdays = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"];

    private Lang(string code) => Code = code;

    public static Lang Zh { get; } = new("zh");
    public static Lang En { get; } = new("en");

    /// <summary><c>zh</c> or <c>en</c>, as the pages carry it in <c>lang=</c>.</summary>
    public string Code { get; }
    public bool English => Code == "en";
    public string HtmlLang => English ? "en" : "zh-CN";
    public Lang Other => English ? Zh : En;

    public static Lang For(string? code) => code == "en" ? En : Zh;

    public string this[Words words] => English ? words.En : words.Zh;

    public string Of(LocalizedText text) => English ? text.En : text.Zh;

    /// <summary>11月27日 星期五, or Fri 27 Nov.</summary>
    public string Date(LocalDate d) => English
        ? d.ToString("ddd d MMM", CultureInfo.GetCultureInfo("en-GB"))
        : $"{d.Month}月{d.Day}日 {ZhWeekdays[(int)d.DayOfWeek]}";

    public string Weekday(IsoDayOfWeek day, bool brief = false) => English
        ? CultureInfo.GetCultureInfo("en-GB").DateTimeFormat.GetAbbreviatedDayName((DayOfWeek)((int)day % 7))
        : (brief ? ZhShortWeekdays : ZhWeekdays)[(int)day];

    /// <summary>上午9:30 / 下午2:15, or 9:30 am.</summary>
    public string Time(LocalTime t)
    {
        var hour12 = t.Hour % 12 == 0 ? 12 : t.Hour % 12;
        if (English) return $"{hour12}:{t.Minute:D2} {(t.Hour < 12 ? "am" : "pm")}";
        var part = t.Hour < 12 ? "上午" : t.Hour < 13 ? "中午" : t.Hour < 18 ? "下午" : "晚上";
        return $"{part}{hour12}:{t.Minute:D2}";
    }

    /// <summary>24-hour clock, for ranges such as opening hours: 8:30.</summary>
    public static string Clock(LocalTime t) => $"{t.Hour}:{t.Minute:D2}";

    public string When(LocalDate d, LocalTime t) => $"{Date(d)} {Time(t)}";

    public string Status(AppointmentStatus s) => this[s switch
    {
        AppointmentStatus.Booked => Words.StatusBooked,
        AppointmentStatus.AwaitingConfirmation => Words.StatusAwaiting,
        AppointmentStatus.CheckedIn => Words.StatusCheckedIn,
        AppointmentStatus.Served => Words.StatusServed,
        AppointmentStatus.NoShow => Words.StatusNoShow,
        AppointmentStatus.Cancelled => Words.StatusCancelled,
        AppointmentStatus.Lapsed => Words.StatusLapsed,
        _ => Words.Unknown,
    }];

    public string Priority(PriorityReason p) => this[p switch
    {
        PriorityReason.Elderly => Words.PriorityElderly,
        PriorityReason.Disabled => Words.PriorityDisabled,
        PriorityReason.Pregnant => Words.PriorityPregnant,
        PriorityReason.SeriouslyIll => Words.PriorityIll,
        PriorityReason.NamedGroup => Words.PriorityNamedGroup,
        _ => Words.Unknown,
    }];

    /// <summary>A text with its placeholders ({0}, {1}, ...) filled in.</summary>
    public string Format(Words words, params object[] args) => string.Format(CultureInfo.InvariantCulture, this[words], args);

    /// <summary>"还有3个名额" / "3 places left": the free seats of a time in words.</summary>
    public string SeatsLeft(int free) => free switch
    {
        <= 0 => this[Words.NoSeats],
        1 => this[Words.SeatsOneLeft],
        <= 3 => Format(Words.SeatsFewLeft, free),
        _ => Format(Words.SeatsFree, free),
    };

    public string TimesFree(int count) => count == 1 ? this[Words.TimesFreeOne] : Format(Words.TimesFreeMany, count);

    public string About(int minutes) => Format(Words.AboutMinutes, minutes);

    public string Promised(int? days) => days is { } d ? Format(Words.PromisedDays, d) : this[Words.DoneWhileYouWait];

    /// <summary>When to try again, in words: "请在2分钟后再试" / "Please try again in 2 minutes".</summary>
    public string TryAgainIn(int seconds) => seconds < 60
        ? Format(Words.TryAgainInSeconds, seconds)
        : Format(Words.TryAgainInMinutes, (seconds + 59) / 60);
}

/// <summary>One text in both languages: Chinese first, English second.</summary>
public sealed partial record Words(string Zh, string En);
