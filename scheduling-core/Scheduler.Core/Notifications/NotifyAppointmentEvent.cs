using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;

namespace Scheduler.Core.Notifications;

/// <summary>What an appointment event led to: the message kind put in the outbox, or why none.</summary>
public sealed record NotificationOutcome(string? Kind, OutboxResult? Result, string? Skipped = null);

/// <summary>
/// Which appointment event gets which message, in the appointment's language: a booking its confirmation with the
/// short manage link (or, after repeated no-shows, the request to confirm), a move, a cancellation (by the resident,
/// or by the centre with the three nearest free times to reply to), a confirmation, a lapse, and after service the
/// rating request. The key is the event's id, so a redelivered event sends nothing again.
/// </summary>
public sealed class NotifyAppointmentEvent(IAppointmentStore store, ICentreDirectory centres, AvailabilityQuery availability, SmsNotifier notifier,
    ShortLinks links, IClock clock)
{
    public async Task<NotificationOutcome> HandleAsync(AppointmentEvent e, CancellationToken cancellationToken)
    {
        var kind = e.Type switch
        {
            AppointmentEventTypes.Booked => e.Status == AppointmentStatus.AwaitingConfirmation ? SmsKinds.ConfirmationRequested : SmsKinds.BookingConfirmation,
            AppointmentEventTypes.Rescheduled => SmsKinds.Rescheduled,
            AppointmentEventTypes.Cancelled => e.Actor.StartsWith("staff:", StringComparison.Ordinal) ? SmsKinds.CancelledByCentre : SmsKinds.CancelledByResident,
            AppointmentEventTypes.Confirmed => SmsKinds.Confirmed,
            AppointmentEventTypes.Lapsed => SmsKinds.Lapsed,
            AppointmentEventTypes.Served => SmsKinds.RatingRequest,
            _ => null,
        };
        if (kind is null) return new(null, null, $"no message for {e.Type}");
        var stored = await store.GetAsync(e.CentreId, e.AppointmentId, cancellationToken);
        if (stored is null) return new(kind, null, $"appointment {e.AppointmentId} no longer exists; nobody to tell");
        var centre = await centres.GetAsync(e.CentreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{e.CentreId}' of event {e.EventId} is not known.");
        var a = stored.Appointment;
        var lang = a.Language;
        var now = clock.GetCurrentInstant();
        var service = Bookable.Find(centre.Profile, a.IsBundle ? null : a.BookableId, a.IsBundle ? a.BookableId : null)?.Name.For(lang) ?? a.BookableId;
        var values = new Dictionary<string, string?>
        {
            ["name"] = a.ResidentName,
            ["service"] = service,
            ["time"] = SmsFormat.When(e.Date, e.Start, lang),
            ["link"] = links.Appointment(a.CentreId, a.Id),
            ["address"] = centre.Profile.Centre.Address,
        };
        var subject = ManageLinks.Subject(a.Id);
        // The conversation dates from the event, not from its handling: a late event must not take over a newer one.
        var conversation = new Conversation(a.CentreId, subject, lang, ChoiceMode.None, [], now, null, null, e.At);
        switch (kind)
        {
            case SmsKinds.ConfirmationRequested:
                values["deadline"] = a.ConfirmBy is { } by ? SmsFormat.When(by.InZone(centre.Calendar.Zone).Date, by.InZone(centre.Calendar.Zone).TimeOfDay, lang) : null;
                break;
            case SmsKinds.Rescheduled:
                values["oldtime"] = e.PreviousDate is { } d && e.PreviousStart is { } t ? SmsFormat.When(d, t, lang) : null;
                break;
            case SmsKinds.CancelledByCentre:
                var bookable = Bookable.Find(centre.Profile, a.IsBundle ? null : a.BookableId, a.IsBundle ? a.BookableId : null);
                var offers = bookable is null ? [] : await availability.NearestAsync(centre, bookable, new Slot(a.CategoryId, e.Date, e.Start, a.End, 1, SlotKind.Regular),
                    a.Green, cancellationToken);
                var choices = offers.Select((o, i) => new SlotChoice(i + 1, o.Date, o.Start)).ToList();
                values["choices"] = choices.Count == 0 ? (SmsFormat.IsEnglish(lang) ? "none in the coming week" : "近期暂无") : SmsFormat.Choices(choices, lang);
                conversation = conversation with { Mode = ChoiceMode.Book, Choices = choices, ChoicesUntil = now + notifier.Settings.ChoicesFor };
                break;
            case SmsKinds.RatingRequest:
                values["link"] = links.Rating(a.CentreId, a.Id);
                conversation = conversation with { RatingOf = subject, RatingUntil = now + notifier.Settings.RatingFor };
                break;
        }
        var result = await notifier.SendAsync(centre, $"{e.EventId}|{kind}", a.Mobile, kind, lang, values, conversation, cancellationToken, e.At);
        return new(kind, result);
    }
}
