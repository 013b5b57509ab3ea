namespace Scheduler.Core.Catalogue;

/// <summary>One service item (事项) a resident can apply for.</summary>
/// <param name="CategoryId">The window category that accepts it.</param>
/// <param name="Minutes">Time it takes at the window (or at the resident's home).</param>
/// <param name="Immediate">Finished while the resident waits (即办件).</param>
/// <param name="PromisedWorkingDays">Promised processing time (承诺时限) when not immediate.</param>
/// <param name="HomeVisit">How a home visit for the item is staffed; null when the item is hall-only.</param>
public sealed record ServiceItem(
    string Id,
    string CategoryId,
    LocalizedText Name,
    int Minutes,
    bool Immediate,
    int? PromisedWorkingDays,
    IReadOnlyList<LocalizedText> Documents,
    HomeVisitProfile? HomeVisit);

/// <summary>What a home visit for an item needs: a team of this size whose members together hold these skills.</summary>
public sealed record HomeVisitProfile(int TeamSize, IReadOnlyList<string> Skills);

/// <summary>A "one thing, one visit" bundle (一件事一次办): several items handled as one appointment.</summary>
public sealed record Bundle(string Id, LocalizedText Name, IReadOnlyList<string> ItemIds);

/// <summary>A skill a staff member may hold and an item may require.</summary>
public sealed record Skill(string Id, LocalizedText Name);
