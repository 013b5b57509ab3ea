namespace Scheduler.Pages;

/// <summary>What the dispatcher's page says, including what its script writes (passed to it as data, by key).</summary>
public sealed partial record Words
{
    public static readonly Words DispatchTitle = new("调度台", "Dispatch");
    public static readonly Words SignInFirst = new("请先以调度员身份登录。", "Sign in as a dispatcher first.");
    public static readonly Words WrongCentre = new("您不是这个中心的调度员。请打开您所在中心的调度页面。", "You are not a dispatcher of this centre. Open your own centre's dispatch page.");
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
    public static readonly Words RosterTitle = new("窗口排班", "Window roster");
    public static readonly Words RosterDate = new("排班日期", "Roster day");
    public static readonly Words RosterPlanButton = new("生成排班", "Plan the roster");
    public static readonly Words RosterLoadButton = new("载入这一天的排班", "Load the day's roster");
    public static readonly Words RosterPublishButton = new("发布排班", "Publish the roster");

    public static readonly Words DutyBreak = new("休息", "Break");
    public static readonly Words DutyBackOffice = new("后台", "Back office");
    public static readonly Words DutyWindow = new("窗口：{0}", "Window: {0}");

    /// <summary>
    /// The texts dispatch.js writes, by the key it asks for. Built on first use: it refers to texts of the other
    /// files of this catalogue, whose static fields may be set after this file's.
    /// </summary>
    public static IReadOnlyDictionary<string, Words> DispatchScript => LazyDispatchScript.Value;

    private static readonly Lazy<IReadOnlyDictionary<string, Words>> LazyDispatchScript = new(BuildDispatchScript);

    private static IReadOnlyDictionary<string, Words> BuildDispatchScript() => new Dictionary<string, Words>
    {
        ["resident"] = new("居民", "Resident"), ["service"] = Service, ["reason"] = new("原因", "Reason"),
        ["windows"] = new("可上门时间", "Times that suit"), ["status"] = Status, ["urgency"] = FilterUrgency, ["decide"] = new("操作", "Decide"),
        ["oldestFirst"] = new("按申请时间排列，旧的在前；每页50条，筛选作用于全部申请", "Oldest first, 50 to a page; the filters apply to every request, not only this page"), ["noRequests"] = new("没有符合条件的申请。", "No requests match."),
        ["decisionReason"] = new("原因（驳回或要求补充时必填）", "Reason (needed to reject or ask for more)"),
        ["approve"] = new("批准", "Approve"), ["reject"] = new("驳回", "Reject"), ["ask"] = new("要求补充", "Ask for more"),
        ["page"] = new("第{0}页（本页{1}条）", "Page {0} ({1} requests on this page)"), ["previous"] = new("上一页", "Previous"), ["next"] = new("下一页", "Next"),
        ["Aged60Plus"] = ReasonAged, ["BedriddenOrSeriouslyIll"] = ReasonBedridden,
        ["Disabled"] = ReasonDisabled, ["FiveGuaranteesOrSolitaryElderly"] = ReasonAlone,
        ["RemoteOrIslandVillage"] = ReasonRemote,
        ["Submitted"] = new("待审核", "Waiting for a decision"), ["NeedsInformation"] = new("待补充材料", "Waiting for more information"),
        ["Approved"] = new("已批准", "Approved"), ["Rejected"] = new("已驳回", "Rejected"), ["Cancelled"] = StatusCancelled,
        ["Routine"] = new("一般", "Routine"), ["Soon"] = new("较急", "Soon"), ["Urgent"] = new("紧急", "Urgent"),
        ["ageById"] = new("身份证显示{0}岁", "aged {0} by the resident ID"), ["declared"] = new("自述，上门时核实", "declared; check at the visit"),
        ["notEligible"] = new("不符合条件", "not eligible"),
        ["planning"] = new("正在规划…（{0}秒）", "Planning… ({0} s)"), ["planned"] = new("规划完成，请查看后发布。", "Planned: check it, then publish."),
        ["searched"] = new("（已搜索{0}秒，改进{1}次）", " (searched {0} s, {1} improvements)"),
        ["searchStopped"] = new("（搜索在{0}秒时结束：{1}）", " (the search ended after {0} s: {1})"),
        ["failed"] = new("规划失败，已发布的方案保持不变：", "Planning failed; the published plan stays: "), ["published"] = new("已发布，居民将收到上门时间短信。", "Published: residents get their times by SMS."),
        ["kpis"] = new("已安排{0}户，未安排{1}户；路程合计{2}分钟；加班{3}分钟", "Served {0}, not planned {1}; travel {2} min; overtime {3} min"),
        ["visitDone"] = new("已上门", "done"), ["visitNotDone"] = new("未上门：{0}", "not done: {0}"),
        ["NotHome"] = new("不在家", "not at home"), ["Refused"] = new("拒绝服务", "refused"), ["Other"] = new("其他", "other"),
        ["route"] = new("路线{0}", "Route {0}"), ["lunch"] = new("午休", "Lunch"), ["centre"] = new("中心", "Centre"), ["allPlanned"] = new("全部已安排。", "Everything is planned."),
        ["NoQualifiedStaff"] = new("当天没有具备所需技能的工作人员", "No staff on duty with the skills needed"),
        ["TeamLargerThanStaffOnDuty"] = new("需要的人数多于当天在岗的合格人员", "The visit needs more staff than are on duty"),
        ["NoWindowWithinShifts"] = new("居民方便的时间不在任何人的班次内", "No time that suits the resident fits a shift"),
        ["NoRoomInPlan"] = new("排不下：优先安排了更紧急或更顺路的上门", "No room: more urgent or closer visits came first"),
        ["LocationPending"] = new("位置待定：请先按地址设定住处位置，再重新规划", "Location to be set: set the home's place from its address, then plan again"),
        ["locationPending"] = new("位置待定", "Location to be set"),
        ["latitude"] = new("纬度", "Latitude"), ["longitude"] = new("经度", "Longitude"),
        ["setLocation"] = new("设定位置", "Set the location"),
        ["problem.invalid-location"] = new("位置不正确：纬度在-90到90之间，经度在-180到180之间，两个都要填。", "The location is not valid: latitude -90 to 90 and longitude -180 to 180, both needed."),
        ["problem.outside-service-area"] = new("这个位置不在中心的上门服务范围内。", "That place is outside the centre's service area."),
        ["score"] = new("评分", "Score"), ["opened"] = new("评价时间", "Rated"), ["due"] = new("跟进期限", "Due"), ["note"] = new("处理说明", "Note"),
        ["close"] = new("处理完毕，关闭", "Done, close it"), ["overdue"] = new("已逾期", "Overdue"), ["closed"] = new("已关闭", "Closed"), ["open"] = new("待跟进", "Open"),
        ["noFollowUps"] = new("没有需要跟进的差评。", "No follow-ups."), ["noteNeeded"] = new("请先写明处理情况。", "Write what was done first."),
        ["subject"] = new("评价对象", "Rated"), ["error"] = new("未能完成：", "Could not be done: "),
        ["rosterPlanning"] = new("正在排班，最多需要几十秒…", "Planning the roster; this can take up to a minute…"),
        ["rosterNone"] = new("这一天还没有排班，请先生成排班。", "No roster has been planned for that day yet: plan one first."),
        ["rosterPublished"] = new("排班已发布，当天可预约的窗口名额已按此更新。", "The roster is published: the day's bookable seats now follow it."),
        ["rosterOverbooked"] = new("有{0}个时段的预约多于该排班的窗口数，已有预约保留，不再接受新预约。", "{0} slots have more bookings than this roster's windows: the bookings stay, no new ones are taken."),
        ["rosterCaption"] = new("{0}的排班：每行一名工作人员，每列一个时段（从{1}起每{2}分钟）；每格写明职责，连续相同的时段合为一格。",
            "Roster for {0}: one row per staff member, one column per slot ({2} minutes each from {1}); each cell names the duty, and runs of the same duty share one cell."),
        ["rosterStaff"] = new("工作人员", "Staff"),
        ["rosterSummary"] = new("状态：{0}；求解：{1}，与最优差距不超过{2}%，用时{3}秒", "Status: {0}; solver: {1}, within {2}% of the best possible, in {3} s"),
        ["rosterPenalties"] = new("扣分合计{0}：窗口不足{1}，人手过剩{2}，夜间周末不均{3}，换窗口{4}，改动已发布排班{5}",
            "Penalties {0} in all: windows short {1}, overstaffing {2}, unfair evenings and weekends {3}, window switches {4}, changes to the published roster {5}"),
        ["rosterCovered"] = new("每个时段的窗口都够用。", "Every slot has the windows it needs."),
        ["rosterShort"] = new("共缺{0}个窗口时段（其中{1}个超出大厅窗口数，无法排出）。", "{0} window-slots short in all ({1} of them beyond the windows the hall has)."),
        ["rosterWaits"] = new("模拟等候：中位{0}分钟，90%的人不超过{1}分钟（平均排班为{2}和{3}分钟）", "Simulated waits: median {0} min, 90% within {1} min (an even roster: {2} and {3} min)"),
        ["roster.Planned"] = new("已生成，未发布", "planned, not published"), ["roster.Published"] = new("已发布", "published"), ["roster.Superseded"] = new("已被新排班取代", "replaced by a newer roster"),
        ["solver.Optimal"] = new("最优", "optimal"), ["solver.Feasible"] = new("可行", "feasible"),
        ["duty.Off"] = new("不在班", "Off"), ["duty.Break"] = DutyBreak, ["duty.BackOffice"] = DutyBackOffice,
        ["duty.Route"] = new("上门 路线{0}", "Home visit, route {0}"), ["duty.Window"] = DutyWindow,
        ["problem.roster-not-found"] = new("在限定时间内没有找到可行的排班，请稍后重试或减少当天的要求。", "No roster was found within the time limit: try again, or ask less of the day."),
        ["problem.roster-infeasible"] = new("排班规则无法同时满足：", "The roster's rules cannot all hold: "),
        ["problem.closed"] = new("中心这一天不开放，无需排班。", "The centre is closed that day: there is nothing to roster."),
        ["problem.in-the-past"] = new("这一天已经过去，不能再排班。", "That day has passed: it cannot be rostered."),
        ["problem.not-publishable"] = new("这份排班已被取代，请重新生成。", "This roster has been replaced: plan the day again."),
        ["problem.plan-run-in-progress"] = new("当天的上门路线正在规划，完成后再发布排班。", "The day's home-visit routes are being planned: publish the roster once that is done."),
        ["problem.routes-changed"] = new("当天的上门路线已重新发布，请重新生成排班。", "The day's home-visit routes were published again since: plan the roster again."),
        ["problem.busy"] = new("刚有人同时发布了排班，请重新载入后再试。", "Someone published a roster at the same moment: reload and try again."),
        ["problem.unknown-roster"] = new("找不到这份排班。", "There is no such roster."),
        // What the API may refuse with, by problem code, and a plain text for any other status.
        ["problem.reason-required"] = new("请写明原因（驳回、要求补充或关闭回访时必填，最多几百字）。", "Write a reason (needed to reject, to ask for more, or to close a follow-up)."),
        ["problem.unknown-request"] = new("找不到这条申请或回访，可能已被处理。", "That request or follow-up cannot be found; it may have been dealt with."),
        ["problem.already-decided"] = new("这条申请已经有人处理过了，已重新载入。", "Someone has decided this request already; the list is reloaded."),
        ["problem.unknown-plan"] = new("找不到这次规划。", "There is no such plan."),
        ["problem.beyond-horizon"] = new("这一天太远，还不能规划。", "That day is too far ahead to plan."),
        ["problem.no-staff-on-duty"] = new("这一天没有上门服务人员在岗。", "No home-visit staff work that day."),
        ["problem.invalid-date"] = new("日期不正确。", "The date is not valid."),
        ["problem.missing"] = new("还有必填的内容没有填写。", "Something needed is missing."),
        ["problem.rate-limited"] = new("操作太频繁，请稍后再试。", "Too many attempts; try again shortly."),
        ["status.400"] = new("提交的内容不正确", "what was sent is not valid"), ["status.401"] = new("登录已过期，请重新登录", "the sign-in has expired: sign in again"),
        ["status.403"] = new("没有调度员权限", "not allowed for this account"), ["status.404"] = new("找不到", "not found"),
        ["status.409"] = new("与其他人的操作冲突，请重新载入", "it clashed with another change: reload"), ["status.other"] = new("服务器暂时无法完成", "the server could not do it just now"),
        ["failedWhy"] = new("规划程序出错，请稍后重试。", "the planner failed; try again shortly."),
        ["ended.SolutionLimit"] = new("已达到方案数上限", "it reached its solution limit"), ["ended.Exhausted"] = new("已没有可尝试的方案", "nothing more to try"),
        ["ended.NothingToImprove"] = new("已无需改进", "nothing to improve"), ["ended.SolverFailed"] = new("求解程序出错", "the solver failed"),
        ["ended.Cancelled"] = new("已取消", "cancelled"), ["ended.other"] = new("提前结束", "it ended early"),
        ["kind"] = new("类型", "Kind"), ["kind.rating"] = new("差评", "Low rating"), ["kind.visit-change"] = new("上门改期", "Visit change"),
    };
}
