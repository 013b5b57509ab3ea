using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;
using Scheduler.Core.Auditing;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Platform;

/// <summary><c>GET /api/audit?date=yyyy-MM-dd</c>: the audit trail of one UTC day, newest first. Administrators only.</summary>
public sealed class AuditFunction(IAuditLog log, IClock clock)
{
    [RequireRole(Roles.Administrator)]
    [Function("AuditTrail")]
    [ApiOperation("The audit trail of one UTC day, newest first.", Tag = "operations", Access = "administrators")]
    [ApiResponse(200, "Entries.", Type = typeof(IReadOnlyList<AuditEntry>))]
    [ApiResponse(400, "The date is not yyyy-MM-dd.")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "audit")] HttpRequest request, CancellationToken cancellationToken)
    {
        var text = request.Query["date"].ToString();
        LocalDate date;
        if (string.IsNullOrEmpty(text)) date = clock.GetCurrentInstant().InUtc().Date;
        else if (LocalDatePattern.Iso.Parse(text) is { Success: true } parsed) date = parsed.Value;
        else return Problems.Validation("date", "date must be yyyy-MM-dd.");
        var max = int.TryParse(request.Query["max"], out var m) ? Math.Clamp(m, 1, 1000) : 200;
        return new OkObjectResult(await log.ReadDayAsync(RoleGate.Centre(request), date, max, cancellationToken));
    }
}
