using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Identity;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Identity;

public sealed record WhoAmI(string Kind, string AuditName, string? DisplayName, IReadOnlyList<string> Roles, string? Subject, string? Purpose, Instant? Expires);

public sealed record ResidentLinkRequest(string? Subject, string? Purpose, int? ValidForHours);

public sealed record ResidentLink(string Token, string Url, Instant Expires);

/// <summary>Who is calling, and links for residents.</summary>
public sealed class IdentityFunctions(CallerResolver callers, ResidentTokenService tokens, AuditTrail audit, IClock clock, IOptions<SchedulerOptions> options)
{
    /// <summary>What a resident's link may be for.</summary>
    public static readonly IReadOnlySet<string> Purposes = new HashSet<string>(StringComparer.Ordinal) { "manage", "book", "home-visit" };

    [Function("WhoAmI")]
    [ApiOperation("Who the request is made as: anonymous, a resident's link or a signed-in member of staff.", Tag = "identity")]
    [ApiResponse(200, "The caller.", Type = typeof(WhoAmI))]
    [ApiResponse(401, "A resident's token or a principal was offered and is not valid.")]
    public IActionResult Me([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest request)
    {
        var (caller, problem) = callers.Resolve(request);
        if (problem is not null) return problem;
        return new OkObjectResult(caller switch
        {
            StaffCaller s => new WhoAmI("staff", s.AuditName, s.DisplayName, s.Roles.Order().ToList(), null, null, null),
            ResidentCaller r => new WhoAmI("resident", r.AuditName, null, [], r.Token.Subject, r.Token.Purpose, r.Token.Expires),
            _ => new WhoAmI("anonymous", caller!.AuditName, null, [], null, null, null),
        });
    }

    [Function("IssueResidentLink")]
    [ApiOperation("Issue a signed, expiring link that lets a resident act on one subject.", Tag = "identity",
        RequestBody = typeof(ResidentLinkRequest), Access = "staff")]
    [ApiResponse(201, "The link.", Type = typeof(ResidentLink))]
    [ApiResponse(400, "A field is missing or not valid.")]
    [ApiResponse(401, "Not signed in, or no function key.")]
    [ApiResponse(403, "Not a member of staff.")]
    public async Task<IActionResult> IssueLink(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "resident-links")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (caller, denied) = callers.RequireRole(request, Roles.Staff);
        if (denied is not null) return denied;
        var (body, bad) = await RequestBody.ReadJsonAsync<ResidentLinkRequest>(request, cancellationToken);
        if (bad is not null) return bad;

        if (string.IsNullOrWhiteSpace(body!.Subject) || !System.Text.RegularExpressions.Regex.IsMatch(body.Subject, "^[a-z-]{2,32}/[A-Za-z0-9.-]{1,64}$"))
            return Problems.Validation("subject", "subject must look like 'appointment/abc-123'.");
        if (body.Purpose is null || !Purposes.Contains(body.Purpose))
            return Problems.Validation("purpose", $"purpose must be one of: {string.Join(", ", Purposes.Order())}.");
        var hours = body.ValidForHours ?? options.Value.ResidentLinkHours;
        if (hours < 1 || hours > options.Value.ResidentLinkHours)
            return Problems.Validation("validForHours", $"validForHours must be between 1 and {options.Value.ResidentLinkHours}.");

        var centre = options.Value.CentreId;
        var token = tokens.Issue(centre, body.Subject, body.Purpose, Duration.FromHours(hours));
        await audit.RecordAsync(centre, caller!, "resident-link.issued", body.Subject, $"purpose {body.Purpose}, {hours} h", cancellationToken);
        var expires = clock.GetCurrentInstant() + Duration.FromHours(hours);
        var page = body.Purpose == "manage" && body.Subject.StartsWith("appointment/", StringComparison.Ordinal) ? "pages/manage" : "me";
        var url = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/{page}?{CallerResolver.TokenQuery}={Uri.EscapeDataString(token)}";
        return new ObjectResult(new ResidentLink(token, url, expires)) { StatusCode = StatusCodes.Status201Created };
    }
}
