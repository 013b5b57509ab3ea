using NodaTime;
using Scheduler.Core.Calendar;
using Scheduler.Core.Results;

namespace Scheduler.Core.Booking;

/// <summary>A slot offered to a booker, with the seats this booker can still take.</summary>
public sealed record SlotOffer(LocalDate Date, LocalTime Start, LocalTime End, SlotKind Kind, int Free);

public sealed record AvailabilityDay(LocalDate Date, IReadOnlyList<SlotOffer> Slots);

/// <summary>The checks the booking slices share: what may be booked, when, and whether it fits.</summary>
public static class BookingChecks
{
    public const int MaxNameLength = 50;

    /// <summary>The run of slots a booking of <paramref name="bookable"/> at <paramref name="date"/> <paramref name="start"/> takes, or why it cannot be booked now.</summary>
    public static IReadOnlyList<Slot>? CheckSlot(CentreSnapshot centre, Bookable bookable, LocalDate? date, LocalTime? start, Instant now, out Problem? error)
    {
        error = null;
        if (date is null) { error = Problem.Invalid("date", ErrorCodes.Missing, "date is required."); return null; }
        if (start is null) { error = Problem.Invalid("start", ErrorCodes.Missing, "start is required."); return null; }
        var problem = centre.Calendar.FindSlot(bookable.CategoryId, date.Value, start.Value, out var slot);
        error = problem switch
        {
            SlotProblem.PublicHoliday => Problem.Invalid("date", ErrorCodes.Holiday, $"{date:yyyy-MM-dd} is a public holiday ({centre.Calendar.Day(date.Value)?.Name.Zh})."),
            SlotProblem.Closed => Problem.Invalid("date", ErrorCodes.Closed, $"The centre is closed on {date:yyyy-MM-dd}."),
            SlotProblem.OutsideOpeningHours => Problem.Invalid("start", ErrorCodes.OutsideOpeningHours, $"{start:HH:mm} on {date:yyyy-MM-dd} is outside opening hours."),
            SlotProblem.NotOnGrid => Problem.Invalid("start", ErrorCodes.NotOnGrid, $"Slots start every {SlotMinutes(centre, bookable.CategoryId)} minutes from the opening time."),
            _ => null,
        };
        if (error is not null) return null;
        var startsAt = centre.Calendar.ToInstant(slot!.StartsAt);
        var today = centre.Calendar.Today(now);
        if (startsAt <= now) { error = Problem.Invalid("start", ErrorCodes.InThePast, "That time has passed."); return null; }
        if (date.Value > today.PlusDays(centre.Rules.HorizonDays))
        {
            error = Problem.Invalid("date", ErrorCodes.BeyondHorizon, $"Appointments open {centre.Rules.HorizonDays} days ahead.");
            return null;
        }
        if (now > startsAt - Duration.FromMinutes(centre.Rules.CutoffMinutes))
        {
            error = Problem.Invalid("start", ErrorCodes.AfterCutoff, $"Booking closes {centre.Rules.CutoffMinutes} minutes before the slot.");
            return null;
        }
        var run = centre.Calendar.Run(slot, bookable.SlotsNeeded(SlotMinutes(centre, bookable.CategoryId)));
        if (run is null) error = Problem.Invalid("start", ErrorCodes.TooLateInSession, $"The service takes {bookable.Minutes} minutes and does not fit before the windows close.");
        return run;
    }

    /// <summary>The slots from <paramref name="from"/> to <paramref name="to"/> where <paramref name="bookable"/> fits, with the seats left.</summary>
    public static IReadOnlyList<AvailabilityDay> Offers(CentreSnapshot centre, Bookable bookable, LocalDate from, LocalDate to, bool green, Instant now,
        IReadOnlyDictionary<SlotKey, SlotUsage> usage)
    {
        var need = bookable.SlotsNeeded(SlotMinutes(centre, bookable.CategoryId));
        var cutoff = Duration.FromMinutes(centre.Rules.CutoffMinutes);
        var days = new List<AvailabilityDay>();
        for (var date = from; date <= to; date = date.PlusDays(1))
        {
            var slots = centre.Calendar.Slots(date, bookable.CategoryId);
            var offers = new List<SlotOffer>();
            for (var i = 0; i + need <= slots.Count; i++)
            {
                var startsAt = centre.Calendar.ToInstant(slots[i].StartsAt);
                if (now > startsAt - cutoff) continue;
                var free = int.MaxValue;
                for (var k = 0; k < need && free > 0; k++)
                {
                    var s = slots[i + k];
                    if (k > 0 && s.Start != slots[i + k - 1].End) { free = 0; break; }
                    free = Math.Min(free, FreeSeats(centre, s, usage.GetValueOrDefault(new SlotKey(s.Date, s.Start)), green, now));
                }
                if (free > 0) offers.Add(new SlotOffer(date, slots[i].Start, slots[i + need - 1].End, slots[i].Kind, free));
            }
            if (offers.Count > 0) days.Add(new AvailabilityDay(date, offers));
        }
        return days;
    }

    public static bool Fits(CentreSnapshot centre, IReadOnlyList<Slot> slots, IReadOnlyList<SlotUsage> usage, bool green, Instant now)
    {
        for (var i = 0; i < slots.Count; i++)
            if (FreeSeats(centre, slots[i], usage[i], green, now) < 1) return false;
        return true;
    }

    private static int FreeSeats(CentreSnapshot centre, Slot slot, SlotUsage usage, bool green, Instant now)
    {
        var capacity = Capacity.Of(slot, centre.Rules);
        var released = Capacity.Released(centre.Calendar.ToInstant(slot.StartsAt), now, centre.Rules);
        return Capacity.Free(capacity, Capacity.Held(capacity, centre.Rules), usage, green, released);
    }

    /// <summary>The item, the bundle or (for availability) the whole category a request names, or why none.</summary>
    public static Bookable? ResolveBookable(CentreSnapshot centre, string? categoryId, string? itemId, string? bundleId, out Problem? error)
    {
        error = null;
        if (itemId is not null && bundleId is not null)
        {
            error = Problem.Invalid("bundleId", ErrorCodes.ItemAndBundle, "Give an item or a bundle, not both.");
            return null;
        }
        if (itemId is null && bundleId is null)
        {
            var category = centre.Profile.Categories.FirstOrDefault(c => c.Id == categoryId);
            if (categoryId is not null && category is not null)
                return new Bookable(category.Id, false, category.Id, category.Name, category.SlotMinutes, []);
            error = categoryId is null
                ? Problem.Invalid("itemId", ErrorCodes.Missing, "Give the service item or bundle.")
                : Problem.NotFound("categoryId", ErrorCodes.UnknownCategory, $"Category '{categoryId}' is not known.");
            return null;
        }
        var bookable = Bookable.Find(centre.Profile, itemId, bundleId);
        if (bookable is null)
            error = itemId is not null
                ? Problem.NotFound("itemId", ErrorCodes.UnknownItem, $"Service item '{itemId}' is not known.")
                : Problem.NotFound("bundleId", ErrorCodes.UnknownBundle, $"Bundle '{bundleId}' is not known.");
        else if (categoryId is not null && bookable.CategoryId != categoryId)
        {
            error = Problem.Invalid("categoryId", ErrorCodes.WrongCategory, $"'{bookable.Id}' belongs to category '{bookable.CategoryId}'.");
            return null;
        }
        return bookable;
    }

    public static Problem? ValidateName(string? name, string field)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) return Problem.Invalid(field, ErrorCodes.NameEmpty, "The name is empty.");
        if (trimmed.Length > MaxNameLength) return Problem.Invalid(field, ErrorCodes.NameTooLong, $"The name must be at most {MaxNameLength} characters.");
        if (trimmed.Any(char.IsControl)) return Problem.Invalid(field, ErrorCodes.NameControlCharacters, "The name contains control characters.");
        return null;
    }

    /// <summary>The slot counters an appointment holds.</summary>
    public static List<SlotKey> HeldKeys(CentreSnapshot centre, Appointment a)
    {
        var slots = centre.Calendar.Slots(a.Date, a.CategoryId);
        var i = slots.ToList().FindIndex(s => s.Start == a.Start);
        if (i >= 0 && i + a.Slots <= slots.Count) return slots.Skip(i).Take(a.Slots).Select(s => new SlotKey(s.Date, s.Start)).ToList();
        // The calendar changed since booking: the counters are where the appointment was booked, slot by slot.
        var slotMinutes = centre.Profile.Categories.FirstOrDefault(c => c.Id == a.CategoryId)?.SlotMinutes ?? 15;
        return Enumerable.Range(0, a.Slots).Select(k => new SlotKey(a.Date, a.Start.PlusMinutes(k * slotMinutes))).ToList();
    }

    public static List<SlotKey> Keys(IEnumerable<Slot> slots) => slots.Select(s => new SlotKey(s.Date, s.Start)).ToList();

    public static Problem SlotFull(IReadOnlyList<SlotOffer> alternatives) =>
        Problem.Conflict("start", ErrorCodes.SlotFull, "That time is fully booked; here are the nearest free times.") with { Alternatives = alternatives };

    public static Problem Busy() => Problem.Conflict("appointment", ErrorCodes.Busy, "The appointment is being changed elsewhere; try again.");

    private static int SlotMinutes(CentreSnapshot centre, string categoryId) => centre.Profile.Categories.First(c => c.Id == categoryId).SlotMinutes;
}
