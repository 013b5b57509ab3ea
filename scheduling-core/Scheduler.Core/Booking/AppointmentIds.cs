using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Scheduler.Core.Booking;

/// <summary>
/// An appointment's id: <c>{category}.{yyyyMMdd}-{key}</c>, the day it was booked for and a random key (or, for a
/// request repeated under an idempotency key, a keyed hash of the number and that key). The day lets storage keep
/// the appointment under the day it was booked for, found from the id alone (ADR 0031). Ids from before have no
/// day, <c>{category}.{key}</c>, and stay valid.
/// </summary>
public static class AppointmentIds
{
    private static readonly LocalDatePattern Day = LocalDatePattern.CreateWithInvariantCulture("yyyyMMdd");

    public static string New(string categoryId, LocalDate bookedFor, string key) =>
        $"{categoryId}.{bookedFor.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{key}";

    /// <summary>The day the appointment was booked for, read from its id; null for an id from before days were in ids.</summary>
    public static LocalDate? BookedFor(string id)
    {
        var dot = id.IndexOf('.');
        if (dot < 0 || id.Length < dot + 10 || id[dot + 9] != '-') return null;
        var parsed = Day.Parse(id.Substring(dot + 1, 8));
        return parsed.Success ? parsed.Value : null;
    }

    /// <summary>The id's key: what stays the same when one request is repeated for another day under the same idempotency key.</summary>
    public static string KeyOf(string id) =>
        BookedFor(id) is null ? id[(id.IndexOf('.') + 1)..] : id[(id.IndexOf('.') + 10)..];
}
