namespace Scheduler.Core.Roster;

/// <summary>The one place that turns shifts, routes and rules into slots: the solver, the validator and the checks read these.</summary>
public static class RosterSlots
{
    /// <summary>The slots a staff member's shifts cover (a slot counts when wholly inside a shift).</summary>
    public static bool[] Available(RosterDay day, RosterStaff staff)
    {
        var a = new bool[day.Slots];
        foreach (var s in staff.Shifts)
        {
            var from = day.FirstSlotAtOrAfter(s.From);
            var to = (int)Math.Floor(day.MinutesOf(s.To) / day.SlotMinutes);
            for (var t = Math.Max(0, from); t < Math.Min(day.Slots, to); t++) a[t] = true;
        }
        return a;
    }

    /// <summary>The route a staff member is out on in each slot (null when not): every slot the route's span touches.</summary>
    public static string?[] OnRoute(RosterDay day, string staffId, IEnumerable<RouteDuty> routes)
    {
        var r = new string?[day.Slots];
        foreach (var route in routes.Where(x => x.StaffId == staffId))
        {
            var from = Math.Max(0, day.SlotOf(route.Leaves));
            var to = Math.Min(day.Slots, day.FirstSlotAtOrAfter(route.Returns));
            for (var t = from; t < to; t++) r[t] = route.RouteId;
        }
        return r;
    }

    /// <summary>
    /// Whether the roster must give the staff member a break: available more than the rules' threshold, and not
    /// taking their break on a route (the route planner placed it there).
    /// </summary>
    public static bool NeedsBreak(bool[] available, RosterRules rules, string staffId, IEnumerable<RouteDuty> routes) =>
        available.Count(x => x) > rules.BreakAfterSlots && !routes.Any(r => r.StaffId == staffId && r.BreakOnRoute);

    /// <summary>The slots a whole break may start at: inside the break period, available and not on a route throughout.</summary>
    public static IReadOnlyList<int> BreakStarts(RosterDay day, bool[] available, string?[] onRoute, RosterRules rules)
    {
        var first = day.FirstSlotAtOrAfter(rules.BreakEarliest);
        var endBy = (int)Math.Floor(day.MinutesOf(rules.BreakLatest) / day.SlotMinutes);
        var starts = new List<int>();
        for (var t = Math.Max(0, first); t + rules.BreakSlots <= Math.Min(day.Slots, endBy); t++)
        {
            var ok = true;
            for (var i = t; i < t + rules.BreakSlots && ok; i++) ok = available[i] && onRoute[i] is null;
            if (ok) starts.Add(t);
        }
        return starts;
    }

    /// <summary>The slots of a period of the day, [from, to).</summary>
    public static (int From, int To) Span(RosterDay day, NodaTime.LocalTime from, NodaTime.LocalTime to) =>
        (day.FirstSlotAtOrAfter(from), day.FirstSlotAtOrAfter(to));

    /// <summary>Whether a slot counts as evening or weekend work.</summary>
    public static bool Unsocial(RosterDay day, RosterRules rules, int slot) =>
        day.IsWeekend || day.StartOf(slot) >= rules.EveningFrom;

    /// <summary>
    /// The evening and weekend slots a staff member works in a day's duties (fairness across the week): at a window,
    /// in the back office or on a route; a break does not count.
    /// </summary>
    public static int UnsocialWorked(RosterDay day, RosterRules rules, IReadOnlyList<Duty> duties) =>
        Enumerable.Range(0, Math.Min(day.Slots, duties.Count))
            .Count(t => Unsocial(day, rules, t) && duties[t].Kind is DutyKind.Window or DutyKind.BackOffice or DutyKind.Route);

    /// <summary>Cover per category and slot of a set of duties, against the windows needed.</summary>
    public static IReadOnlyList<SlotCover> Cover(RosterDay day, WindowsNeeded needed, IReadOnlyDictionary<string, IReadOnlyList<Duty>> duties)
    {
        var cover = new List<SlotCover>();
        foreach (var c in needed.Categories)
            for (var t = 0; t < day.Slots; t++)
                cover.Add(new SlotCover(c.Id, t, day.StartOf(t), needed[c.Id, t], duties.Values.Count(d => d[t] == Duty.At(c.Id)), c.Windows));
        return cover;
    }

    public static ShortfallReport Shortfall(IReadOnlyList<SlotCover> cover) =>
        new([.. cover.Where(c => c.Short > 0)], cover.Sum(c => c.Short), cover.Sum(c => Math.Max(0, c.Needed - c.HallWindows)));
}
