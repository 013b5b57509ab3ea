using Scheduler.Core.Catalogue;

namespace Scheduler.Pages;

/// <summary>What the layout needs around every page: the language, the centre, the title and where the language switch goes.</summary>
/// <param name="Scripts">Static scripts (asset names) the page loads at the end of the body; never inline script.</param>
/// <param name="Wide">The dispatcher's page: wider main column.</param>
/// <param name="Step">The booking step this page is (1 to <see cref="BookingSteps"/>), shown as "第2步，共4步"; null elsewhere.</param>
public sealed record Frame(Lang Lang, CentreProfile Centre, string Title, string SwitchUrl, IReadOnlyList<string>? Scripts = null, bool Wide = false, int? Step = null)
{
    /// <summary>
    /// The booking's steps: service, time, details, the mobile's code (skipped on a phone that verified the number
    /// before), booked.
    /// </summary>
    public const int BookingSteps = 5;

    public string CentreName => Lang.Of(Centre.Centre.Name);

    /// <summary>The centre the page is for; its links and forms name it (<c>centre=</c>), so every step stays at that centre.</summary>
    public string CentreId => Centre.Centre.Id;

    /// <summary><paramref name="url"/> naming the page's centre.</summary>
    public string Href(string url) => CentreLinks.With(url, CentreId);

    /// <summary>Opening hours as short lines, consecutive days with the same hours joined: 周一至周五 8:30–17:30.</summary>
    public IReadOnlyList<string> HoursLines()
    {
        var lines = new List<string>();
        var days = Centre.Opening.OrderBy(o => (int)o.Day).ToList();
        var i = 0;
        while (i < days.Count)
        {
            var j = i;
            while (j + 1 < days.Count && (int)days[j + 1].Day == (int)days[j].Day + 1 && days[j + 1].Opens == days[i].Opens && days[j + 1].Closes == days[i].Closes
                   && days[j + 1].CategoryIds.Count == days[i].CategoryIds.Count) j++;
            var range = i == j ? Lang.Weekday(days[i].Day, brief: true)
                : Lang.Format(Words.DayRange, Lang.Weekday(days[i].Day, brief: true), Lang.Weekday(days[j].Day, brief: true));
            var only = days[i].CategoryIds.Count == 0 ? ""
                : Lang.Format(Words.HoursOnlyFor, string.Join(Lang[Words.ListSeparator], days[i].CategoryIds.Select(c => Centre.Categories.FirstOrDefault(k => k.Id == c) is { } k ? Lang.Of(k.Name) : c)));
            lines.Add($"{range} {Lang.Clock(days[i].Opens)}–{Lang.Clock(days[i].Closes)}{only}");
            i = j + 1;
        }
        return lines;
    }
}

/// <summary>Page links name their centre (ADR 0018): a resident who started at one centre's page stays at that centre.</summary>
public static class CentreLinks
{
    /// <summary><paramref name="url"/> with <c>centre={centreId}</c> added (a link naming one already is left as it is).</summary>
    public static string With(string url, string centreId) =>
        url.Contains("centre=", StringComparison.Ordinal) ? url : url + (url.Contains('?') ? "&" : "?") + "centre=" + Uri.EscapeDataString(centreId);
}
