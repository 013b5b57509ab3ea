using Scheduler.Core.Results;

namespace Scheduler.Core.Identity;

/// <summary>
/// Which centre a request is for, and whether its caller may act there: the one rule every HTTP function's centre
/// comes from (ADR 0018). A request names its centre with <c>centre=</c>; without it, it is the deployment's default
/// centre, so links and scripts made before there were several centres keep working.
/// <list type="bullet">
/// <item>A resident's link is for the centre that issued it: naming another is 403 <c>wrong-centre</c>.</item>
/// <item>Staff serve the centres their <c>centre.{id}</c> roles name, or the default centre when none is named; a
/// member of staff of one centre names no centre and gets theirs, on every function (a dispatcher of one centre who
/// opens a resident's page or asks for a visit on someone's behalf is at their centre). An administrator serves every
/// centre. On a function for staff, a centre they do not serve is 403 <c>wrong-centre</c>; functions for anyone do
/// not ask.</item>
/// <item>Anyone else gets the centre named, or the default.</item>
/// </list>
/// Whether a named centre exists is the adapter's question (it holds the list); this rule is about who may go where.
/// </summary>
public static class CentreScope
{
    /// <summary>The prefix of the roles naming the centres a member of staff serves: <c>centre.siming</c>.</summary>
    public const string RolePrefix = "centre.";

    /// <summary>A centre id as the catalogue keys it: lower-case letters, digits and hyphens, 1 to 40 characters.</summary>
    public static bool IsWellFormed([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id) =>
        id is { Length: > 0 and <= 40 } && id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && id[0] != '-';

    /// <param name="requested">The centre the request names, or null.</param>
    /// <param name="forStaff">The function is for staff only (it declares a role).</param>
    public static Outcome<string> Resolve(string? requested, Caller caller, string defaultCentre, bool forStaff)
    {
        if (requested is not null && !IsWellFormed(requested)) return Problem.UnknownCentre(requested);
        switch (caller)
        {
            case ResidentCaller r:
                if (requested is not null && requested != r.Token.CentreId)
                    return Problem.Forbidden("centre", ErrorCodes.WrongCentre, "This link is for another centre.");
                return Outcome<string>.Ok(r.Token.CentreId);
            case StaffCaller s:
                var served = s.Centres;
                var chosen = requested ?? (served.Count == 1 ? served[0] : defaultCentre);
                if (!forStaff || Serves(s, chosen, defaultCentre)) return Outcome<string>.Ok(chosen);
                return Problem.Forbidden("centre", ErrorCodes.WrongCentre,
                    $"You serve {(served.Count == 0 ? defaultCentre : string.Join(", ", served))}, not centre '{chosen}'.");
            default:
                return Outcome<string>.Ok(requested ?? defaultCentre);
        }
    }

    /// <summary>Whether <paramref name="staff"/> may act at <paramref name="centreId"/>.</summary>
    public static bool Serves(StaffCaller staff, string centreId, string defaultCentre)
    {
        if (staff.Roles.Contains(Staffing.Roles.Administrator)) return true;
        var served = staff.Centres;
        return served.Count == 0 ? centreId == defaultCentre : served.Contains(centreId);
    }
}
