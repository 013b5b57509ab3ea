using Scheduler.Core.Catalogue;

namespace Scheduler.Core.Staffing;

/// <summary>Somebody who sits at windows and makes home visits.</summary>
/// <param name="CategoryIds">Window categories the staff member may sit at.</param>
/// <param name="Skills">Skill identifiers, see <see cref="Skill"/>.</param>
/// <param name="Mobile">Where the day's schedule is sent (E.164); none is sent without it.</param>
public sealed record StaffMember(
    string Id,
    string Name,
    IReadOnlyList<string> CategoryIds,
    IReadOnlyList<string> Skills,
    bool MakesHomeVisits,
    string? Mobile = null);

/// <summary>What the staff of a centre may do, by role name as carried by the sign-in principal.</summary>
public static class Roles
{
    public const string Staff = "staff";
    public const string Dispatcher = "dispatcher";
    public const string Administrator = "admin";

    public static readonly IReadOnlyList<string> All = [Staff, Dispatcher, Administrator];
}
