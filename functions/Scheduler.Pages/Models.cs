namespace Scheduler.Pages;

/// <summary>A link that looks like a large button: where it goes, what it says and a smaller line under it.</summary>
public sealed record Choice(string Href, string Title, string? Hint = null, bool Current = false);

/// <summary>A service to choose, with the words a search matches (names in both languages and pinyin initials).</summary>
public sealed record ServiceChoice(string Href, string Title, string Hint, string Keys);

public sealed record ServiceGroup(string Title, IReadOnlyList<ServiceChoice> Choices);

/// <summary>The times of one part of the day (morning, afternoon, evening).</summary>
public sealed record TimeGroup(string Title, IReadOnlyList<Choice> Times);

/// <summary>What a page says went wrong, the field it is about (for aria-invalid) and nearby times to take instead.</summary>
public sealed record PageError(string Message, string? Field = null, IReadOnlyList<Choice>? Alternatives = null);

/// <summary>An appointment as the resident reads it.</summary>
public sealed record AppointmentSummary(string Service, string When, string Where, string For, string Status, IReadOnlyList<string> Documents);

/// <summary>A form post: where it goes, the hidden fields it carries and its button.</summary>
public sealed record PostForm(string Action, IReadOnlyDictionary<string, string> Hidden, string Button, string ButtonClass = "primary");

/// <summary>One message in the local phone's inbox.</summary>
public sealed record PhoneMessage(string Id, string Text, string Meta);

/// <summary>
/// One entry of a staff member's day; a visit of today or earlier also carries what was recorded about it
/// (<see cref="Recorded"/>) or, until something is, the buttons that record it (<see cref="Actions"/>).
/// </summary>
public sealed record DayEntry(string Time, string Title, string? Address, string? Recorded = null, IReadOnlyList<PostForm>? Actions = null);
