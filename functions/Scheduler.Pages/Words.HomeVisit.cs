namespace Scheduler.Pages;

/// <summary>What the home-visit request page says.</summary>
public sealed partial record Words
{
    public static readonly Words HomeVisitTitle = new("申请上门服务", "Ask for a home visit");
    public static readonly Words HomeVisitIntro = new("行动不便、不能到中心办事的居民，可以请工作人员上门办理。家属或社区工作人员也可以代为申请。",
        "Residents who cannot come to the centre can ask for staff to come to their home. Family members or community workers can ask for them.");
    public static readonly Words WhoNeeds = new("谁需要上门服务？", "Who needs the visit?");
    public static readonly Words ResidentName = new("居民姓名", "The resident's name");
    public static readonly Words ResidentMobile = new("联系手机（审核结果和上门时间会发短信到这个号码）", "Mobile to contact (the decision and the visit time come by SMS)");
    public static readonly Words ResidentId = new("居民身份证号（可不填，填了可自动核实年龄）", "The resident's ID number (optional; lets us check the age)");
    public static readonly Words WhyQuestion = new("为什么不能到中心来？", "Why can the resident not come to the centre?");
    public static readonly Words ReasonAged = new("60岁以上老人", "Aged 60 or over");
    public static readonly Words ReasonBedridden = new("卧床或重病", "Bedridden or seriously ill");
    public static readonly Words ReasonDisabled = new("残疾人", "Has a disability");
    public static readonly Words ReasonAlone = new("五保户或独居老人", "Five-guarantees household, or an older person living alone");
    public static readonly Words ReasonRemote = new("住在偏远村或海岛", "Lives in a remote village or on an island");
    public static readonly Words WhatService = new("要办什么事？", "What needs doing?");
    public static readonly Words WhereQuestion = new("上门地址", "Where");
    public static readonly Words HomeAddress = new("详细地址（区、街道、小区、楼号、门牌）", "Full address (district, street, estate, building, door)");
    public static readonly Words UseMyLocation = new("用我现在的位置（在居民家中时点这里）", "Use where I am now (when at the resident's home)");
    public static readonly Words LocationSet = new("已记下位置。", "The location is noted.");
    public static readonly Words LocationOptional = new("位置可以不填：工作人员会按详细地址找到住处。", "The location is optional: staff find the home from the full address.");
    public static readonly Words LocationFailed = new("没能取得位置。可以允许网页使用位置后再试，或者不填位置，只填详细地址。",
        "The location could not be found. Allow the page to use it and try again, or leave it out and give the full address.");
    public static readonly Words LocationFailedMap = new("没能取得位置，请允许网页使用位置，或在地图上点出住处；也可以只填详细地址。",
        "The location could not be found: allow the page to use it, or tap the home on the map, or give the full address alone.");
    public static readonly Words MapPin = new("也可以在地图上点一下住处", "Or tap the home on the map");
    public static readonly Words WhenQuestion = new("哪些时间方便？（可多选）", "Which times suit? (choose any)");
    public static readonly Words Urgency = new("有多急？", "How urgent is it?");
    public static readonly Words UrgencyRoutine = new("不急，两周内都可以", "Not urgent: within two weeks is fine");
    public static readonly Words UrgencySoon = new("比较急，希望这几天", "Soon: in the next few days");
    public static readonly Words UrgencyUrgent = new("很急", "Urgent");
    public static readonly Words Notes = new("还有什么要告诉我们？（可不填，如：请先打电话、楼道窄）", "Anything else we should know? (optional, e.g. call first)");
    public static readonly Words Consent = new("居民本人同意申请上门服务，并同意工作人员使用以上信息联系和上门", "The resident agrees to this request and to staff using these details to contact and visit them");
    public static readonly Words SendRequest = new("提交申请", "Send the request");
    public static readonly Words WhatNext = new("接下来会怎样？", "What happens next?");
    public static readonly Words WhatNextText = new("工作人员会在1至2个工作日内审核，结果会发短信告诉您。批准后，上门的日期和时间也会发短信通知。",
        "Staff decide within one or two working days and tell you by SMS. Once approved, the day and time of the visit come by SMS too.");
    public static readonly Words RequestReceived = new("已收到申请", "Request received");
    public static readonly Words LocationWillBeSet = new("住处的位置由工作人员按您填的地址确定。", "Staff will find the home from the address you gave.");
    public static readonly Words RequestReceivedText = new("已收到您的上门服务申请，审核结果将短信通知。", "We have your request; the decision will come by SMS.");
    public static readonly Words ConsentNeeded = new("请勾选“居民本人同意……”，没有居民同意不能申请。", "Please tick that the resident agrees: we cannot take a request without it.");
}
