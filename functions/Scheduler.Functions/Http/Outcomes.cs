using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Http;

/// <summary>Turns a use case's refusal into a problem answer, and reads the dates and times people type.</summary>
public static class Outcomes
{
    public static ObjectResult Problem(BookingError error)
    {
        var extensions = new Dictionary<string, object?> { ["field"] = error.Field, ["code"] = error.Code };
        if (error.Alternatives is { } alternatives) extensions["alternatives"] = alternatives;
        var title = error.Status switch
        {
            400 => "The request is not valid.",
            401 => "Not signed in.",
            403 => "Not allowed.",
            404 => "Not found.",
            409 => "Conflict.",
            _ => "The request cannot be done.",
        };
        return Problems.Of(error.Status, title, error.Message, extensions);
    }

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
