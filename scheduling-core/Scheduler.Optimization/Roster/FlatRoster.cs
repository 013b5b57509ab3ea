using Scheduler.Core.Roster;

namespace Scheduler.Optimization.Roster;

/// <summary>
/// The roster a centre runs without a plan, for comparison: the same window staff-slots spread evenly over the
/// hours of the day and over the categories in proportion to the hall's windows (the centre's configuration),
/// largest remainders first, never more than the hall has.
/// </summary>
public static class FlatRoster
{
    public static Dictionary<string, int[]> Windows(RosterDay day, IReadOnlyList<RosterCategory> categories, int windowSlots)
    {
        var hall = categories.Sum(c => c.Windows);
        windowSlots = Math.Min(windowSlots, hall * day.Slots);
        var perCategory = Apportion(windowSlots, categories.Select(c => (double)c.Windows).ToArray());
        var result = new Dictionary<string, int[]>();
        for (var k = 0; k < categories.Count; k++)
        {
            var perSlot = Apportion(perCategory[k], Enumerable.Repeat(1.0, day.Slots).ToArray());
            result[categories[k].Id] = perSlot.Select(n => Math.Min(n, categories[k].Windows)).ToArray();
        }
        return result;
    }

    // Largest-remainder apportionment of total over weights; spreads ties from the middle of the list outwards so a
    // slot remainder does not always fall on the first hours.
    private static int[] Apportion(int total, double[] weights)
    {
        var sum = weights.Sum();
        var exact = weights.Select(w => sum > 0 ? total * w / sum : 0).ToArray();
        var n = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = total - n.Sum();
        var order = Enumerable.Range(0, weights.Length)
            .OrderByDescending(i => Math.Round(exact[i] - n[i], 9)).ThenBy(i => Math.Abs(i - weights.Length / 2.0)).ToList();
        for (var i = 0; i < left; i++) n[order[i % order.Count]]++;
        return n;
    }
}
