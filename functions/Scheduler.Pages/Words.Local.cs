namespace Scheduler.Pages;

/// <summary>What the local phone, the staff day, the rating and the home-visit pages say.</summary>
public sealed partial record Words
{
    public static readonly Words PhoneTitle = new("本地手机（开发用）", "Local phone (development)");
    public static readonly Words PhoneNote = new("本地短信，最新的在最下面。", "Local SMS, newest last.");
    public static readonly Words PhoneReply = new("回复", "Reply");
    public static readonly Words PhoneSend = new("发送", "Send");
    public static readonly Words PhoneEmpty = new("还没有短信。", "No messages yet.");
    public static readonly Words PhoneSent = new("已发送，等待回复…", "Sent; waiting for the answer…");
    public static readonly Words PhoneRefused = new("未能发送：", "Refused: ");

    public static readonly Words StaffDayTitle = new("{0}的日程", "{0}'s day");
    public static readonly Words StaffDayNothing = new("今天没有安排。", "Nothing planned.");
    public static readonly Words CalendarFeed = new("订阅到手机日历", "Subscribe in your phone's calendar");
    public static readonly Words PreviousDay = new("前一天", "Previous day");
    public static readonly Words NextDay = new("后一天", "Next day");
    public static readonly Words DayVisit = new("上门：{0}，{1}", "Home visit: {0}, {1}");
    public static readonly Words DayWindowBesideVisits = new("窗口：{0}（上门之外的时间）", "Window: {0} (outside the visits)");
    public static readonly Words VisitDoneButton = new("已上门服务", "Visit done");
    public static readonly Words VisitNotHomeButton = new("未上门：不在家", "Not done: not at home");
    public static readonly Words VisitRefusedButton = new("未上门：拒绝服务", "Not done: refused");
    public static readonly Words VisitRecordedDone = new("已记录：已上门服务", "Recorded: visit done");
    public static readonly Words VisitRecordedNotDone = new("已记录：未上门（{0}）", "Recorded: not done ({0})");
    public static readonly Words ReasonNotHome = new("不在家", "not at home");
    public static readonly Words ReasonRefused = new("拒绝服务", "refused");
    public static readonly Words ReasonOther = new("其他", "other");
    public static readonly Words VisitOutcomeSaved = new("已记录，谢谢。", "Recorded, thank you.");
    public static readonly Words VisitOutcomeConflict = new("这次上门已记录了其他结果；如需更正，请联系调度。", "Another outcome was recorded for this visit; ask a dispatcher to correct it.");
    public static readonly Words VisitOutcomeNotYet = new("上门当天或之后才能记录结果。", "A visit's outcome is recorded on its day or after.");
    public static readonly Words VisitOutcomeNotPossible = new("无法记录这次上门，请联系调度。", "This visit cannot be recorded; ask a dispatcher.");
    public static readonly Words NoSuchSchedule = new("没有这个日程，链接可能已失效。", "There is no such schedule; the link may have been revoked.");
}
