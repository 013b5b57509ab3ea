namespace Scheduler.Functions.HomeVisits;

/// <summary>Settings under <c>Planning</c>.</summary>
public sealed class PlanningOptions
{
    public const string Section = "Planning";

    /// <summary>How long the solver may search for one day's plan, in seconds.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 600)]
    public int TimeLimitSeconds { get; set; } = 20;

    /// <summary>
    /// Whether a plan run plans the routes together with the hall's roster (ADR 0020): staff who also sit at windows
    /// are priced by what the windows need of them that day, so those the hall needs most stay in.
    /// </summary>
    public bool PriceStaffTimeByHall { get; set; } = true;

    /// <summary>How long each roster the joint planning solves may search, in seconds (one with nobody out, one around each round's routes).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 60)]
    public int PricingRosterSeconds { get; set; } = 5;

    /// <summary>
    /// Priced rounds after the unpriced one: each plans the routes with the prices the roster around the last round's
    /// routes gives; <see cref="TimeLimitSeconds"/> is shared evenly between the rounds' route searches.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 5)]
    public int JointRounds { get; set; } = 3;

    /// <summary>How long a route is taken to keep a staff member out when they have none in the published plan yet, in minutes.</summary>
    [System.ComponentModel.DataAnnotations.Range(30, 720)]
    public int TypicalRouteMinutes { get; set; } = 180;

    /// <summary>Map tiles for the dispatcher's page (a URL template with {z}/{x}/{y}); empty draws routes without tiles.</summary>
    public string TileUrl { get; set; } = "";
}
