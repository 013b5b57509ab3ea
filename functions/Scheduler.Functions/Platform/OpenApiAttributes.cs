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

/// <summary>
/// What a request body must hold, for the OpenAPI document: the fields without which it is refused (400), and groups
/// of fields of which exactly one is given. Every other field is optional.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ApiBodyAttribute(params string[] required) : Attribute
{
    public IReadOnlyList<string> Required { get; } = required;

    /// <summary>Fields of which exactly one must be given (for example <c>itemId</c> or <c>bundleId</c>).</summary>
    public string[] ExactlyOneOf { get; init; } = [];
}

/// <summary>The text a string field takes, for the OpenAPI document: a JSON Schema format and, or, a pattern.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ApiStringAttribute : Attribute
{
    public const string Date = "date";
    /// <summary>HH:mm, or HH:mm:ss, as <see cref="Outcomes.TryTime"/> reads a time.</summary>
    public const string TimePattern = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$";

    public string? Format { get; init; }
    public string? Pattern { get; init; }
}
