using System.Text.RegularExpressions;

namespace Scheduler.Core.Notifications;

/// <summary>The kind of every message the centre sends; also the template's id and the <c>kind</c> shown in the local inbox.</summary>
public static class SmsKinds
{
    public const string BookingConfirmation = "booking-confirmation";
    public const string Rescheduled = "rescheduled";
    public const string CancelledByResident = "cancelled-by-resident";
    public const string CancelledByCentre = "cancelled-by-centre";
    public const string ConfirmationRequested = "confirmation-requested";
    public const string Confirmed = "confirmed";
    public const string Lapsed = "lapsed";
    public const string DayBeforeReminder = "day-before-reminder";
    public const string VisitReminder = "visit-reminder";
    public const string HomeVisitReceived = "home-visit-received";
    public const string HomeVisitApproved = "home-visit-approved";
    public const string HomeVisitRejected = "home-visit-rejected";
    public const string HomeVisitMoreInformation = "home-visit-more-information";
    public const string VisitTimePublished = "visit-time-published";
    public const string VisitCancelled = "visit-cancelled";
    public const string StaffDaySchedule = "staff-day-schedule";
    public const string StaffSessionOpened = "staff-session-opened";
    public const string ResidentSessionOpened = "resident-session-opened";
    public const string RatingRequest = "rating-request";
    public const string VisitRatingRequest = "visit-rating-request";
    public const string RatingThanks = "rating-thanks";
    public const string VerificationCode = "verification-code";
    public const string ReplyHelp = "reply-help";
    public const string ReplyChoices = "reply-choices";
    public const string ReplyBookChoices = "reply-book-choices";
    public const string ReplyNotPossible = "reply-not-possible";
    public const string ReplyChoicesExpired = "reply-choices-expired";
    public const string ReplyOptedOut = "reply-opted-out";
    public const string ReplyOptedIn = "reply-opted-in";
    public const string ReplyVisitConfirmed = "reply-visit-confirmed";
    public const string ReplyVisitChangeRequested = "reply-visit-change-requested";
}

/// <summary>
/// One message as data: its Chinese and English wording with <c>{variable}</c> placeholders, the most SMS parts its
/// longest rendering may take, and whether it may go at night (<see cref="Urgent"/>: sent in quiet hours too).
/// </summary>
public sealed record SmsTemplate(string Kind, string Zh, string En, int MaxSegments, bool Urgent = false)
{
    public string For(string language) => language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? En : Zh;

    public IEnumerable<string> Variables(string language) =>
        SmsRenderer.Placeholder().Matches(For(language)).Select(m => m.Groups[1].Value).Distinct();
}

/// <summary>
/// The variables templates may use, each with the longest value it is ever rendered with (longer values are cut
/// with an ellipsis) and whether it may hold Chinese text (then an English message may need UCS-2 too).
/// </summary>
public static class SmsVariables
{
    public sealed record Variable(int MaxLength, bool FreeText);

    public static readonly IReadOnlyDictionary<string, Variable> All = new Dictionary<string, Variable>
    {
        ["sign"] = new(12, true),        // the centre's SMS signature, 【湖里政务】
        ["name"] = new(10, true),        // the resident's name as booked
        ["service"] = new(16, true),     // a service item or bundle
        ["time"] = new(18, true),        // 12月1日(周二)09:00 / Tue 1 Dec 09:00
        ["oldtime"] = new(18, true),
        ["deadline"] = new(18, true),
        ["link"] = new(100, false),      // a short link: the public base URL and about 40 characters
        ["phone"] = new(20, false),      // the centre's phone number
        ["address"] = new(40, true),     // the centre's address, or a resident's home for staff
        ["reason"] = new(60, true),      // a dispatcher's words to the resident
        ["choices"] = new(90, true),     // numbered slots: "1) 12月1日 09:00" three times
        ["code"] = new(8, false),
        ["minutes"] = new(3, false),
        ["items"] = new(400, true),      // a staff member's day, in order
        ["count"] = new(3, false),
        ["rating"] = new(1, false),
        ["until"] = new(5, false),       // a time of day, 19:30
    };
}

/// <summary>Every template. Placeholders must name a variable of <see cref="SmsVariables"/>.</summary>
public static class SmsTemplates
{
    public static readonly IReadOnlyList<SmsTemplate> All =
    [
        new(SmsKinds.BookingConfirmation,
            "【{sign}】{name}您好，已为您预约{time}办理{service}。查看、改期或取消：{link} 也可回复：2取消，3改期。咨询电话{phone}",
            "[{sign}] {name}, you are booked for {service} at {time}. See, move or cancel: {link} or reply 2 to cancel, 3 to change. Call us: {phone}",
            5, Urgent: true),
        new(SmsKinds.ConfirmationRequested,
            "【{sign}】{name}您好，已为您预约{time}办理{service}。因此前有未到记录，请在{deadline}前回复1确认，否则预约将自动取消。也可打开{link} 咨询电话{phone}",
            "[{sign}] {name}, you are booked for {service} at {time}. As you missed earlier appointments, reply 1 by {deadline} to confirm or it lapses. Or open {link} Call us: {phone}",
            5, Urgent: true),
        new(SmsKinds.Confirmed,
            "【{sign}】{name}您好，您{time}的预约已确认。查看或取消：{link}",
            "[{sign}] {name}, your appointment at {time} is confirmed. See or cancel: {link}",
            3, Urgent: true),
        new(SmsKinds.Rescheduled,
            "【{sign}】{name}您好，您的{service}预约已由{oldtime}改到{time}。查看：{link} 回复2取消。咨询电话{phone}",
            "[{sign}] {name}, your {service} appointment moved from {oldtime} to {time}. See: {link} Reply 2 to cancel. Call us: {phone}",
            4, Urgent: true),
        new(SmsKinds.CancelledByResident,
            "【{sign}】{name}您好，您{time}的{service}预约已取消。如需再约，回复预约，或访问{link} 咨询电话{phone}",
            "[{sign}] {name}, your {service} appointment at {time} is cancelled. To book again reply BOOK or visit {link} Call us: {phone}",
            4, Urgent: true),
        new(SmsKinds.CancelledByCentre,
            "【{sign}】{name}您好，很抱歉，中心取消了您{time}的{service}预约。可选时间：{choices} 回复序号即可改约，或致电{phone}",
            "[{sign}] {name}, we are sorry: the centre cancelled your {service} appointment at {time}. Free times: {choices} Reply the number to book one, or call us: {phone}",
            5),
        new(SmsKinds.Lapsed,
            "【{sign}】{name}您好，您{time}的预约未在期限内确认，已自动取消。如需办理，回复预约或致电{phone}",
            "[{sign}] {name}, your appointment at {time} was not confirmed in time and has lapsed. To book again reply BOOK or call us: {phone}",
            3),
        new(SmsKinds.DayBeforeReminder,
            "【{sign}】{name}您好，提醒您明天{time}到{address}办理{service}。回复1确认，2取消，3改期。查看：{link} 咨询电话{phone}",
            "[{sign}] {name}, a reminder: {service} tomorrow at {time}, {address}. Reply 1 to confirm, 2 to cancel, 3 to change. See: {link} Call us: {phone}",
            5),
        new(SmsKinds.VisitReminder,
            "【{sign}】{name}您好，提醒您：工作人员明天{time}左右上门办理{service}，请在家等候。如有变化请致电{phone}",
            "[{sign}] {name}, a reminder: our staff visit you tomorrow around {time} for {service}. Please be at home. Changes: call us on {phone}",
            4),
        new(SmsKinds.HomeVisitReceived,
            "【{sign}】{name}您好，我们已收到您的上门服务申请（{service}），审核后短信告知结果。咨询电话{phone}",
            "[{sign}] {name}, we have your request for a home visit ({service}); we will tell you our decision by SMS. Call us: {phone}",
            3),
        new(SmsKinds.HomeVisitApproved,
            "【{sign}】{name}您好，您的上门服务申请（{service}）已通过，我们会再发短信告知上门时间。咨询电话{phone}",
            "[{sign}] {name}, your home-visit request ({service}) is approved; we will tell you the time by SMS. Call us: {phone}",
            3),
        new(SmsKinds.HomeVisitRejected,
            "【{sign}】{name}您好，您的上门服务申请（{service}）未通过：{reason}。如有疑问请致电{phone}",
            "[{sign}] {name}, your home-visit request ({service}) was not approved: {reason}. Questions: call us on {phone}",
            4),
        new(SmsKinds.HomeVisitMoreInformation,
            "【{sign}】{name}您好，您的上门服务申请（{service}）需要补充信息：{reason}。请致电{phone}",
            "[{sign}] {name}, we need more information for your home-visit request ({service}): {reason}. Please call us on {phone}",
            4),
        new(SmsKinds.VisitTimePublished,
            "【{sign}】{name}您好，工作人员将于{time}左右上门办理{service}，请在家等候。如有变化请致电{phone}",
            "[{sign}] {name}, our staff will visit you around {time} for {service}. Please be at home. Changes: call us on {phone}",
            3),
        new(SmsKinds.VisitCancelled,
            "【{sign}】{name}您好，您的上门服务（{service}）已取消。如需办理请重新申请或致电{phone}",
            "[{sign}] {name}, your home visit ({service}) is cancelled. To ask again, apply once more or call us on {phone}",
            3),
        new(SmsKinds.StaffDaySchedule,
            "【{sign}】{name}，{time}共{count}项：{items} 详情：{link}",
            "[{sign}] {name}, {time}, {count} items: {items} Details: {link}",
            10, Urgent: true), // the staff's own day at 07:30: quiet hours protect residents, not the start of a shift
        new(SmsKinds.StaffSessionOpened,
            "【{sign}】{name}，{time}至{until}加开{service}延时服务，已为您排班，请按时到岗。如有困难请致电{phone}",
            "[{sign}] {name}, an extended session opens {time} to {until} at the {service} windows and you are rostered for it. If you cannot come, call {phone}",
            3),
        new(SmsKinds.ResidentSessionOpened,
            "【{sign}】{name}您好，您希望的{time}至{until}办理{service}的延时服务已开放，现可预约：{link} 咨询电话{phone}",
            "[{sign}] {name}, the extended session you asked for, {time} to {until} for {service}, is open to book: {link} Call us: {phone}",
            4),
        new(SmsKinds.RatingRequest,
            "【{sign}】{name}您好，请为您{time}办理的{service}评价：回复1至5（5为很满意），可附原因，或点 {link} 评价。咨询电话{phone}",
            "[{sign}] {name}, please rate {service} of {time}: reply 1 to 5 (5 = very good), with a reason if you like, or open {link} Call us: {phone}",
            5),
        new(SmsKinds.VisitRatingRequest,
            "【{sign}】{name}您好，请为{time}的上门服务（{service}）评价：回复1至5（5为很满意），可附原因，或点 {link} 评价。咨询电话{phone}",
            "[{sign}] {name}, please rate the home visit ({service}) of {time}: reply 1 to 5 (5 = very good), with a reason if you like, or open {link} Call us: {phone}",
            5),
        new(SmsKinds.RatingThanks,
            "【{sign}】感谢您的评价（{rating}分）。如需帮助请致电{phone}",
            "[{sign}] Thank you for your rating ({rating}). For help call us on {phone}",
            2, Urgent: true),
        new(SmsKinds.VerificationCode,
            "【{sign}】验证码{code}，{minutes}分钟内有效。请勿告诉他人。",
            "[{sign}] Code {code}, valid {minutes} min. Do not share it.",
            1, Urgent: true),
        new(SmsKinds.ReplyHelp,
            "【{sign}】回复：1确认 2取消 3改期 预约 再次预约 退订 停止短信。咨询电话{phone}",
            "[{sign}] Reply 1 confirm, 2 cancel, 3 change, BOOK to book again, STOP to stop SMS. Call us: {phone}",
            2, Urgent: true),
        new(SmsKinds.ReplyChoices,
            "【{sign}】可改到：{choices} 回复序号即可改期（30分钟内有效），或打开{link}",
            "[{sign}] Move to: {choices} Reply the number (valid 30 min) or open {link}",
            4, Urgent: true),
        new(SmsKinds.ReplyBookChoices,
            "【{sign}】{service}可约时间：{choices} 回复序号即可预约（30分钟内有效）。咨询电话{phone}",
            "[{sign}] Free times for {service}: {choices} Reply the number to book (for 30 minutes). Call us: {phone}",
            4, Urgent: true),
        new(SmsKinds.ReplyNotPossible,
            "【{sign}】未能办理：{reason}。咨询电话{phone}",
            "[{sign}] That could not be done: {reason}. Call us: {phone}",
            3, Urgent: true),
        new(SmsKinds.ReplyChoicesExpired,
            "【{sign}】可选时间已过期，回复3获取新的时间。咨询电话{phone}",
            "[{sign}] Those choices have expired; reply 3 for new ones. Call us: {phone}",
            2, Urgent: true),
        new(SmsKinds.ReplyOptedOut,
            "【{sign}】您已退订，将不再收到短信。回复START恢复。咨询电话{phone}",
            "[{sign}] You will get no more SMS from us. Reply START to get them again. Call us: {phone}",
            2, Urgent: true),
        new(SmsKinds.ReplyOptedIn,
            "【{sign}】您已恢复接收短信。回复退订可停止。",
            "[{sign}] You will get our SMS again. Reply STOP to stop them.",
            1, Urgent: true),
        new(SmsKinds.ReplyVisitConfirmed,
            "【{sign}】{name}您好，已收到您的确认。上门时间：{time}，请在家等候。如需改期回复3，取消回复2。咨询电话{phone}",
            "[{sign}] {name}, thank you for confirming. Visit time: {time}. Please be at home. Reply 3 to change, 2 to cancel. Call us: {phone}",
            3, Urgent: true),
        new(SmsKinds.ReplyVisitChangeRequested,
            "【{sign}】{name}您好，已将您的改期要求转给调度员，{deadline}前会与您联系；新的上门时间将短信通知。咨询电话{phone}",
            "[{sign}] {name}, we passed your request to move the visit to our dispatchers, who will contact you by {deadline}; the new time comes by SMS. Call us: {phone}",
            4, Urgent: true),
    ];

    private static readonly Dictionary<string, SmsTemplate> ByKind = All.ToDictionary(t => t.Kind);

    /// <summary>
    /// The longest rendering of a template in a language: every variable at its longest, once in Latin letters and
    /// once in Chinese where the variable may hold Chinese (a Chinese name makes an English message UCS-2).
    /// </summary>
    public static (string Text, SmsLength Length) Longest(SmsTemplate template, string language)
    {
        (string, SmsLength) Render(bool chinese)
        {
            var values = SmsVariables.All.ToDictionary(v => v.Key, v => (string?)new string(chinese && v.Value.FreeText ? '鑫' : 'W', v.Value.MaxLength));
            var text = SmsRenderer.Render(template, language, values);
            return (text, SmsSegments.Count(text));
        }
        var latin = Render(false);
        var chinese = Render(true);
        return chinese.Item2.Segments >= latin.Item2.Segments ? chinese : latin;
    }

    /// <summary>The templates whose longest rendering takes more parts than their budget, with the count.</summary>
    public static IEnumerable<(SmsTemplate Template, string Language, int Segments)> OverBudget(IEnumerable<SmsTemplate> templates) =>
        from t in templates
        from lang in new[] { "zh", "en" }
        let segments = Longest(t, lang).Length.Segments
        where segments > t.MaxSegments
        select (t, lang, segments);

    public static SmsTemplate Get(string kind) => ByKind.TryGetValue(kind, out var t) ? t : throw new ArgumentException($"No SMS template '{kind}'.", nameof(kind));
}

/// <summary>
/// Renders a template: each value is cut to its variable's longest length; a placeholder without a value is an
/// error (<see cref="InvalidDataException"/>, so a queue message that needs it goes to its poison queue with the reason).
/// </summary>
public static partial class SmsRenderer
{
    [GeneratedRegex(@"\{([a-z]+)\}")]
    internal static partial Regex Placeholder();

    public static string Render(SmsTemplate template, string language, IReadOnlyDictionary<string, string?> values) =>
        Placeholder().Replace(template.For(language), m =>
        {
            var name = m.Groups[1].Value;
            if (!SmsVariables.All.TryGetValue(name, out var variable))
                throw new InvalidDataException($"Template '{template.Kind}' uses '{{{name}}}', which is not a known variable.");
            if (!values.TryGetValue(name, out var value) || string.IsNullOrWhiteSpace(value))
                throw new InvalidDataException($"Template '{template.Kind}' needs '{name}', which has no value.");
            return Cut(value.Trim(), variable.MaxLength);
        });

    /// <summary>The value, or its start with an ellipsis when longer than <paramref name="max"/> ("..." keeps GSM-7 text GSM-7).</summary>
    public static string Cut(string value, int max) =>
        value.Length <= max ? value : SmsSegments.IsGsm7(value) ? value[..(max - 2)] + ".." : value[..(max - 1)] + "…";
}
