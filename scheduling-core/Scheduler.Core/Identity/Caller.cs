using Scheduler.Core.Staffing;

namespace Scheduler.Core.Identity;

/// <summary>Who is calling. Resolved once per request and passed to the use case.</summary>
public abstract record Caller
{
    /// <summary>The name written into the audit trail.</summary>
    public abstract string AuditName { get; }

    public virtual bool IsInRole(string role) => false;
}

/// <summary>Nobody signed in and no token.</summary>
public sealed record AnonymousCaller : Caller
{
    public static readonly AnonymousCaller Instance = new();
    public override string AuditName => "anonymous";
}

/// <summary>A resident (or someone acting for them) holding a valid token for one subject.</summary>
public sealed record ResidentCaller(ResidentToken Token) : Caller
{
    public override string AuditName => $"resident:{Token.Subject}";
}

/// <summary>
/// A signed-in member of staff; roles are those of <see cref="Roles"/>. <see cref="StaffId"/> is the centre's id of
/// this member of staff (<c>s01</c>) when the sign-in carries it (the <c>staff_id</c> or <c>employeeid</c> claim), never
/// taken from a display name. The centres they serve are named by roles <c>centre.{id}</c> (<see cref="CentreScope"/>).
/// </summary>
public sealed record StaffCaller(string UserId, string DisplayName, IReadOnlySet<string> Roles, string? StaffId = null) : Caller
{
    public override string AuditName => $"staff:{UserId}";
    public override bool IsInRole(string role) => Roles.Contains(role) || Roles.Contains(Staffing.Roles.Administrator);

    /// <summary>The centres named by the caller's <c>centre.{id}</c> roles, in order; empty when none is named.</summary>
    public IReadOnlyList<string> Centres => [.. Roles.Where(r => r.StartsWith(CentreScope.RolePrefix, StringComparison.OrdinalIgnoreCase))
        .Select(r => r[CentreScope.RolePrefix.Length..]).Where(id => id.Length > 0).Order(StringComparer.Ordinal)];
}

/// <summary>The system itself: timers, seeders, queue processors.</summary>
public sealed record SystemCaller(string Component) : Caller
{
    public override string AuditName => $"system:{Component}";
}

/// <summary>A resident acting by replying to an SMS from the number the message went to (named in the audit by its pseudonym).</summary>
public sealed record SmsReplyCaller(string MobileKey) : Caller
{
    public override string AuditName => $"sms:{MobileKey[..Math.Min(12, MobileKey.Length)]}";
}
