using System.Text.RegularExpressions;
using NodaTime;
using Scheduler.Core.Booking;

namespace Scheduler.Core.Notifications;

/// <summary>
/// Renders a template for one recipient with the centre's signature and phone number, decides when it may go (quiet
/// hours) and whether it may go at all (opt-out), and puts it in the outbox under its key. The conversation it opens
/// (what a reply will be about) is kept before the message is taken, so no reply can outrun it.
/// </summary>
public sealed partial class SmsNotifier(ISmsOutbox outbox, ISmsContacts contacts, IClock clock, NotificationSettings settings)
{
    /// <summary>What an opted-out number still gets: the answers to STOP and START, and verification codes it asked for.</summary>
    private static readonly HashSet<string> AllowedWhenOptedOut = [SmsKinds.ReplyOptedOut, SmsKinds.ReplyOptedIn, SmsKinds.VerificationCode];

    public NotificationSettings Settings => settings;

    /// <param name="decidedAt">When what the message tells happened (an event's time); now when not given. The inbox orders by it.</param>
    public async Task<OutboxResult> SendAsync(CentreSnapshot centre, string key, string to, string kind, string language,
        IReadOnlyDictionary<string, string?> values, Conversation? conversation, CancellationToken cancellationToken, Instant? decidedAt = null)
    {
        if (string.IsNullOrEmpty(to) || !E164().IsMatch(to))
            throw new InvalidDataException($"Message '{kind}' ({key}) has a recipient that is not a phone number in E.164 form.");
        var template = SmsTemplates.Get(kind);
        var all = new Dictionary<string, string?>(values)
        {
            ["sign"] = (centre.Profile.Centre.SmsSignature ?? centre.Profile.Centre.Name).For(language),
            ["phone"] = centre.Profile.Centre.Phone,
        };
        var text = SmsRenderer.Render(template, language, all);
        var now = clock.GetCurrentInstant();
        var mayOptOut = !AllowedWhenOptedOut.Contains(kind);
        // The conversation first: a reply can come as soon as the message is out. Events are handled in any order,
        // so a message about something older than what the number last heard about does not take the conversation
        // over; the same read says whether the number opted out.
        var optedOut = mayOptOut && (conversation is not null
            ? await contacts.KeepConversationAsync(to, conversation, cancellationToken)
            : await contacts.IsOptedOutAsync(to, cancellationToken));
        if (conversation is not null && !mayOptOut) await contacts.KeepConversationAsync(to, conversation, cancellationToken);
        return await outbox.EnqueueAsync(new OutboundSms(key, centre.Profile.Centre.Id, to, text, kind, language, decidedAt ?? now,
            settings.SendAt(now, centre.Calendar.Zone, template.Urgent)), optedOut, cancellationToken);
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}

/// <summary>Dates and times as a message says them.</summary>
public static class SmsFormat
{
    private static readonly string[] ZhWeekdays = ["", "一", "二", "三", "四", "五", "六", "日"];

    public static bool IsEnglish(string language) => language.StartsWith("en", StringComparison.OrdinalIgnoreCase);

    public static string When(LocalDate date, LocalTime time, string language) => IsEnglish(language)
        ? $"{date.DayOfWeek.ToString()[..3]} {date.Day} {System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(date.Month)} {time:HH:mm}"
        : $"{date.Month}月{date.Day}日(周{ZhWeekdays[(int)date.DayOfWeek]}){time:HH:mm}";

    public static string Day(LocalDate date, string language) => IsEnglish(language)
        ? $"{date.DayOfWeek.ToString()[..3]} {date.Day} {System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(date.Month)}"
        : $"{date.Month}月{date.Day}日(周{ZhWeekdays[(int)date.DayOfWeek]})";

    public static string Choices(IReadOnlyList<SlotChoice> choices, string language) =>
        string.Join(IsEnglish(language) ? "; " : "；", choices.Select(c => $"{c.Number}) {When(c.Date, c.Start, language)}"));
}
