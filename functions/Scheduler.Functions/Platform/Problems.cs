using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Scheduler.Functions.Platform;

/// <summary>RFC 9457 problem details, the only shape an error answer has.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    /// <summary>
    /// The problem <c>type</c> of every error answer, the app's and the dev host's alike: the status's page (no
    /// meaning beyond the status; the <c>code</c> extension names the problem).
    /// </summary>
    public static string TypeUri(int status) => $"https://httpstatuses.io/{status.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>What <see cref="TypeUri"/> gives, as a pattern (for the OpenAPI document).</summary>
    public const string TypePattern = "^https://httpstatuses\\.io/[45][0-9]{2}$";

    public static ObjectResult Of(int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = TypeUri(status) };
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
    /// <summary>429 with <c>Retry-After</c> in whole seconds (at least one).</summary>
    public static ObjectResult TooMany(string detail, TimeSpan retryAfter, IDictionary<string, object?>? extensions = null)
    {
        var inner = Of(StatusCodes.Status429TooManyRequests, "Too many requests.", detail,
            new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = Scheduler.Core.Results.ErrorCodes.RateLimited });
        return new RetryAfterResult(inner.Value, (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)));
    }

    public static ObjectResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Of(StatusCodes.Status409Conflict, "Conflict.", detail, extensions);
}

/// <summary>A problem answer that also says when to try again.</summary>
public sealed class RetryAfterResult : ObjectResult
{
    public RetryAfterResult(object? problem, int seconds) : base(problem)
    {
        StatusCode = StatusCodes.Status429TooManyRequests;
        Seconds = seconds;
        ContentTypes.Add(Problems.ContentType);
    }

    public int Seconds { get; }

    public override Task ExecuteResultAsync(ActionContext context)
    {
        context.HttpContext.Response.Headers.RetryAfter = Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return base.ExecuteResultAsync(context);
    }
}
