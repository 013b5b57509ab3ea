namespace Scheduler.Pages;

/// <summary>The mobile-verification step of booking.</summary>
public sealed partial record Words
{
    public static readonly Words BookLinkHint = new("您打开的是服务中心发给您的预约链接：填写收到这条链接的手机号，预约时不用再输入短信验证码。",
        "You opened a booking link from the centre: give the mobile it was sent to, and no SMS code is needed.");
    public static readonly Words VerifyTitle = new("输入短信验证码", "Enter the code from the SMS");
    public static readonly Words VerifyCode = new("短信验证码（6位数字）", "Code from the SMS (6 digits)");
    public static readonly Words VerifyResend = new("没收到？重新发送验证码", "No SMS? Send the code again");
    public static readonly Words VerifyWhy = new("为保护您的预约，第一次用这个手机号预约时需要验证。验证后7天内在这部手机上预约不用再填。",
        "To protect your appointment, a number is checked the first time it books. This phone will not be asked again for 7 days.");
    public static readonly Words VerifyResendWait = new("如果没收到短信，{0}秒后可以重新发送验证码。", "If no SMS comes, you can ask for a new code in {0} seconds.");
    public static readonly Words VerifyResendReady = new("现在可以重新发送验证码了。", "You can ask for a new code now.");
    public static readonly Words CodeSentTo = new("验证码已发送到 {0}。", "A code was sent to {0}.");
    public static readonly Words VerifyWhyHomeVisit = new("审核结果和上门时间会发短信到这个号码，所以先要确认号码是您的。验证后7天内在这部手机上申请不用再填。",
        "The decision and the visit time come by SMS to this number, so we first check that it is yours. This phone will not be asked again for 7 days.");
    public static readonly Words VerifyEdit = new("改手机号码或其他信息", "Change the mobile number or other details");
}
