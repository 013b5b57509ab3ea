using NodaTime;

namespace Scheduler.Core.Roster;

/// <summary>
/// The slot grid of one roster day: <see cref="Slots"/> slots of <see cref="SlotMinutes"/> from <see cref="Opens"/>.
/// Demand, windows needed, the roster and the simulation all count in these slots.
/// </summary>
public sealed record RosterDay(LocalDate Date, LocalTime Opens, int SlotMinutes, int Slots)
{
    public LocalTime Closes => Opens.PlusMinutes((long)SlotMinutes * Slots);

    public LocalTime StartOf(int slot) => Opens.PlusMinutes((long)SlotMinutes * slot);

    /// <summary>Minutes since opening of a local time.</summary>
    public double MinutesOf(LocalTime time) => MinuteOfDay(time) - MinuteOfDay(Opens);

    /// <summary>The slot a local time falls in; -1 before opening, <see cref="Slots"/> at or after closing.</summary>
    public int SlotOf(LocalTime time)
    {
        var m = MinutesOf(time);
        if (m < 0) return -1;
        return Math.Min(Slots, (int)(m / SlotMinutes));
    }

    /// <summary>The first slot starting at or after <paramref name="time"/>.</summary>
    public int FirstSlotAtOrAfter(LocalTime time) => Math.Clamp((int)Math.Ceiling(MinutesOf(time) / SlotMinutes), 0, Slots);

    /// <summary>Minutes since midnight, with fractions.</summary>
    public static double MinuteOfDay(LocalTime time) => time.TickOfDay / (double)NodaConstants.TicksPerMinute;

    public bool IsWeekend => Date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday;
}

/// <summary>A window category as the roster sees it: how many windows the hall has and the mean service time.</summary>
public sealed record RosterCategory(string Id, int Windows, double MeanServiceMinutes);
