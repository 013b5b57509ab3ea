namespace Scheduler.Core.Roster;

/// <summary>
/// The waiting a category's queue carries from slot to slot, as a fluid: the residents who arrive in a slot (the
/// offered load) beyond what the windows staffed serve in it wait into the next slot, and so on until spare windows
/// clear them. The roster's shortfall penalty counts a resident's wait within the slot they arrive in, capped
/// (<see cref="WindowsNeeded.ExpectedWaitingMinutes"/>); this is what it does not count, and what makes a category
/// whose queue cannot keep up costly to leave short for hours rather than cheap (ADR 0020).
/// </summary>
public static class CarriedWaiting
{
    /// <summary>Resident-minutes waited past the end of the slot of arrival, with <paramref name="staffed"/> windows per slot.</summary>
    public static double Minutes(WindowsNeeded needed, string categoryId, IReadOnlyList<int> staffed)
    {
        var load = needed.Load[categoryId];
        var perWindow = needed.Day.SlotMinutes / needed.MeanServiceMinutes[categoryId];
        double backlog = 0, minutes = 0;
        for (var t = 0; t < load.Length; t++)
        {
            backlog = Math.Max(0, backlog + (load[t] - staffed[t]) * perWindow);
            minutes += backlog * needed.Day.SlotMinutes;
        }
        return minutes;
    }

    /// <summary>How much more (or, for a negative result, less) is carried with <paramref name="change"/> windows more in slot <paramref name="slot"/>.</summary>
    public static double Change(WindowsNeeded needed, string categoryId, int[] staffed, int slot, int change)
    {
        var before = Minutes(needed, categoryId, staffed);
        staffed[slot] += change;
        try
        {
            return Minutes(needed, categoryId, staffed) - before;
        }
        finally
        {
            staffed[slot] -= change;
        }
    }

    /// <summary>What a roster leaves carried over in all categories, in roster units (<see cref="RosterWeights.PerWaitingMinute"/> a resident-minute).</summary>
    public static long Cost(RosterPlan plan, WindowsNeeded needed, RosterWeights weights) =>
        (long)Math.Round(weights.PerWaitingMinute * needed.Categories.Sum(c => Minutes(needed, c.Id, plan.Staffed(c.Id))));
}
