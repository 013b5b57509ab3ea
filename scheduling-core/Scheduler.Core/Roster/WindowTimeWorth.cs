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
/// Where the category's queue cannot keep up, a window-slot is also worth the waiting its residents carry into the
/// following slots (<see cref="Backlog"/>).
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
                next[category.Id] = seated.Count < Math.Min(steps.Length, category.Windows)
                    ? steps[seated.Count] + Backlog(needed, staffed[category.Id], category.Id, t, seated.Count, weights) : 0;
                if (seated.Count == 0) continue;
                // The last window staffed is the one lost whoever leaves; beyond the windows needed it saves nothing.
                var lost = seated.Count <= steps.Length ? steps[seated.Count - 1] + Backlog(needed, staffed[category.Id], category.Id, t, seated.Count - 1, weights) : 0;
                foreach (var id in seated) worth[id][t] = lost;
            }
            foreach (var (id, duties) in plan.Duties)
                if (duties[t].Kind == DutyKind.Route)
                    worth[id][t] = (skills.GetValueOrDefault(id) ?? []).Select(c => next.GetValueOrDefault(c)).DefaultIfEmpty(0).Max();
        }
        return new WindowTimeWorth(day, worth);
    }

    /// <summary>
    /// The waiting a window-slot's residents carry past the slot when, with <paramref name="windows"/> open, the
    /// category's queue cannot keep up (the windows do not exceed the offered load): each resident the window would have
    /// served in the slot waits on until the queue keeps up again, taken as the end of the stretch of slots after it
    /// whose staffed windows do not exceed their load. The roster's own penalty caps a resident's wait within the slot
    /// and carries nothing over, which makes a category past all hope look cheap to leave.
    /// </summary>
    private static long Backlog(WindowsNeeded needed, int[] staffed, string categoryId, int slot, int windows, RosterWeights weights)
    {
        var load = needed.Load[categoryId];
        if (windows > load[slot] || load[slot] <= 1e-9) return 0;
        var end = slot + 1;
        while (end < load.Length && staffed[end] <= load[end] && load[end] > 1e-9) end++;
        var served = needed.Day.SlotMinutes / needed.MeanServiceMinutes[categoryId];
        return (long)Math.Round(weights.PerWaitingMinute * served * (end - slot - 1) * needed.Day.SlotMinutes);
    }

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
