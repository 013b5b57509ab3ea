using NodaTime;
using Scheduler.Core.Calendar;

namespace Scheduler.Core.Booking;

/// <summary>How many appointments a slot holds now: <see cref="General"/> by everyone, <see cref="Green"/> by green-channel bookers.</summary>
public readonly record struct SlotUsage(int General, int Green)
{
    public int Total => General + Green;
    public static SlotUsage Empty => default;
    public SlotUsage Add(bool green, int delta) => green ? this with { Green = Green + delta } : this with { General = General + delta };
}

/// <summary>
/// Capacity of a slot = staffed windows × what a window admits per slot. A share is held for the green channel
/// (rounded down) until <see cref="BookingRules.GreenChannelReleaseMinutes"/> before the slot, then released to
/// everyone. Green-channel bookers use the held seats first, then the others.
/// </summary>
public static class Capacity
{
    public static int Of(Slot slot, BookingRules rules) => slot.Windows * rules.AdmitsPerWindowPerSlot;

    public static int Held(int capacity, BookingRules rules) => (int)Math.Floor(capacity * rules.GreenChannelShare + 1e-9);

    public static bool Released(Instant slotStart, Instant now, BookingRules rules) =>
        now >= slotStart - Duration.FromMinutes(rules.GreenChannelReleaseMinutes);

    /// <summary>Seats a booker can still take in the slot.</summary>
    public static int Free(int capacity, int held, SlotUsage usage, bool green, bool released)
    {
        var free = capacity - usage.Total;
        if (green || released) return Math.Max(0, free);
        var generalUsed = usage.General + Math.Max(0, usage.Green - held);
        return Math.Max(0, Math.Min(free, capacity - held - generalUsed));
    }
}
