using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using NodaTime;

namespace Scheduler.Functions.Appointments;

/// <summary>Settings under <c>Availability</c> (app settings <c>Availability__Name</c>): how availability is served (ADR 0017).</summary>
public sealed class AvailabilityOptions : IValidatableObject
{
    public const string Section = "Availability";

    /// <summary>
    /// Seconds an instance reuses a centre's availability summary of a category before it reads it again; 0 reads it
    /// for every answer. At most the <c>max-age</c> availability answers carry over HTTP
    /// (<see cref="AppointmentFunctions.AvailabilityCacheControl"/>), so the staleness an offer may have is unchanged.
    /// </summary>
    [Range(0, 3600)]
    public int CacheSeconds { get; set; } = MaxAgeSeconds;

    /// <summary>The <c>max-age</c> of availability answers, in seconds.</summary>
    public static int MaxAgeSeconds =>
        (int)(CacheControlHeaderValue.Parse(AppointmentFunctions.AvailabilityCacheControl).MaxAge ?? TimeSpan.Zero).TotalSeconds;

    public Duration CacheFor => Duration.FromSeconds(CacheSeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CacheSeconds > MaxAgeSeconds)
            yield return new ValidationResult(
                $"{Section}:{nameof(CacheSeconds)} ({CacheSeconds}) must be at most the max-age availability answers carry ({MaxAgeSeconds} s).",
                [nameof(CacheSeconds)]);
    }
}
