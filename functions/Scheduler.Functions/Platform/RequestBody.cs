using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Scheduler.Functions.Platform;

/// <summary>The result of reading a JSON body: a value, or the problem to answer with.</summary>
public readonly record struct BodyResult<T>(T? Value, IActionResult? Problem) where T : class;

/// <summary>Reads every JSON request body: content type, size limit and syntax are checked here, once.</summary>
public static class RequestBody
{
    public const int MaxBytes = 16 * 1024;

    public static async Task<BodyResult<T>> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
            return new(null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.",
                $"The body must be application/json, not '{mediaType ?? "(none)"}'.", new Dictionary<string, object?> { ["field"] = "Content-Type" }));
        if (request.ContentLength > MaxBytes)
            return new(null, TooLarge());

        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes) return new(null, TooLarge());
        }
        if (buffer.Length == 0) return new(null, Problems.Validation("$", "The request body is empty; a JSON object is expected."));

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.ToArray(), Json.Options);
            return value is null
                ? new(null, Problems.Validation("$", "The request body is null; a JSON object is expected."))
                : new(value, null);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            var reason = e.InnerException?.Message ?? FirstSentence(e.Message);
            return new(null, Problems.Of(StatusCodes.Status400BadRequest, "The request body is not valid JSON for this request.",
                $"'{field}'{where}: {reason}",
                new Dictionary<string, object?> { ["field"] = field, ["line"] = e.LineNumber + 1, ["position"] = e.BytePositionInLine + 1 }));
        }
    }

    private static ObjectResult TooLarge() =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", $"The body must be at most {MaxBytes} bytes.",
            new Dictionary<string, object?> { ["field"] = "$" });

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..(i + 1)] : message;
    }
}
