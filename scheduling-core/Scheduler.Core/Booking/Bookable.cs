using Scheduler.Core.Catalogue;

namespace Scheduler.Core.Booking;

/// <summary>
/// What an appointment is for: one service item, or a bundle (一件事) handled at one window of the category of its
/// first item, taking as long as its items together.
/// </summary>
public sealed record Bookable(string Id, bool IsBundle, string CategoryId, LocalizedText Name, int Minutes, IReadOnlyList<string> ItemIds)
{
    /// <summary>How many back-to-back slots of <paramref name="slotMinutes"/> the appointment takes.</summary>
    public int SlotsNeeded(int slotMinutes) => Math.Max(1, (Minutes + slotMinutes - 1) / slotMinutes);

    public static Bookable? Find(CentreProfile profile, string? itemId, string? bundleId)
    {
        if (itemId is not null && bundleId is null)
        {
            var item = profile.Items.FirstOrDefault(i => i.Id == itemId);
            return item is null ? null : new Bookable(item.Id, false, item.CategoryId, item.Name, item.Minutes, [item.Id]);
        }
        if (bundleId is not null && itemId is null)
        {
            var bundle = profile.Bundles.FirstOrDefault(b => b.Id == bundleId);
            if (bundle is null) return null;
            var items = bundle.ItemIds.Select(id => profile.Items.First(i => i.Id == id)).ToList();
            return new Bookable(bundle.Id, true, items[0].CategoryId, bundle.Name, items.Sum(i => i.Minutes), bundle.ItemIds);
        }
        return null;
    }

    public static IEnumerable<Bookable> All(CentreProfile profile) =>
        profile.Items.Select(i => Find(profile, i.Id, null)!).Concat(profile.Bundles.Select(b => Find(profile, null, b.Id)!));
}
