using NodaTime;

namespace Scheduler.Core.Calendar;

/// <summary>
/// The windows a day's published roster staffs, per category and slot of the roster's grid (<see cref="Opens"/>, then
/// every <see cref="SlotMinutes"/>): from then on the windows a booking slot offers (ADR 0026).
/// </summary>
public sealed record StaffedWindows(LocalDate Date, LocalTime Opens, int SlotMinutes, IReadOnlyDictionary<string, IReadOnlyList<int>> Windows)
{
    /// <summary>
    /// The windows staffed through the whole of <paramref name="from"/> to <paramref name="to"/>: the fewest of the
    /// roster slots it overlaps. Null when the roster does not cover all of it (or the category), which leaves the
    /// centre's configuration to say.
    /// </summary>
    public int? Over(string categoryId, LocalTime from, LocalTime to)
    {
        if (!Windows.TryGetValue(categoryId, out var perSlot) || perSlot.Count == 0 || SlotMinutes <= 0 || to <= from) return null;
        var opens = (int)(Opens.TickOfDay / NodaConstants.TicksPerSecond);
        var start = (int)(from.TickOfDay / NodaConstants.TicksPerSecond) - opens;
        var end = (int)(to.TickOfDay / NodaConstants.TicksPerSecond) - opens;
        var length = SlotMinutes * 60;
        if (start < 0 || end > perSlot.Count * length) return null;
        var fewest = int.MaxValue;
        for (var t = start / length; t * length < end; t++) fewest = Math.Min(fewest, perSlot[t]);
        return fewest;
    }
}

/// <summary>Where the windows of each day's published roster are read from (the centre directory reads them with the profile).</summary>
public interface IStaffedWindowsSource
{
    /// <summary>The staffed windows of every day from <paramref name="from"/> to <paramref name="to"/> that has a published roster.</summary>
    Task<IReadOnlyList<StaffedWindows>> ReadAsync(string centreId, LocalDate from, LocalDate to, CancellationToken cancellationToken);
}
