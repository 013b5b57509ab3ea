using NodaTime;

namespace Scheduler.Core.Roster;

/// <summary>
/// What each staff member's time is worth to the hall, slot by slot, read from a roster planned with nobody out on a
/// route (step 1 of ADR 0020), in roster units (a tenth of a resident-minute of expected waiting by default):
/// <list type="bullet">
/// <item>at a window of a category in a slot where that window is needed: the worth of the last window staffed there
/// (<see cref="WindowsNeeded.WindowWorth"/>), the waiting the hall would add if they left it;</item>
/// <item>at a window beyond what the slot needs, or where a colleague skilled for that category is in the back
/// office in that slot and could take their seat: 0;</item>
/// <item>out on a route: the worth of the next window needed and not staffed in a category they are skilled for
/// (the most valuable one), the waiting the hall would save if they were back; 0 when a colleague skilled for it is in
/// the back office;</item>
/// <item>on a break, in the back office or off: 0.</item>
/// </list>
/// Each is also worth the waiting the category's queue would carry into later slots without them (<see cref="CarriedWaiting"/>),
/// which the roster's own penalty does not count.
/// Sending a staff member out on a route costs the hall their worth over the route's span.
/// </summary>
public sealed record WindowTimeWorth(RosterDay Day, IReadOnlyDictionary<string, long[]> PerStaff)
{
    public static WindowTimeWorth Of(RosterPlan plan, WindowsNeeded needed, IReadOnlyList<RosterStaff> staff, RosterWeights weights)
    {
        var day = plan.Day;
        var skills = staff.ToDictionary(s => s.Id, s => s.CategoryIds, StringComparer.Ordinal);
        var worth = plan.Duties.Keys.ToDictionary(id => id, _ => new long[day.Slots], StringComparer.Ordinal);
        var staffed = needed.Categories.ToDictionary(c => c.Id, c => plan.Staffed(c.Id), StringComparer.Ordinal);
        for (var t = 0; t < day.Slots; t++)
        {
            // Who could step in: staff in the back office in this slot, by the categories they are skilled for.
            var spare = plan.Duties.Where(d => d.Value[t].Kind == DutyKind.BackOffice)
                .SelectMany(d => skills.GetValueOrDefault(d.Key) ?? []).ToHashSet(StringComparer.Ordinal);
            var next = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var category in needed.Categories)
            {
                var seated = plan.Duties.Where(d => d.Value[t] == Duty.At(category.Id)).Select(d => d.Key).ToList();
                if (spare.Contains(category.Id)) continue;
                var steps = needed.WindowWorth(category.Id, t, weights);
                // The next window, for one back from a route: only while the hall has a window free for them.
                // Each with the waiting the queue would carry into later slots less (or more) (CarriedWaiting).
                next[category.Id] = seated.Count < Math.Min(steps.Length, category.Windows)
                    ? steps[seated.Count] - Carried(needed, staffed[category.Id], category.Id, t, +1, weights) : 0;
                if (seated.Count == 0) continue;
                // The last window staffed is the one lost whoever leaves; beyond the windows needed it saves nothing.
                var lost = seated.Count <= steps.Length ? steps[seated.Count - 1] + Carried(needed, staffed[category.Id], category.Id, t, -1, weights) : 0;
                foreach (var id in seated) worth[id][t] = lost;
            }
            foreach (var (id, duties) in plan.Duties)
                if (duties[t].Kind == DutyKind.Route)
                    worth[id][t] = (skills.GetValueOrDefault(id) ?? []).Select(c => next.GetValueOrDefault(c)).DefaultIfEmpty(0).Max();
        }
        return new WindowTimeWorth(day, worth);
    }

    private static long Carried(WindowsNeeded needed, int[] staffed, string categoryId, int slot, int change, RosterWeights weights) =>
        (long)Math.Round(weights.PerWaitingMinute * CarriedWaiting.Change(needed, categoryId, staffed, slot, change));

    /// <summary>What the staff member's window time from <paramref name="from"/> to <paramref name="to"/> is worth: the slots it overlaps, each in proportion to the overlap.</summary>
    public double Over(string staffId, LocalTime from, LocalTime to)
    {
        if (!PerStaff.TryGetValue(staffId, out var slots) || from >= to) return 0;
        double start = Day.MinutesOf(from), end = Day.MinutesOf(to), sum = 0;
        for (var t = Math.Max(0, (int)(start / Day.SlotMinutes)); t < Day.Slots && t * Day.SlotMinutes < end; t++)
        {
            var overlap = Math.Min(end, (t + 1.0) * Day.SlotMinutes) - Math.Max(start, (double)t * Day.SlotMinutes);
            if (overlap > 0) sum += slots[t] * overlap / Day.SlotMinutes;
        }
        return sum;
    }

    /// <summary>
    /// What a route of <paramref name="length"/> taken somewhere between <paramref name="from"/> and <paramref name="to"/>
    /// costs the hall when it is not yet known when it will leave: the mean worth per minute over that span, times the length.
    /// </summary>
    public double Typical(string staffId, LocalTime from, LocalTime to, Duration length)
    {
        var minutes = (to - from).ToDuration().TotalMinutes;
        return minutes <= 0 ? 0 : Over(staffId, from, to) / minutes * Math.Min(length.TotalMinutes, minutes);
    }
}
