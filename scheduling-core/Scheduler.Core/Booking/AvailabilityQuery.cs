using NodaTime;
using Scheduler.Core.Calendar;
using Scheduler.Core.Results;

namespace Scheduler.Core.Booking;

/// <summary>Free slots over a range of days, and the nearest free slots to one that is full.</summary>
public sealed class AvailabilityQuery(IAppointmentStore store, ICentreDirectory centres, IClock clock)
{
    private const int MaxRangeDays = 62;

    /// <summary>
    /// Free slots from <paramref name="from"/> to <paramref name="to"/> (the horizon rule's last day when not given),
    /// clipped to today and the booking horizon.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<AvailabilityDay>>> GetAsync(string centreId, string? categoryId, string? itemId, string? bundleId,
        LocalDate from, LocalDate? to, bool green, CancellationToken cancellationToken)
    {
        var centre = await centres.GetAsync(centreId, cancellationToken);
        if (centre is null) return Problem.UnknownCentre(centreId);
        var bookable = BookingChecks.ResolveBookable(centre, categoryId, itemId, bundleId, out var error);
        if (bookable is null) return error!;
        var now = clock.GetCurrentInstant();
        var today = centre.Calendar.Today(now);
        var last = today.PlusDays(centre.Rules.HorizonDays);
        var until = to ?? (from > last ? from : last);
        if (until < from) return Problem.Invalid("to", ErrorCodes.RangeReversed, "'to' is before 'from'.");
        if (Period.Between(from, until, PeriodUnits.Days).Days >= MaxRangeDays)
            return Problem.Invalid("to", ErrorCodes.RangeTooLong, $"Ask for at most {MaxRangeDays} days at a time.");
        if (from < today) from = today;
        if (until > last) until = last;
        if (until < from) return Outcome<IReadOnlyList<AvailabilityDay>>.Ok([]);
        var usage = await store.ReadUsageAsync(centreId, bookable.CategoryId, from, until, cancellationToken);
        return Outcome<IReadOnlyList<AvailabilityDay>>.Ok(BookingChecks.Offers(centre, bookable, from, until, green, now, usage));
    }

    /// <summary>The three free slots nearest in time to <paramref name="wanted"/>, within a week either side.</summary>
    public async Task<IReadOnlyList<SlotOffer>> NearestAsync(CentreSnapshot centre, Bookable bookable, Slot wanted, bool green, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var today = centre.Calendar.Today(now);
        var from = wanted.Date.PlusDays(-7) < today ? today : wanted.Date.PlusDays(-7);
        var last = today.PlusDays(centre.Rules.HorizonDays);
        var to = wanted.Date.PlusDays(7) > last ? last : wanted.Date.PlusDays(7);
        var usage = await store.ReadUsageAsync(centre.Profile.Centre.Id, bookable.CategoryId, from, to, cancellationToken);
        var target = wanted.StartsAt;
        return BookingChecks.Offers(centre, bookable, from, to, green, now, usage).SelectMany(d => d.Slots)
            .Where(o => !(o.Date == wanted.Date && o.Start == wanted.Start))
            .OrderBy(o => Math.Abs(Period.Between(target, o.Date + o.Start, PeriodUnits.Minutes).Minutes))
            .ThenBy(o => o.Date + o.Start)
            .Take(3).ToList();
    }
}
