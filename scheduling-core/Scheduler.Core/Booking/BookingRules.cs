namespace Scheduler.Core.Booking;

/// <summary>The limits a centre sets on window appointments.</summary>
/// <param name="AdmitsPerWindowPerSlot">Residents one window takes per slot (usually 1).</param>
/// <param name="GreenChannelShare">Share of each slot's capacity held for the green channel (0..1, rounded down).</param>
/// <param name="GreenChannelReleaseMinutes">Held capacity is released to everyone this long before the slot.</param>
/// <param name="MaxActivePerPhone">Appointments one mobile number may hold at once.</param>
/// <param name="HorizonDays">How many days ahead a slot may be booked (today counts as day 0).</param>
/// <param name="CutoffMinutes">Booking and rescheduling into a slot close this long before it starts. Cancelling stays
/// open until the slot starts: a late cancellation still frees the seat for someone walking in.</param>
/// <param name="NoShowsBeforeConfirmation">After this many no-shows a booking must be confirmed before it counts.</param>
/// <param name="ConfirmWithinHours">How long such a booking waits for its confirmation before it lapses.</param>
/// <param name="GreenDowngradesBeforeRefusal">After staff downgraded this many of a mobile's green-channel claims, the
/// mobile may claim the green channel no more (it still books plainly).</param>
public sealed record BookingRules(
    int AdmitsPerWindowPerSlot,
    double GreenChannelShare,
    int GreenChannelReleaseMinutes,
    int MaxActivePerPhone,
    int HorizonDays,
    int CutoffMinutes,
    int NoShowsBeforeConfirmation,
    int ConfirmWithinHours,
    int GreenDowngradesBeforeRefusal = 2)
{
    public static BookingRules Default { get; } = new(1, 0.25, 120, 3, 14, 30, 2, 12, 2);

    public IEnumerable<string> Validate()
    {
        if (AdmitsPerWindowPerSlot is < 1 or > 20) yield return "booking.admitsPerWindowPerSlot must be 1..20";
        if (GreenChannelShare is < 0 or > 1 || double.IsNaN(GreenChannelShare)) yield return "booking.greenChannelShare must be 0..1";
        if (GreenChannelReleaseMinutes is < 0 or > 7 * 24 * 60) yield return "booking.greenChannelReleaseMinutes must be 0..10080";
        if (MaxActivePerPhone is < 1 or > 50) yield return "booking.maxActivePerPhone must be 1..50";
        if (HorizonDays is < 0 or > 366) yield return "booking.horizonDays must be 0..366";
        if (CutoffMinutes is < 0 or > 7 * 24 * 60) yield return "booking.cutoffMinutes must be 0..10080";
        if (NoShowsBeforeConfirmation < 1) yield return "booking.noShowsBeforeConfirmation must be at least 1";
        if (ConfirmWithinHours is < 1 or > 72) yield return "booking.confirmWithinHours must be 1..72";
        if (GreenDowngradesBeforeRefusal is < 1 or > 100) yield return "booking.greenDowngradesBeforeRefusal must be 1..100";
    }
}

/// <summary>Why a booker may use the green channel (绿色通道).</summary>
public enum PriorityReason
{
    Elderly,
    Disabled,
    Pregnant,
    SeriouslyIll,
    NamedGroup,
}
