using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Scheduler.Functions.Platform;

/// <summary>RFC 9457 problem details, the only shape an error answer has.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ObjectResult Of(int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        if (extensions is not null)
            foreach (var (k, v) in extensions) problem.Extensions[k] = v;
        var result = new ObjectResult(problem) { StatusCode = status };
        result.ContentTypes.Add(ContentType);
        return result;
    }

    /// <summary>400 naming the offending field, and optionally every field's errors.</summary>
    public static ObjectResult Validation(string field, string detail, IDictionary<string, string[]>? errors = null) =>
        Of(StatusCodes.Status400BadRequest, "The request is not valid.", detail,
            new Dictionary<string, object?> { ["field"] = field, ["errors"] = errors ?? new Dictionary<string, string[]> { [field] = [detail] } });

    public static ObjectResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, "Not found.", detail);
    public static ObjectResult Unauthorized(string detail) => Of(StatusCodes.Status401Unauthorized, "Not signed in.", detail);
    public static ObjectResult Forbidden(string detail) => Of(StatusCodes.Status403Forbidden, "Not allowed.", detail);
    public static ObjectResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Of(StatusCodes.Status409Conflict, "Conflict.", detail, extensions);
}
