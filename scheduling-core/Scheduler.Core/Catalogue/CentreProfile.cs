using Scheduler.Core.Calendar;
using Scheduler.Core.Residents;
using Scheduler.Core.Staffing;

namespace Scheduler.Core.Catalogue;

/// <summary>Everything a centre is made of: its catalogue, calendar, staff and the residents it knows.</summary>
public sealed record CentreProfile(
    Centre Centre,
    IReadOnlyList<WindowCategory> Categories,
    IReadOnlyList<Skill> Skills,
    IReadOnlyList<ServiceItem> Items,
    IReadOnlyList<Bundle> Bundles,
    IReadOnlyList<WeeklyOpening> Opening,
    LunchPeriod Lunch,
    IReadOnlyList<ExtendedSession> ExtendedSessions,
    IReadOnlyList<CalendarDay> CalendarDays,
    IReadOnlyList<StaffMember> Staff,
    IReadOnlyList<Resident> Residents,
    Booking.BookingRules Booking)
{
    /// <summary>Every broken reference or impossible value, one message each; empty when the profile is sound.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var categories = Categories.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var skills = Skills.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var items = Items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);

        void Unique<T>(IEnumerable<T> xs, Func<T, string> id, string what)
        {
            foreach (var g in xs.GroupBy(id).Where(g => g.Count() > 1))
                errors.Add($"{what} '{g.Key}' is defined {g.Count()} times");
        }

        Unique(Categories, c => c.Id, "category");
        Unique(Skills, s => s.Id, "skill");
        Unique(Items, i => i.Id, "item");
        Unique(Bundles, b => b.Id, "bundle");
        Unique(Staff, s => s.Id, "staff member");
        Unique(Residents, r => r.Id, "resident");
        Unique(CalendarDays, d => d.Date.ToString(), "calendar day");

        if (!Centre.Location.IsValid()) errors.Add($"centre '{Centre.Id}' has invalid coordinates");
        foreach (var c in Categories)
        {
            if (c.Windows < 1) errors.Add($"category '{c.Id}' must have at least one window");
            if (c.SlotMinutes is < 5 or > 240) errors.Add($"category '{c.Id}' slot length {c.SlotMinutes} is outside 5..240 minutes");
        }
        foreach (var i in Items)
        {
            if (!categories.Contains(i.CategoryId)) errors.Add($"item '{i.Id}' names unknown category '{i.CategoryId}'");
            if (i.Minutes < 1) errors.Add($"item '{i.Id}' must take at least one minute");
            if (!i.Immediate && i.PromisedWorkingDays is null or < 1)
                errors.Add($"item '{i.Id}' is not immediate and needs a promised processing time");
            if (i.HomeVisit is { } hv)
            {
                if (hv.TeamSize is < 1 or > 5) errors.Add($"item '{i.Id}' team size {hv.TeamSize} is outside 1..5");
                foreach (var s in hv.Skills.Where(s => !skills.Contains(s)))
                    errors.Add($"item '{i.Id}' needs unknown skill '{s}'");
            }
        }
        foreach (var b in Bundles)
        {
            if (b.ItemIds.Count < 2) errors.Add($"bundle '{b.Id}' must combine at least two items");
            foreach (var id in b.ItemIds.Where(id => !items.Contains(id)))
                errors.Add($"bundle '{b.Id}' names unknown item '{id}'");
        }
        foreach (var o in Opening)
        {
            if (o.Closes <= o.Opens) errors.Add($"opening on {o.Day} closes before it opens");
            foreach (var c in o.CategoryIds.Where(c => !categories.Contains(c)))
                errors.Add($"opening on {o.Day} names unknown category '{c}'");
        }
        if (Lunch.Ends <= Lunch.Starts) errors.Add("lunch period ends before it starts");
        foreach (var e in ExtendedSessions)
        {
            if ((e.Weekly is null) == (e.Date is null)) errors.Add($"extended session '{e.Id}' needs exactly one of a weekday or a date");
            if (e.Closes <= e.Opens) errors.Add($"extended session '{e.Id}' closes before it opens");
            foreach (var c in e.CategoryIds.Where(c => !categories.Contains(c)))
                errors.Add($"extended session '{e.Id}' names unknown category '{c}'");
        }
        foreach (var s in Staff)
        {
            foreach (var c in s.CategoryIds.Where(c => !categories.Contains(c)))
                errors.Add($"staff member '{s.Id}' names unknown category '{c}'");
            foreach (var k in s.Skills.Where(k => !skills.Contains(k)))
                errors.Add($"staff member '{s.Id}' names unknown skill '{k}'");
        }
        foreach (var r in Residents)
            if (!r.Home.IsValid()) errors.Add($"resident '{r.Id}' has invalid coordinates");
        if (Lunch.Staffed && Lunch.Windows < 1) errors.Add("a staffed lunch period needs at least one window");
        foreach (var e in ExtendedSessions.Where(e => e.Windows < 1))
            errors.Add($"extended session '{e.Id}' needs at least one window");
        errors.AddRange(Booking.Validate());
        return errors;
    }
}
