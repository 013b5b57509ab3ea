using System.ComponentModel.DataAnnotations;
using NodaTime;
using Scheduler.Core.Notifications;

namespace Scheduler.Functions.Notifications;

/// <summary>
/// Settings under <c>Notifications</c> (app settings <c>Notifications__Name</c>): when the scheduled messages go,
/// the quiet hours, the follow-up deadline and how long a conversation's numbered choices last. Times are local at
/// the centre (<c>HH:mm</c>). Validated when the app starts: a malformed value stops it, naming the setting.
/// </summary>
public sealed class NotificationOptions : IValidatableObject
{
    public const string Section = "Notifications";

    /// <summary>Day-before reminders for appointments and home visits.</summary>
    public string ReminderTime { get; set; } = "18:00";

    /// <summary>Staff get their day by SMS, on the centre's working days.</summary>
    public string StaffDayTime { get; set; } = "07:30";

    /// <summary>The day's home visits that are done ask for a rating.</summary>
    public string VisitRatingTime { get; set; } = "19:00";

    /// <summary>Quiet hours: what the centre starts (reminders, decisions, rating requests) waits until they end.</summary>
    public string QuietFrom { get; set; } = "21:00";

    public string QuietUntil { get; set; } = "08:00";

    /// <summary>Working days a dispatcher has to act on a low rating.</summary>
    [Range(1, 30)]
    public int FollowUpWorkingDays { get; set; } = 3;

    /// <summary>How long numbered choices offered by SMS can be answered, in minutes.</summary>
    [Range(1, 24 * 60)]
    public int ConversationMinutes { get; set; } = 30;

    public NotificationSettings ToSettings() => NotificationSettings.Default with
    {
        QuietFrom = Time(QuietFrom),
        QuietUntil = Time(QuietUntil),
        ChoicesFor = Duration.FromMinutes(ConversationMinutes),
        RemindersAt = Time(ReminderTime),
        StaffDayAt = Time(StaffDayTime),
        VisitRatingsAt = Time(VisitRatingTime),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(ReminderTime), ReminderTime), (nameof(StaffDayTime), StaffDayTime), (nameof(VisitRatingTime), VisitRatingTime),
                     (nameof(QuietFrom), QuietFrom), (nameof(QuietUntil), QuietUntil),
                 })
            if (!TryTime(value, out _))
                yield return new ValidationResult($"{Section}:{name} must be a local time as HH:mm (00:00 to 23:59).", [name]);
        if (TryTime(QuietFrom, out var from) && TryTime(QuietUntil, out var until) && from == until)
            yield return new ValidationResult($"{Section}:QuietFrom and {Section}:QuietUntil are equal; leave them apart (or the defaults).", [nameof(QuietFrom)]);
    }

    private static LocalTime Time(string text) => TryTime(text, out var t) ? t : throw new InvalidOperationException("Notification settings are validated at start.");

    public static bool TryTime(string? text, out LocalTime time)
    {
        var parsed = NodaTime.Text.LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text?.Trim() ?? "");
        time = parsed.Success ? parsed.Value : default;
        return parsed.Success;
    }
}
