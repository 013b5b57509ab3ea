namespace Scheduler.Functions.HomeVisits;

/// <summary>Settings under <c>Planning</c>.</summary>
public sealed class PlanningOptions
{
    public const string Section = "Planning";

    /// <summary>How long the solver may search for one day's plan, in seconds.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 600)]
    public int TimeLimitSeconds { get; set; } = 20;

    /// <summary>Map tiles for the dispatcher's page (a URL template with {z}/{x}/{y}); empty draws routes without tiles.</summary>
    public string TileUrl { get; set; } = "";
}
