namespace Scheduler.Pages;

/// <summary>What the dispatcher's page says, including what its script writes (passed to it as data, by key).</summary>
public sealed partial record Words
{
    public static readonly Words DispatchTitle = new("调度台", "Dispatch");
    public static readonly Words SignInFirst = new("请先以调度员身份登录。", "Sign in as a dispatcher first.");
    public static readonly Words SignIn = new("登录", "Sign in");
    public static readonly Words Dispatcher = new("调度员", "Dispatcher");
    public static readonly Words RequestsTitle = new("上门服务申请", "Home-visit requests");
    public static readonly Words PlanTitle = new("排班规划", "Plan a day");
    public static readonly Words Date = new("日期", "Date");
    public static readonly Words PlanButton = new("开始规划", "Plan this day");
    public static readonly Words PublishButton = new("发布并通知", "Publish and notify");
    public static readonly Words RoutesTitle = new("路线地图", "Routes");
    public static readonly Words MapLabel = new("上门路线图：每条路线有编号，站点标“路线号-顺序”，下方列出同样的路线", "Map of the routes: each route has a number and each stop is marked route-order; the same routes are listed below");
    public static readonly Words TimelineTitle = new("时间线", "Timeline");
    public static readonly Words DroppedTitle = new("未能安排", "Not planned");
    public static readonly Words FollowUpsTitle = new("评价回访（差评跟进）", "Rating follow-ups");
    public static readonly Words FilterDay = new("上门日期", "Visit day");
    public static readonly Words FilterStatus = new("状态", "Status");
    public static readonly Words FilterUrgency = new("紧急程度", "Urgency");
    public static readonly Words Any = new("全部", "All");
    public static readonly Words Loading = new("正在加载…", "Loading…");

    /// <summary>The texts dispatch.js writes, by the key it asks for.</summary>
    public static readonly IReadOnlyDictionary<string, Words> DispatchScript = new Dictionary<string, Words>
    {
        ["resident"] = new("居民", "Resident"), ["service"] = new("事项", "Service"), ["reason"] = new("原因", "Reason"),
        ["windows"] = new("可上门时间", "Times that suit"), ["status"] = new("状态", "Status"), ["urgency"] = new("紧急程度", "Urgency"), ["decide"] = new("操作", "Decide"),
        ["oldestFirst"] = new("按申请时间排列，旧的在前", "Oldest first"), ["noRequests"] = new("没有符合条件的申请。", "No requests match."),
        ["decisionReason"] = new("原因（驳回或要求补充时必填）", "Reason (needed to reject or ask for more)"),
        ["approve"] = new("批准", "Approve"), ["reject"] = new("驳回", "Reject"), ["ask"] = new("要求补充", "Ask for more"),
        ["page"] = new("第{0}页，共{1}页（{2}条）", "Page {0} of {1} ({2} requests)"), ["previous"] = new("上一页", "Previous"), ["next"] = new("下一页", "Next"),
        ["Aged60Plus"] = new("60岁以上老人", "Aged 60 or over"), ["BedriddenOrSeriouslyIll"] = new("卧床或重病", "Bedridden or seriously ill"),
        ["Disabled"] = new("残疾人", "Disabled"), ["FiveGuaranteesOrSolitaryElderly"] = new("五保户或独居老人", "Five-guarantees household or living alone"),
        ["RemoteOrIslandVillage"] = new("偏远或海岛村", "Remote or island village"),
        ["Submitted"] = new("待审核", "Waiting for a decision"), ["NeedsInformation"] = new("待补充材料", "Waiting for more information"),
        ["Approved"] = new("已批准", "Approved"), ["Rejected"] = new("已驳回", "Rejected"), ["Cancelled"] = new("已取消", "Cancelled"),
        ["Routine"] = new("一般", "Routine"), ["Soon"] = new("较急", "Soon"), ["Urgent"] = new("紧急", "Urgent"),
        ["ageById"] = new("身份证显示{0}岁", "aged {0} by the resident ID"), ["declared"] = new("自述，上门时核实", "declared; check at the visit"),
        ["notEligible"] = new("不符合条件", "not eligible"),
        ["planning"] = new("正在规划…（{0}秒）", "Planning… ({0} s)"), ["planned"] = new("规划完成，请查看后发布。", "Planned: check it, then publish."),
        ["searched"] = new("（已搜索{0}秒，改进{1}次）", " (searched {0} s, {1} improvements)"),
        ["searchStopped"] = new("（搜索在{0}秒时结束：{1}）", " (the search ended after {0} s: {1})"),
        ["failed"] = new("规划失败，已发布的方案保持不变：", "Planning failed; the published plan stays: "), ["published"] = new("已发布，居民将收到上门时间短信。", "Published: residents get their times by SMS."),
        ["kpis"] = new("已安排{0}户，未安排{1}户；路程合计{2}分钟；加班{3}分钟", "Served {0}, not planned {1}; travel {2} min; overtime {3} min"),
        ["route"] = new("路线{0}", "Route {0}"), ["lunch"] = new("午休", "Lunch"), ["centre"] = new("中心", "Centre"), ["allPlanned"] = new("全部已安排。", "Everything is planned."),
        ["NoQualifiedStaff"] = new("当天没有具备所需技能的工作人员", "No staff on duty with the skills needed"),
        ["TeamLargerThanStaffOnDuty"] = new("需要的人数多于当天在岗的合格人员", "The visit needs more staff than are on duty"),
        ["NoWindowWithinShifts"] = new("居民方便的时间不在任何人的班次内", "No time that suits the resident fits a shift"),
        ["NoRoomInPlan"] = new("排不下：优先安排了更紧急或更顺路的上门", "No room: more urgent or closer visits came first"),
        ["score"] = new("评分", "Score"), ["opened"] = new("评价时间", "Rated"), ["due"] = new("跟进期限", "Due"), ["note"] = new("处理说明", "Note"),
        ["close"] = new("处理完毕，关闭", "Done, close it"), ["overdue"] = new("已逾期", "Overdue"), ["closed"] = new("已关闭", "Closed"), ["open"] = new("待跟进", "Open"),
        ["noFollowUps"] = new("没有需要跟进的差评。", "No follow-ups."), ["noteNeeded"] = new("请先写明处理情况。", "Write what was done first."),
        ["subject"] = new("评价对象", "Rated"), ["error"] = new("未能完成：", "Could not be done: "),
    };
}
