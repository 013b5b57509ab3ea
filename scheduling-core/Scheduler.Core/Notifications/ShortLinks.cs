using System.Security.Cryptography;
using System.Text;

namespace Scheduler.Core.Notifications;

/// <summary>
/// Short links for SMS: <c>{base}/api/l/{kind}/{id}/{mac}</c>, where the MAC (HMAC-SHA256, 64 bits, base64url) makes
/// the path unguessable. The path grants nothing by itself: it redirects to the page with a fresh signed token,
/// issued for what the path names. No state is stored, so a link works as long as its subject does.
/// </summary>
public sealed class ShortLinks(byte[] key, string publicBaseUrl)
{
    public const string AppointmentKind = "a";
    public const string StaffDayKind = "s";
    public const string RatingKind = "r";
    public const string SessionKind = "b";
    public const string VisitRatingKind = "v";

    private readonly string _base = publicBaseUrl.TrimEnd('/');

    public string Appointment(string appointmentId) => Link(AppointmentKind, appointmentId);

    /// <summary>The rating page of a served appointment (the rating request's link).</summary>
    public string Rating(string appointmentId) => Link(RatingKind, appointmentId);

    /// <summary>The rating page of a home visit (its rating request's link): <c>/api/l/v/{request id}/{mac}</c>.</summary>
    public string VisitRating(string requestId) => Link(VisitRatingKind, requestId);

    /// <summary>The booking page of <paramref name="bookableId"/> on <paramref name="date"/> (an extended session opened that day).</summary>
    public string Session(NodaTime.LocalDate date, string bookableId) => Link(SessionKind, $"{date:yyyyMMdd}.{bookableId}");

    /// <summary>The day and service a session link names, or null when <paramref name="id"/> is not one.</summary>
    public static (NodaTime.LocalDate Date, string BookableId)? ReadSession(string id)
    {
        var dot = id.IndexOf('.');
        if (dot != 8 || id.Length == 9) return null;
        var parsed = NodaTime.Text.LocalDatePattern.CreateWithInvariantCulture("yyyyMMdd").Parse(id[..8]);
        return parsed.Success ? (parsed.Value, id[9..]) : null;
    }

    public string Link(string kind, string id) => $"{_base}/api/l/{kind}/{id}/{Mac(kind, id)}";

    public bool Verify(string kind, string id, string mac) =>
        mac.Length == 11 && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(kind, id)), Encoding.ASCII.GetBytes(mac));

    private string Mac(string kind, string id) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"short|{kind}|{id}"))[..8]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
