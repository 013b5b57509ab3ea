using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Scheduler.Functions.Platform;

/// <summary><c>GET /api/openapi.json</c>: the OpenAPI 3 document of every HTTP function, built from the generated metadata.</summary>
public sealed class OpenApiFunction(IOptions<SchedulerOptions> options)
{

    [RateLimited(Scheduler.Core.Abuse.RateScopes.Reads)]
    [Function("OpenApi")]
    [ApiOperation("This document.", Tag = "operations")]
    [ApiResponse(200, "The OpenAPI 3 document.", ContentType = "application/json")]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request)
    {
        var metadata = await new GeneratedFunctionMetadataProvider().GetFunctionMetadataAsync("");
        var functions = OpenApiDocumentBuilder.HttpFunctions(metadata, typeof(OpenApiFunction).Assembly);
        var document = OpenApiDocumentBuilder.Build(functions, HealthFunction.Version, options.Value.PublicBaseUrl);
        return new ContentResult { Content = await OpenApiDocumentBuilder.ToJsonAsync(document), ContentType = "application/json; charset=utf-8", StatusCode = 200 };
    }
}
