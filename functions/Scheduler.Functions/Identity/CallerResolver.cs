using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Scheduler.Core.Identity;

namespace Scheduler.Functions.Identity;

/// <summary>The caller of a request, or the problem to answer with when the credentials offered are bad.</summary>
public readonly record struct CallerResult(Caller? Caller, IActionResult? Problem);

/// <summary>
/// Resolves who is calling, in one place. Staff, dispatchers and administrators: the App Service authentication
/// principal (<c>X-MS-CLIENT-PRINCIPAL</c>, base64 JSON with claims and roles), which App Service sets after
/// sign-in and strips from what clients send; the local dev host emulates it. Residents: a signed, expiring token
/// in the <c>token</c> query parameter or the <c>X-Resident-Token</c> header. Anyone else is anonymous.
/// </summary>
public sealed class CallerResolver
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    public const string PrincipalIdHeader = "X-MS-CLIENT-PRINCIPAL-ID";
    public const string TokenHeader = "X-Resident-Token";
    public const string TokenQuery = "token";

    /// <summary>Set by App Service when its authentication is on (and by the dev host, which emulates it).</summary>
    public const string AuthEnabledSetting = "WEBSITE_AUTH_ENABLED";

    private readonly ResidentTokenService _tokens;
    private readonly bool _trustPrincipal;

    /// <param name="configuration">
    /// The principal header is trusted only where App Service authentication is on: only then does the platform strip
    /// what a client sends. Elsewhere the header is ignored and such a caller is anonymous.
    /// </param>
    public CallerResolver(ResidentTokenService tokens, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        _tokens = tokens;
        _trustPrincipal = string.Equals(configuration[AuthEnabledSetting], "true", StringComparison.OrdinalIgnoreCase);
    }

    public CallerResult Resolve(HttpRequest request)
    {
        if (_trustPrincipal && request.Headers.TryGetValue(PrincipalHeader, out var principal) && !string.IsNullOrEmpty(principal))
        {
            var staff = ReadPrincipal(principal.ToString(), request.Headers[PrincipalIdHeader].ToString());
            return staff is null
                ? new(null, Problems.Unauthorized($"The {PrincipalHeader} header is not a valid principal."))
                : new(staff, null);
        }

        var token = request.Headers.TryGetValue(TokenHeader, out var h) && !string.IsNullOrEmpty(h) ? h.ToString() : request.Query[TokenQuery].ToString();
        if (string.IsNullOrEmpty(token)) return new(AnonymousCaller.Instance, null);
        return _tokens.TryRead(token, out var read) switch
        {
            TokenProblem.None => new(new ResidentCaller(read!), null),
            TokenProblem.Expired => new(null, Problems.Unauthorized("The link has expired; ask the centre for a new one.")),
            _ => new(null, Problems.Unauthorized("The link is not valid.")),
        };
    }

    /// <summary>A signed-in member of staff holding <paramref name="role"/>; 401 when nobody is signed in, 403 when the role is missing.</summary>
    public CallerResult RequireRole(HttpRequest request, string role)
    {
        var resolved = Resolve(request);
        if (resolved.Problem is not null) return resolved;
        return resolved.Caller switch
        {
            StaffCaller s when s.IsInRole(role) => resolved,
            StaffCaller => new(null, Problems.Forbidden($"This needs the '{role}' role.")),
            _ => new(null, Problems.Unauthorized("Sign in as a member of staff.")),
        };
    }

    /// <summary>A resident holding a valid token for <paramref name="purpose"/>; staff callers are refused here.</summary>
    public CallerResult RequireResident(HttpRequest request, string purpose)
    {
        var resolved = Resolve(request);
        if (resolved.Problem is not null) return resolved;
        return resolved.Caller switch
        {
            ResidentCaller r when r.Token.Purpose == purpose => resolved,
            ResidentCaller => new(null, Problems.Forbidden("The link is for something else.")),
            _ => new(null, Problems.Unauthorized("Open the link from your SMS.")),
        };
    }

    /// <summary>The claim naming the centre's id of the member of staff signed in (<c>employeeid</c> is read too).</summary>
    public const string StaffIdClaim = "staff_id";

    internal static StaffCaller? ReadPrincipal(string base64, string? principalId)
    {
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
            var root = doc.RootElement;
            var nameType = root.TryGetProperty("name_typ", out var nt) ? nt.GetString() : null;
            var roleType = root.TryGetProperty("role_typ", out var rt) ? rt.GetString() : null;
            nameType ??= "name";
            roleType ??= "roles";
            string? name = null, id = null, staffId = null;
            var roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var claim in root.GetProperty("claims").EnumerateArray())
            {
                var typ = claim.GetProperty("typ").GetString();
                var val = claim.GetProperty("val").GetString();
                if (string.IsNullOrEmpty(typ) || string.IsNullOrEmpty(val)) continue;
                if (typ == nameType) name ??= val;
                else if (typ == roleType || typ == "roles" || typ.EndsWith("/role", StringComparison.Ordinal)) roles.Add(val);
                else if (typ.EndsWith("/objectidentifier", StringComparison.Ordinal) || typ == "oid") id ??= val;
                else if (typ is StaffIdClaim or "employeeid") staffId ??= val;
            }
            id = string.IsNullOrEmpty(principalId) ? id ?? name : principalId;
            return string.IsNullOrEmpty(id) ? null : new StaffCaller(id, name ?? id, roles, staffId);
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
