namespace Scheduler.Pages;

/// <summary>What the pages say when a use case refuses, by its problem code: each in the reader's words, naming the field.</summary>
public sealed partial record Words
{
    // Booking, moving, cancelling and the mobile's code
    public static readonly Words ProblemSlotFull = new("这个时间已约满，请选择其他时间。", "That time is fully booked; please choose another.");
    public static readonly Words ProblemMobile = new("手机号码不正确，请检查（11位数字，如 139 1234 5678）。", "The mobile number is not right; please check it (11 digits, e.g. 139 1234 5678).");
    public static readonly Words ProblemProxyNameEmpty = new("请填写您（代办人）的姓名。", "Please enter your name (the helper's).");
    public static readonly Words ProblemProxyNameTooLong = new("代办人姓名太长（最多50个字）。", "The helper's name is too long (50 characters at most).");
    public static readonly Words ProblemProxyNameCharacters = new("代办人姓名中有无法识别的字符。", "The helper's name contains characters that cannot be used.");
    public static readonly Words ProblemNameEmpty = new("请填写办事人姓名。", "Please enter the name of the person the appointment is for.");
    public static readonly Words ProblemNameTooLong = new("办事人姓名太长（最多50个字）。", "The name is too long (50 characters at most).");
    public static readonly Words ProblemNameCharacters = new("办事人姓名中有无法识别的字符。", "The name contains characters that cannot be used.");
    public static readonly Words ProblemRelationship = new("请填写您与办事人的关系（最多30个字）。", "Please say how you are related to the person (30 characters at most).");
    public static readonly Words ProblemConsent = new("代为预约须经办事人同意，请勾选“办事人已同意由我代为预约”。", "Booking for someone needs their agreement: please tick “The person agrees that I book for them”.");
    public static readonly Words ProblemTooManyActive = new("这个手机号的预约已达上限，请先取消一个。", "This mobile number has as many appointments as allowed; cancel one first.");
    public static readonly Words ProblemGreenPending = new("这个手机号已有一个绿色通道预约尚未在窗口核实。请不选绿色通道预约，或在那次办理后再选。",
        "This mobile already has a green-channel appointment not yet checked at the window. Book without the green channel, or choose it after that visit.");
    public static readonly Words ProblemGreenRefused = new("这个手机号的绿色通道申请多次经窗口核实不符，不能再选绿色通道。请不选绿色通道预约，如有需要请到窗口咨询。",
        "Staff found this mobile's green-channel claims did not hold, so it can no longer choose the green channel. Book without it, or ask at the centre.");
    public static readonly Words ProblemDuplicate = new("当天已预约过这个事项。", "There is already an appointment for this service that day.");
    public static readonly Words ProblemAfterCutoff = new("这个时间已停止预约，请选择其他时间。", "Booking for that time has closed; please choose another.");
    public static readonly Words ProblemInThePast = new("这个时间已经过去，请选择其他时间。", "That time has passed; please choose another.");
    public static readonly Words ProblemStarted = new("预约已开始，无法更改。", "The appointment has started and cannot be changed.");
    public static readonly Words ProblemArchived = new("这个预约早已过去，记录已存档，无法更改。", "This appointment is long past; its record is archived and cannot be changed.");
    public static readonly Words ProblemOutsideHours = new("这个时间不在办理时间内，请选择其他时间。", "That time is outside the hours for this service; please choose another.");
    public static readonly Words ProblemClosed = new("中心这一天不办理这个事项，请选择其他日期。", "The centre does not offer this service that day; please choose another.");
    public static readonly Words ProblemBeyondHorizon = new("这一天还不能预约，请选择近一些的日期。", "That day cannot be booked yet; please choose an earlier one.");
    public static readonly Words ProblemNotActive = new("这个预约已取消或已办结，不能再更改。", "This appointment is cancelled or done and cannot be changed.");
    public static readonly Words ProblemVerify = new("请先验证手机号码。", "Please verify the mobile number first.");
    public static readonly Words ProblemWrongCode = new("验证码不正确，请重新填写。", "The code is not right; please enter it again.");
    public static readonly Words ProblemCodeExpired = new("验证码已过期，请点“重新发送验证码”。", "The code has expired; tap “Send the code again”.");
    public static readonly Words ProblemCodeAttempts = new("验证码错误次数过多，请点“重新发送验证码”。", "Too many wrong codes; tap “Send the code again”.");
    public static readonly Words ProblemInvalidCode = new("验证码是短信中的6位数字。", "The code is the 6 digits in the SMS.");
    public static readonly Words ProblemRateLimited = new("操作太频繁，请稍后再试。", "Too many attempts; please try again later.");
    public static readonly Words ProblemTooLateToConfirm = new("确认时间已过，预约已失效。请重新预约。", "It is too late to confirm; the appointment has lapsed. Please book again.");
    public static readonly Words ProblemOther = new("无法完成，请检查后重试，或拨打咨询电话。", "This could not be done; please check and try again, or call us.");

    // The home-visit request page
    public static readonly Words HomeVisitProblemName = new("请填写居民姓名（最多50个字）。", "Please enter the resident's name (50 characters at most).");
    public static readonly Words HomeVisitProblemMobile = new("联系手机不正确，请检查（11位数字）。", "The mobile number is not right; please check it (11 digits).");
    public static readonly Words HomeVisitProblemIdNumber = new("身份证号不正确，请检查，或不填。", "The ID number is not right; check it, or leave it empty.");
    public static readonly Words HomeVisitProblemReason = new("请选择为什么不能到中心来。", "Please choose why the resident cannot come to the centre.");
    public static readonly Words HomeVisitProblemLocation = new("没能读出住处的位置。位置可以不填，工作人员会按详细地址找到住处；在居民家中也可以再点“用我现在的位置”。",
        "The home's location could not be read. You can leave it out: staff find the home from the full address. At the home, you can also tap “Use where I am now” again.");
    public static readonly Words HomeVisitProblemLocationMap = new("没能读出住处的位置。位置可以不填，工作人员会按详细地址找到住处；也可以在地图上重新点出住处。",
        "The home's location could not be read. You can leave it out: staff find the home from the full address. You can also tap the home on the map again.");
    public static readonly Words HomeVisitProblemOutsideArea = new("这个住处不在中心的上门服务范围内，请拨打咨询电话。", "This home is outside the centre's service area; please call us.");
    public static readonly Words HomeVisitProblemAddress = new("请填写详细地址（最多200个字）。", "Please enter the full address (200 characters at most).");
    public static readonly Words HomeVisitProblemNotes = new("补充说明太长（最多500个字）。", "The note is too long (500 characters at most).");
    public static readonly Words HomeVisitProblemItem = new("这个事项暂时不能上门办理，请换一个或拨打咨询电话。", "This service cannot be done at home for now; choose another or call us.");
    public static readonly Words HomeVisitProblemNoWindows = new("请至少选一个方便的时间。", "Please choose at least one time that suits.");
    public static readonly Words HomeVisitProblemWindows = new("选的时间有一个已经不能安排，请重新选择。", "One of the times chosen can no longer be planned; please choose again.");
    public static readonly Words HomeVisitProblemDuplicate = new("这位居民这一天已经申请过这个事项，不用重复申请。", "This resident already asked for this service that day; no need to ask again.");
    public static readonly Words HomeVisitProblemOther = new("无法提交，请检查后重试，或拨打咨询电话。", "This could not be sent; please check and try again, or call us.");

    // Too many requests (the rate gate's page)
    public static readonly Words TooManyTitle = new("请稍后再试", "Please try again later");
    public static readonly Words TryAgainInSeconds = new("操作太频繁了。为保护大家的预约，请在{0}秒后再试。", "Too many attempts from here. To keep everyone's bookings safe, please try again in {0} seconds.");
    public static readonly Words TryAgainInMinutes = new("操作太频繁了。为保护大家的预约，请在{0}分钟后再试。如有急事，请拨打咨询电话。", "Too many attempts from here. To keep everyone's bookings safe, please try again in {0} minutes. If it is urgent, call us.");
}
