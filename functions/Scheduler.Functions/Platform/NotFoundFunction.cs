using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Any path under <c>/api</c> that no other function serves. A catch-all route has the lowest precedence, so it
/// answers only what nothing else matches: a 404 problem instead of the host's empty 404.
/// </summary>
public sealed class NotFoundFunction
{
    [Function("NotFound")]
    public IActionResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", Route = "{*path}")] HttpRequest request, string? path)
        => Problems.NotFound($"No function answers {request.Method} /api/{path}.");
}
