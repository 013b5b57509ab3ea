using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Requests;

namespace Scheduler.Core.Notifications;

/// <summary>
/// The messages of a home-visit request: received, approved, rejected, more information needed, the visit time once
/// a plan is published, and a cancellation, each in the language the resident chose for the request. Each key
/// names the request and the decision (or the planned time), so a retried decision or publish sends nothing twice.
/// </summary>
public sealed class HomeVisitNotifications(SmsNotifier notifier, ICentreDirectory centres, IClock clock, ShortLinks links)
{
    public Task ReceivedAsync(HomeVisitRequest r, CancellationToken cancellationToken) =>
        SendAsync(new OwedVisitMessage(VisitMessageEvent.Received, r, r.CreatedAt), cancellationToken);

    public Task DecidedAsync(HomeVisitRequest r, CancellationToken cancellationToken) =>
        SendAsync(new OwedVisitMessage(VisitMessageEvent.Decided, r, r.Decision!.At), cancellationToken);

    public Task CancelledAsync(HomeVisitRequest r, CancellationToken cancellationToken) =>
        SendAsync(new OwedVisitMessage(VisitMessageEvent.Cancelled, r, r.Decision?.At ?? r.CreatedAt), cancellationToken);

    /// <summary>
    /// The message a change to a request owes (received, a decision, a cancellation), as the request was at the change,
    /// under <see cref="OwedVisitMessage.Key"/>: from the change itself, a retry of it, or the sweep, it is taken once.
    /// </summary>
    public Task SendAsync(OwedVisitMessage owed, CancellationToken cancellationToken)
    {
        var r = owed.Request;
        var kind = owed.Event switch
        {
            VisitMessageEvent.Received => SmsKinds.HomeVisitReceived,
            VisitMessageEvent.Cancelled => SmsKinds.VisitCancelled,
            _ => r.Status switch
            {
                HomeVisitStatus.Approved => SmsKinds.HomeVisitApproved,
                HomeVisitStatus.Rejected => SmsKinds.HomeVisitRejected,
                HomeVisitStatus.NeedsInformation => SmsKinds.HomeVisitMoreInformation,
                _ => throw new ArgumentException($"A request that is {r.Status} has no decision message.", nameof(owed)),
            },
        };
        return SendAsync(r, owed.Key(), kind, null, cancellationToken);
    }

    public Task VisitTimeAsync(HomeVisitRequest r, LocalDate date, LocalTime start, CancellationToken cancellationToken) =>
        SendAsync(r, $"{r.Id}|{date:yyyyMMdd}|{start:HHmm}", SmsKinds.VisitTimePublished, SmsFormat.When(date, start, r.Language), cancellationToken);

    public Task ReminderAsync(HomeVisitRequest r, LocalDate date, LocalTime start, CancellationToken cancellationToken) =>
        SendAsync(r, $"{r.Id}|reminder|{date:yyyyMMdd}", SmsKinds.VisitReminder, $"{start:HH:mm}", cancellationToken);

    /// <summary>
    /// After a visit is done: the rating request (好差评), answered by a reply of 1 to 5 with an optional reason, or on
    /// the rating page its short link opens (<see cref="VisitRatings"/>). Once per request and day; either way the
    /// rating is recorded against <c>home-visit/{id}</c>.
    /// </summary>
    public Task<OutboxResult> RatingRequestAsync(HomeVisitRequest r, LocalDate date, LocalTime start, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        return SendAsync(r, $"{r.Id}|rating|{date:yyyyMMdd}", SmsKinds.VisitRatingRequest, SmsFormat.When(date, start, r.Language), cancellationToken,
            c => c with { RatingOf = Subject(r.Id), RatingUntil = now + notifier.Settings.RatingFor }, links.VisitRating(r.CentreId, r.Id));
    }

    /// <summary>What replies about a home-visit request are about.</summary>
    public static string Subject(string requestId) => $"home-visit/{requestId}";

    private async Task<OutboxResult> SendAsync(HomeVisitRequest r, string key, string kind, string? time, CancellationToken cancellationToken,
        Func<Conversation, Conversation>? conversation = null, string? link = null)
    {
        var centre = await centres.GetAsync(r.CentreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{r.CentreId}' is not known.");
        var service = centre.Profile.Items.FirstOrDefault(i => i.Id == r.ItemId)?.Name.For(r.Language) ?? r.ItemId;
        var values = new Dictionary<string, string?>
        {
            ["name"] = r.ResidentName,
            ["service"] = service,
            ["reason"] = r.Decision?.Reason,
            ["time"] = time,
            ["link"] = link,
        };
        var now = clock.GetCurrentInstant();
        var about = new Conversation(r.CentreId, Subject(r.Id), r.Language, ChoiceMode.None, [], now, null, null, now);
        return await notifier.SendAsync(centre, key, r.Mobile, kind, r.Language, values, conversation is null ? about : conversation(about), cancellationToken);
    }
}
