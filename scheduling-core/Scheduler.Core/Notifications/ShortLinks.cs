using System.Security.Cryptography;
using System.Text;

namespace Scheduler.Core.Notifications;

/// <summary>
/// Short links for SMS: <c>{base}/api/l/{kind}/{id}/{mac}</c>, where the MAC (HMAC-SHA256, 64 bits, base64url) makes
/// the path unguessable. The path grants nothing by itself: it redirects to the page with a fresh signed token,
/// issued for what the path names. No state is stored, so a link works as long as its subject does. A link of a centre
/// other than the deployment's default names it in the id (<c>siming~{id}</c>, under the MAC); the default centre's
/// links name none, as they did before there were several centres, so links already sent still open.
/// </summary>
public sealed class ShortLinks(byte[] key, string publicBaseUrl, string defaultCentre)
{
    public const string AppointmentKind = "a";
    public const string StaffDayKind = "s";
    public const string RatingKind = "r";
    public const string SessionKind = "b";
    public const string VisitRatingKind = "v";

    /// <summary>Between a centre and the id in a link's id; in no centre id (<see cref="Identity.CentreScope.IsWellFormed"/>).</summary>
    public const char CentreSeparator = '~';

    private readonly string _base = publicBaseUrl.TrimEnd('/');

    public string Appointment(string centreId, string appointmentId) => Link(AppointmentKind, Qualify(centreId, appointmentId));

    /// <summary>The rating page of a served appointment (the rating request's link).</summary>
    public string Rating(string centreId, string appointmentId) => Link(RatingKind, Qualify(centreId, appointmentId));

    /// <summary>The rating page of a home visit (its rating request's link): <c>/api/l/v/{request id}/{mac}</c>.</summary>
    public string VisitRating(string centreId, string requestId) => Link(VisitRatingKind, Qualify(centreId, requestId));

    /// <summary>The booking page of <paramref name="bookableId"/> on <paramref name="date"/> (an extended session opened that day).</summary>
    public string Session(string centreId, NodaTime.LocalDate date, string bookableId) => Link(SessionKind, Qualify(centreId, $"{date:yyyyMMdd}.{bookableId}"));

    /// <summary>The centre a link's id names (the default centre when it names none) and the id within it.</summary>
    public (string CentreId, string Id) Read(string id)
    {
        var at = id.IndexOf(CentreSeparator);
        return at <= 0 ? (defaultCentre, id) : (id[..at], id[(at + 1)..]);
    }

    /// <summary>The day and service a session link names, or null when <paramref name="id"/> is not one.</summary>
    public static (NodaTime.LocalDate Date, string BookableId)? ReadSession(string id)
    {
        var dot = id.IndexOf('.');
        if (dot != 8 || id.Length == 9) return null;
        var parsed = NodaTime.Text.LocalDatePattern.CreateWithInvariantCulture("yyyyMMdd").Parse(id[..8]);
        return parsed.Success ? (parsed.Value, id[9..]) : null;
    }

    private string Qualify(string centreId, string id) => centreId == defaultCentre ? id : $"{centreId}{CentreSeparator}{id}";

    public string Link(string kind, string id) => $"{_base}/api/l/{kind}/{id}/{Mac(kind, id)}";

    public bool Verify(string kind, string id, string mac) =>
        mac.Length == 11 && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(kind, id)), Encoding.ASCII.GetBytes(mac));

    private string Mac(string kind, string id) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"short|{kind}|{id}"))[..8]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
