using NodaTime;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Residents;

namespace Scheduler.Core.HomeVisits.Requests;

public enum HomeVisitStatus
{
    Submitted,
    NeedsInformation,
    Approved,
    Rejected,
    Cancelled,
}

/// <summary>A time a resident can receive staff at home: a local date and a from-to time at the centre's zone.</summary>
public sealed record VisitWindow(LocalDate Date, LocalTime From, LocalTime To);

/// <summary>The rules' view of a request, stored with it: eligible or not, and why, in words a dispatcher reads.</summary>
public sealed record EligibilityAssessment(bool Eligible, string Reason);

/// <summary>A dispatcher's decision (or the lack of one yet).</summary>
public sealed record Decision(HomeVisitStatus Outcome, string By, Instant At, string? Reason);

/// <summary>
/// A resident's request for staff to come to their home. The resident ID, when given, is kept only encrypted
/// (<see cref="ProtectedIdNumber"/>) with the age it gave; it is never logged or shown again.
/// <see cref="Language"/> is the one the resident chose ("zh" or "en"): every message about the request, and the
/// answers to replies about it, are in it. <see cref="Location"/> is null while the home's place is still to be set
/// (位置待定: asked for by address alone, away from the home and with no map): a dispatcher sets it
/// (<see cref="HomeVisitService.SetLocationAsync"/>), and until then planning leaves the visit out with that reason.
/// </summary>
public sealed record HomeVisitRequest(
    string Id,
    string CentreId,
    string ResidentName,
    string Mobile,
    string? ProtectedIdNumber,
    int? Age,
    EligibilityReason Reason,
    GeoPoint? Location,
    string Address,
    string ItemId,
    IReadOnlyList<VisitWindow> Windows,
    VisitUrgency Urgency,
    string? Notes,
    string Channel,
    EligibilityAssessment Assessment,
    HomeVisitStatus Status,
    Decision? Decision,
    Instant CreatedAt,
    string CreatedBy,
    string DuplicateKey,
    string Language = "zh")
{
    /// <summary>The home's place is still to be set by a dispatcher.</summary>
    public bool LocationPending() => Location is null;
}

/// <summary>Eligibility rules a centre sets as data.</summary>
/// <param name="MinimumAge">Age from which <see cref="EligibilityReason.Aged60Plus"/> holds.</param>
/// <param name="Accepted">Reasons the centre accepts at all.</param>
/// <param name="ServiceRadiusKm">Homes farther from the centre than this are outside its service area.</param>
public sealed record EligibilityRules(int MinimumAge, IReadOnlyList<EligibilityReason> Accepted, double ServiceRadiusKm)
{
    public static EligibilityRules Default { get; } = new(60, Enum.GetValues<EligibilityReason>(), 30);

    public EligibilityAssessment Assess(EligibilityReason reason, int? age)
    {
        if (!Accepted.Contains(reason)) return new(false, $"The centre does not offer home visits for '{reason}'.");
        if (reason == EligibilityReason.Aged60Plus)
        {
            if (age is null) return new(true, $"Declared aged {MinimumAge} or over; no resident ID given, verify at the visit.");
            return age >= MinimumAge
                ? new(true, $"Aged {age} by the resident ID.")
                : new(false, $"Aged {age} by the resident ID, under {MinimumAge}.");
        }
        return new(true, $"Declared {reason}; verify at the visit.");
    }
}
