namespace Scheduler.Functions.HomeVisits;

/// <summary>Settings under <c>Planning</c>.</summary>
public sealed class PlanningOptions
{
    public const string Section = "Planning";

    /// <summary>How long the solver may search for one day's plan, in seconds.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 600)]
    public int TimeLimitSeconds { get; set; } = 20;

    /// <summary>
    /// Whether a plan run prices each staff member's time by what the hall needs of them that day, so staff the
    /// windows need most stay in (ADR 0020): the day is rostered with nobody out first, within <see cref="PricingRosterSeconds"/>.
    /// </summary>
    public bool PriceStaffTimeByHall { get; set; } = true;

    /// <summary>How long the roster solved to price staff time may search, in seconds (it runs before the routes' search).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 60)]
    public int PricingRosterSeconds { get; set; } = 5;

    /// <summary>How long a route is taken to keep a staff member out when they have none in the published plan yet, in minutes.</summary>
    [System.ComponentModel.DataAnnotations.Range(30, 720)]
    public int TypicalRouteMinutes { get; set; } = 180;

    /// <summary>Map tiles for the dispatcher's page (a URL template with {z}/{x}/{y}); empty draws routes without tiles.</summary>
    public string TileUrl { get; set; } = "";
}
