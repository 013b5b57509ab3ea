using Scheduler.Functions.Platform;
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

[ApiBody("purpose")]
/// <summary>A link to issue: <c>subject</c> and <c>purpose</c>; a <c>book</c> link names the resident's <c>mobile</c> instead of a subject.</summary>
public sealed record ResidentLinkRequest(string? Subject, string? Purpose, int? ValidForHours, string? Mobile = null);

public sealed record ResidentLink(string Token, string Url, Instant Expires);

/// <summary>Who is calling, and links for residents.</summary>
public sealed class IdentityFunctions(CallerResolver callers, IssueResidentLink links, IOptions<SchedulerOptions> options)
{
    [RateLimited(Scheduler.Core.Abuse.RateScopes.Reads)]
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

    [RequireRole(Roles.Staff)]
    [Function("IssueResidentLink")]
    [ApiOperation("Issue a signed, expiring link that lets a resident act on one subject: a manage link opens the appointment's page, a book link (for one mobile) the booking pages.", Tag = "identity",
        RequestBody = typeof(ResidentLinkRequest), Access = "staff")]
    [ApiResponse(201, "The link.", Type = typeof(ResidentLink))]
    [ApiResponse(400, "A field is missing or not valid.")]
    public async Task<IActionResult> IssueLink(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "resident-links")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var (body, bad) = await RequestBody.ReadJsonAsync<ResidentLinkRequest>(request, cancellationToken);
        if (bad is not null) return bad;
        var issued = await links.IssueAsync(RoleGate.Centre(request), body!.Subject, body.Purpose, body.ValidForHours, caller!, cancellationToken, body.Mobile);
        if (issued.Error is { } error) return Outcomes.Problem(error);
        var link = issued.Value!;
        // A booking link opens the booking pages, which carry it through every step; a manage link the appointment's page.
        var page = link.Purpose == PhoneVerification.BookLinkPurpose ? "pages/book" : link.OpensManagePage ? "pages/manage" : "me";
        var url = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/{page}?{CallerResolver.TokenQuery}={Uri.EscapeDataString(link.Token)}";
        return new ObjectResult(new ResidentLink(link.Token, url, link.Expires)) { StatusCode = StatusCodes.Status201Created };
    }
}
