using System.Text.RegularExpressions;
using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Results;

namespace Scheduler.Core.Identity;

/// <summary>The longest life of a resident's link.</summary>
public sealed record ResidentLinkSettings(int MaxHours);

/// <summary>A link issued: its token, what it is for, until when, and whether it opens the appointment's manage page.</summary>
public sealed record ResidentLinkIssued(string Token, string Subject, string Purpose, Instant Expires, bool OpensManagePage);

/// <summary>
/// Staff issue a signed, expiring link that lets a resident act on one subject (an appointment or a request), for one
/// purpose, for at most <see cref="ResidentLinkSettings.MaxHours"/>; every link issued is audited. A <c>book</c> link
/// is issued for one mobile (its subject is that mobile's pseudonym, <see cref="PhoneVerification.BookLinkSubject"/>):
/// it stands for that mobile's verification only, so a forwarded link books with no other number.
/// </summary>
public sealed partial class IssueResidentLink(ResidentTokenService tokens, AuditTrail audit, IClock clock, ResidentLinkSettings settings,
    Booking.IPhoneNumbers phones, PhoneVerification verification)
{
    /// <summary>What a resident's link may be for.</summary>
    public static readonly IReadOnlySet<string> Purposes = new HashSet<string>(StringComparer.Ordinal) { "manage", "book", "home-visit" };

    [GeneratedRegex("^[a-z-]{2,32}/[A-Za-z0-9.-]{1,64}$")]
    private static partial Regex SubjectShape();

    public async Task<Outcome<ResidentLinkIssued>> IssueAsync(string centreId, string? subject, string? purpose, int? validForHours, Caller caller, CancellationToken cancellationToken,
        string? mobile = null)
    {
        if (purpose == PhoneVerification.BookLinkPurpose)
        {
            // A booking link names the mobile it was issued for, never a free subject: it books with that number only.
            if (!string.IsNullOrWhiteSpace(subject))
                return Problem.Invalid("subject", ErrorCodes.InvalidSubject, "A book link is for one mobile: send mobile, not subject.");
            var e164 = phones.NormalizeMobile(mobile, out var reason);
            if (e164 is null) return Problem.Invalid("mobile", ErrorCodes.InvalidMobile, $"A book link is for one mobile: {reason}");
            subject = verification.BookLinkSubject(e164);
        }
        else if (!string.IsNullOrWhiteSpace(mobile))
            return Problem.Invalid("mobile", ErrorCodes.InvalidMobile, "Only a book link names a mobile.");
        if (string.IsNullOrWhiteSpace(subject) || !SubjectShape().IsMatch(subject))
            return Problem.Invalid("subject", ErrorCodes.InvalidSubject, "subject must look like 'appointment/abc-123'.");
        if (purpose is null || !Purposes.Contains(purpose))
            return Problem.Invalid("purpose", ErrorCodes.UnknownPurpose, $"purpose must be one of: {string.Join(", ", Purposes.Order())}.");
        var hours = validForHours ?? settings.MaxHours;
        if (hours < 1 || hours > settings.MaxHours)
            return Problem.Invalid("validForHours", ErrorCodes.InvalidValidity, $"validForHours must be between 1 and {settings.MaxHours}.");
        var token = tokens.Issue(centreId, subject, purpose, Duration.FromHours(hours));
        await audit.RecordAsync(centreId, caller, "resident-link.issued", subject, $"purpose {purpose}, {hours} h", cancellationToken);
        return Outcome<ResidentLinkIssued>.Ok(new ResidentLinkIssued(token, subject, purpose, clock.GetCurrentInstant() + Duration.FromHours(hours),
            purpose == Booking.ManageLinks.Purpose && subject.StartsWith("appointment/", StringComparison.Ordinal)));
    }
}
