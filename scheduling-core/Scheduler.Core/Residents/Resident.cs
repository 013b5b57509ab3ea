using Scheduler.Core.Catalogue;

namespace Scheduler.Core.Residents;

/// <summary>Why a resident may ask for a home visit instead of coming to the hall.</summary>
public enum EligibilityReason
{
    Aged60Plus,
    BedriddenOrSeriouslyIll,
    Disabled,
    FiveGuaranteesOrSolitaryElderly,
    RemoteOrIslandVillage,
}

/// <summary>A resident known to the centre.</summary>
/// <param name="Mobile">E.164 mobile number, for example +8613800000000.</param>
public sealed record Resident(
    string Id,
    string Name,
    string Mobile,
    GeoPoint Home,
    string Address,
    IReadOnlyList<EligibilityReason> Eligibility);
