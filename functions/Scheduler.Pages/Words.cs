namespace Scheduler.Pages;

/// <summary>Everything the pages say, each text once, Chinese first and English second.</summary>
public sealed partial record Words
{
    public static readonly Words Unknown = new("未知", "Unknown");
    public static readonly Words ArchivedAppointment = new("这个预约（{0}）已经过去，记录已存档保存，不能再更改或评价。如需办理，请重新预约。",
        "This appointment ({0}) is past; its record is kept in the archive and can no longer be changed or rated. To come again, book a new appointment.");
    public static readonly Words SwitchLanguage = new("English", "中文");
    public static readonly Words Address = new("地址", "Address");
    public static readonly Words Hours = new("办公时间", "Opening hours");
    public static readonly Words Phone = new("咨询电话", "Phone");
    public static readonly Words LunchOpen = new("中午不休息", "Open at lunchtime");
    public static readonly Words DayRange = new("{0}至{1}", "{0}–{1}");
    public static readonly Words HoursOnlyFor = new("（{0}）", " ({0} only)");
    public static readonly Words ListSeparator = new("、", ", ");
    public static readonly Words Steps = new("预约步骤", "Steps");
    public static readonly Words Back = new("返回上一步", "Back");
    public static readonly Words HomeVisitLink = new("行动不便？申请上门服务", "Cannot come in? Ask for a home visit");
    public static readonly Words BookLink = new("预约到中心办事", "Book a visit to the centre");

    // Choose a service
    public static readonly Words BookTitle = new("预约办事", "Book a visit");
    public static readonly Words BookIntro = new("请选择要办理的事项。点一下就进入下一步。", "Choose what you need to do. One tap takes you to the next step.");
    public static readonly Words SearchLabel = new("查找事项（可输入名称或拼音首字母，如 ylj）", "Find a service (name, or pinyin initials such as ylj)");
    public static readonly Words SearchButton = new("查找", "Find");
    public static readonly Words SearchNone = new("没有找到这个事项。可以换个说法，或拨打咨询电话。", "No service matches. Try other words, or call us.");
    public static readonly Words SearchShowAll = new("显示全部事项", "Show every service");
    public static readonly Words MostAsked = new("大家常办", "Most people come for");
    public static readonly Words OneVisit = new("一件事一次办", "Several services in one visit");
    public static readonly Words DoneWhileYouWait = new("当场办结", "Done while you wait");
    public static readonly Words PromisedDays = new("承诺{0}个工作日办结", "Done within {0} working days");
    public static readonly Words AboutMinutes = new("约{0}分钟", "about {0} minutes");
    public static readonly Words StepOf = new("第{0}步，共{1}步", "Step {0} of {1}");

    // Choose a day and a time
    public static readonly Words ChooseDay = new("选择日期", "Choose a day");
    public static readonly Words ChooseTime = new("选择时间", "Choose a time");
    public static readonly Words OtherDay = new("换一天", "Another day");
    public static readonly Words Morning = new("上午", "Morning");
    public static readonly Words Afternoon = new("下午", "Afternoon");
    public static readonly Words Evening = new("晚上", "Evening");
    public static readonly Words NoSeats = new("已约满", "Full");
    public static readonly Words SeatsOneLeft = new("只剩1个名额", "1 place left");
    public static readonly Words SeatsFewLeft = new("还剩{0}个名额", "{0} places left");
    public static readonly Words SeatsFree = new("还有{0}个名额", "{0} places free");
    public static readonly Words TimesFreeOne = new("1个时段可约", "1 time free");
    public static readonly Words TimesFreeMany = new("{0}个时段可约", "{0} times free");
    public static readonly Words FullyBooked = new("近期已约满。可申请中午、晚上或周末办理，请拨打咨询电话。", "Fully booked for now. You can ask the centre for a lunchtime, evening or weekend time: call us.");
    public static readonly Words DayFull = new("这一天已约满，请换一天。", "That day is full; please choose another.");
    public static readonly Words NoSuchService = new("没有这个事项。", "There is no such service.");

    // Your details
    public static readonly Words DetailsTitle = new("填写信息", "Your details");
    public static readonly Words Name = new("办事人姓名", "Name of the person the appointment is for");
    public static readonly Words Mobile = new("手机号码（接收短信）", "Mobile number (for the SMS)");
    public static readonly Words PriorityQuestion = new("办事人是60岁以上老人、残疾人、孕妇或重病患者吗？", "Is the person aged 60 or over, disabled, pregnant or seriously ill?");
    public static readonly Words PriorityHint = new("是的话可以优先办理，到场时请出示证明。", "If so they are served first; please bring proof.");
    public static readonly Words PriorityNo = new("不是", "No");
    public static readonly Words PriorityElderly = new("60岁以上老人", "Aged 60 or over");
    public static readonly Words PriorityDisabled = new("残疾人", "Person with a disability");
    public static readonly Words PriorityPregnant = new("孕妇", "Pregnant");
    public static readonly Words PriorityIll = new("重病患者", "Seriously ill");
    public static readonly Words PriorityNamedGroup = new("中心指定的其他人群", "Another group the centre names");
    public static readonly Words ForWhom = new("为谁预约？", "Who is this for?");
    public static readonly Words ForMyself = new("为我自己", "For me");
    public static readonly Words ForSomeoneElse = new("替家人或社区居民预约", "For a relative or a resident I help");
    public static readonly Words ProxyName = new("您（代办人）的姓名", "Your name (the helper)");
    public static readonly Words ProxyRelationship = new("您与办事人的关系，如 女儿、社区网格员", "How you are related, e.g. daughter, community worker");
    public static readonly Words ProxyConsent = new("办事人已同意由我代为预约", "The person agrees that I book for them");
    public static readonly Words BookButton = new("确认预约", "Book");
    public static readonly Words NearestTimes = new("可选的相近时间：", "Nearest free times:");
    public static readonly Words CheckField = new("请检查这一项：", "Please check this:");

    // Booked and manage
    public static readonly Words BookedTitle = new("预约成功", "Booked");
    public static readonly Words Booked = new("预约成功。我们会发短信提醒您。", "You are booked. We will remind you by SMS.");
    public static readonly Words ManageLink = new("查看、改期或取消", "See, move or cancel");
    public static readonly Words KeepLink = new("请保存这个页面或短信中的链接，改期和取消都要用到。", "Keep this page or the SMS link: you need it to move or cancel.");
    public static readonly Words MyAppointment = new("我的预约", "My appointment");
    public static readonly Words Service = new("事项", "Service");
    public static readonly Words When = new("时间", "When");
    public static readonly Words Where = new("地点", "Where");
    public static readonly Words For = new("办事人", "For");
    public static readonly Words Status = new("状态", "Status");
    public static readonly Words Bring = new("请带上", "Please bring");
    public static readonly Words NeedChange = new("需要改变？", "Need a change?");
    public static readonly Words MoveLink = new("改到其他时间", "Move to another time");
    public static readonly Words CancelLink = new("取消预约", "Cancel the appointment");
    public static readonly Words ConfirmCancelTitle = new("确定要取消吗？", "Cancel this appointment?");
    public static readonly Words ConfirmCancelText = new("取消后这个时间会让给别人。需要时可以重新预约。", "The time goes to someone else. You can book again whenever you need.");
    public static readonly Words ConfirmCancelButton = new("是的，取消预约", "Yes, cancel it");
    public static readonly Words KeepIt = new("不取消，返回", "No, keep it");
    public static readonly Words Cancelled = new("已取消。欢迎再次预约。", "Cancelled. You are welcome to book again.");
    public static readonly Words Moved = new("已改期。", "Your appointment has been moved.");
    public static readonly Words Confirmed = new("已确认，请按时到场。", "Confirmed. Please come on time.");
    public static readonly Words ConfirmAsk = new("您之前有未到的预约，请确认会按时到场，否则预约将失效。", "You missed earlier appointments: please confirm you will come, or this one lapses.");
    public static readonly Words ConfirmButton = new("我会按时到场", "I will come");
    public static readonly Words MoveTitle = new("确认改期", "Move the appointment");
    public static readonly Words MoveFrom = new("原来的时间", "From");
    public static readonly Words MoveTo = new("改到", "To");
    public static readonly Words MoveButton = new("确认改期", "Move my appointment");
    public static readonly Words KeepAsIs = new("不改了，返回", "Keep it as it is");
    public static readonly Words ChooseNewTime = new("请选择新的时间。", "Choose the new time.");
    public static readonly Words NoSuchAction = new("没有这个操作。", "There is no such action.");
    public static readonly Words CannotOpen = new("无法打开", "Cannot open this");
    public static readonly Words BadLink = new("链接无效或已过期。请使用短信中的最新链接，或拨打咨询电话。", "This link is not valid or has expired. Use the latest SMS, or call us.");
    public static readonly Words NotFoundAppointment = new("找不到这个预约。", "This appointment cannot be found.");
    public static readonly Words BookAgain = new("重新预约", "Book a visit");

    // Statuses
    public static readonly Words StatusBooked = new("已预约", "Booked");
    public static readonly Words StatusAwaiting = new("待确认", "Waiting for your confirmation");
    public static readonly Words StatusCheckedIn = new("已签到", "Checked in");
    public static readonly Words StatusServed = new("已办结", "Served");
    public static readonly Words StatusNoShow = new("未到", "Missed");
    public static readonly Words StatusCancelled = new("已取消", "Cancelled");
    public static readonly Words StatusLapsed = new("已失效", "Lapsed");

    // Bad forms
    public static readonly Words BadFormTitle = new("无法读取提交的内容", "The form could not be read");
    public static readonly Words BadForm = new("提交的内容格式不对或填写项太多。请返回上一页重新填写。", "What was sent is not a form we can read, or has too many fields. Please go back and fill it in again.");
    public static readonly Words TooLargeForm = new("提交的内容太长。请返回上一页，把内容写短一些。", "What was sent is too long. Please go back and shorten it.");
    public static readonly Words NotAForm = new("这个地址只接收网页表单。", "This address takes web forms only.");
}
