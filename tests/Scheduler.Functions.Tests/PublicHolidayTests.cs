using System.Text.Json;
using Scheduler.Core.Calendar;
using Scheduler.DevHost;
using Xunit;
using Scheduler.Functions.Catalogue;

namespace Scheduler.Functions.Tests;

/// <summary>The shipped official holiday list agrees, day by day, with the maintained npm package chinese-days.</summary>
public sealed class PublicHolidayTests
{
    [Fact]
    public void The_official_list_matches_chinese_days_for_every_year_it_ships()
    {
        var path = Path.Combine(LocalSettings.FindRepositoryRoot(), "node_modules", "chinese-days", "dist", "chinese-days.json");
        using var reference = JsonDocument.Parse(File.ReadAllText(path));
        var official = PublicHolidays.Official;
        foreach (var year in official.Years)
        {
            HashSet<string> From(string property) => reference.RootElement.GetProperty(property).EnumerateObject()
                .Select(p => p.Name).Where(d => d.StartsWith($"{year}-")).ToHashSet();
            HashSet<string> Ours(DayKind kind) => official.Days.Where(d => d.Kind == kind && d.Date.Year == year)
                .Select(d => d.Date.ToString("yyyy-MM-dd", null)).ToHashSet();

            Assert.Equal(From("holidays").Order(), Ours(DayKind.PublicHoliday).Order());
            Assert.Equal(From("workdays").Order(), Ours(DayKind.AdjustedWorkingDay).Order());
        }
        Assert.Contains(2026, official.Years);
        Assert.Equal(33, official.Days.Count(d => d.Kind == DayKind.PublicHoliday && d.Date.Year == 2026));
    }
}
