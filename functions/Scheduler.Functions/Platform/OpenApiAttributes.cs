namespace Scheduler.Functions.Platform;

/// <summary>Describes an HTTP function for the OpenAPI document: what it does and what body it takes.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiOperationAttribute(string summary) : Attribute
{
    public string Summary { get; } = summary;
    public string Tag { get; init; } = "scheduler";

    /// <summary>The JSON body the function reads, if any.</summary>
    public Type? RequestBody { get; init; }

    /// <summary>Who may call it, in words (shown in the document).</summary>
    public string Access { get; init; } = "anyone";
}

/// <summary>One answer an HTTP function gives; error answers are <c>application/problem+json</c>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiResponseAttribute(int status, string description) : Attribute
{
    public int Status { get; } = status;
    public string Description { get; } = description;
    public Type? Type { get; init; }

    /// <summary>Media type for a non-JSON answer such as an HTML page.</summary>
    public string? ContentType { get; init; }
}
