using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Scheduler.Core.Results;

namespace Scheduler.Functions.Platform;

/// <summary>Turns a use case's refusal into a problem answer (its kind chooses the HTTP status: the one place that does), and reads the dates and times people type.</summary>
public static class Outcomes
{
    public static ObjectResult Problem(Problem error)
    {
        var extensions = new Dictionary<string, object?> { ["field"] = error.Field, ["code"] = error.Code };
        if (error.Alternatives is { } alternatives) extensions["alternatives"] = alternatives;
        var title = error.Kind switch
        {
            ProblemKind.Invalid => "The request is not valid.",
            ProblemKind.Forbidden => "Not allowed.",
            ProblemKind.NotFound => "Not found.",
            ProblemKind.Unprocessable => "The request contradicts an earlier one.",
            ProblemKind.TooManyRequests => "Too many requests.",
            _ => "Conflict.",
        };
        if (error.RetryAfter is { } retry) return Problems.TooMany(error.Message, retry.ToTimeSpan(), extensions);
        return Problems.Of(StatusOf(error), title, error.Message, extensions);
    }

    public static int StatusOf(Problem error) => error.Kind switch
    {
        ProblemKind.Invalid => 400,
        ProblemKind.Forbidden => 403,
        ProblemKind.NotFound => 404,
        ProblemKind.Conflict => 409,
        ProblemKind.Unprocessable => 422,
        ProblemKind.TooManyRequests => 429,
        _ => throw new ArgumentOutOfRangeException(nameof(error), error.Kind, null),
    };

    private static readonly LocalTimePattern ShortTime = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    /// <summary>A date as yyyy-MM-dd; a problem naming <paramref name="field"/> otherwise. Null input stays null.</summary>
    public static bool TryDate(string? text, string field, out LocalDate? date, out ObjectResult? problem)
    {
        date = null;
        problem = null;
        if (string.IsNullOrEmpty(text)) return true;
        var parsed = LocalDatePattern.Iso.Parse(text);
        if (parsed.Success) { date = parsed.Value; return true; }
        problem = Problems.Validation(field, $"{field} must be a date as yyyy-MM-dd.");
        return false;
    }

    /// <summary>One of <typeparamref name="T"/>'s names (any case; never a number); a problem naming <paramref name="field"/> and the names otherwise.</summary>
    public static bool TryName<T>(string? text, string field, out T? value, out ObjectResult? problem) where T : struct, Enum
    {
        value = null;
        problem = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (!text.All(char.IsAsciiLetter) || !Enum.TryParse<T>(text, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            problem = Problems.Validation(field, $"{field} must be one of {string.Join(", ", Enum.GetNames<T>())}.");
            return false;
        }
        value = parsed;
        return true;
    }

    /// <summary>A time as HH:mm (or HH:mm:ss); a problem naming <paramref name="field"/> otherwise.</summary>
    public static bool TryTime(string? text, string field, out LocalTime? time, out ObjectResult? problem)
    {
        time = null;
        problem = null;
        if (string.IsNullOrEmpty(text)) return true;
        var parsed = ShortTime.Parse(text);
        if (!parsed.Success) parsed = LocalTimePattern.ExtendedIso.Parse(text);
        if (parsed.Success) { time = parsed.Value; return true; }
        problem = Problems.Validation(field, $"{field} must be a time as HH:mm.");
        return false;
    }
}
