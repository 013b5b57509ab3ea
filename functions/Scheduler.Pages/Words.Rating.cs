namespace Scheduler.Pages;

/// <summary>What the rating page says.</summary>
public sealed partial record Words
{
    public static readonly Words RateTitle = new("评价这次办事", "Rate this visit");
    public static readonly Words RateQuestion = new("您对这次办事满意吗？", "How satisfied are you with this visit?");
    public static readonly Words Rate1 = new("1 很不满意", "1 Very poor");
    public static readonly Words Rate2 = new("2 不满意", "2 Poor");
    public static readonly Words Rate3 = new("3 一般", "3 Fair");
    public static readonly Words Rate4 = new("4 满意", "4 Good");
    public static readonly Words Rate5 = new("5 很满意", "5 Very good");
    public static readonly Words RateReason = new("原因（可不填）", "Why (optional)");
    public static readonly Words RateSend = new("提交评价", "Send my rating");
    public static readonly Words RateThanks = new("感谢您的评价！如果不满意，工作人员会在3个工作日内联系您。", "Thank you for your rating. If you were not satisfied, staff will contact you within 3 working days.");
    public static readonly Words RateChoose = new("请选择1到5分。", "Please choose 1 to 5.");
    public static readonly Words RateNotYet = new("办结后才能评价。", "You can rate once the visit is done.");
    public static readonly Words RateAlready = new("这次办事已经评价过了，谢谢！", "This visit has been rated already. Thank you!");

    public static readonly Words VisitRateTitle = new("评价这次上门服务", "Rate this home visit");
    public static readonly Words VisitRateQuestion = new("您对这次上门服务满意吗？", "How satisfied are you with this home visit?");
    public static readonly Words AtYourHome = new("上门服务（您家中）", "A home visit (at your home)");
    public static readonly Words VisitArranged = new("已安排上门", "Visit arranged");
    public static readonly Words VisitNotMade = new("已取消或未通过", "Cancelled or not approved");
    public static readonly Words VisitNotRateable = new("这次上门服务已取消或未通过，不能评价。", "This home visit was cancelled or not approved, so it cannot be rated.");
    public static readonly Words NotFoundVisit = new("找不到这次上门服务。", "This home visit cannot be found.");
}
