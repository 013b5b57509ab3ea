using NodaTime;
using NodaTime.Text;

namespace Scheduler.Core.HomeVisits.Requests;

/// <summary>
/// The 18-digit resident identity number (居民身份证号码, GB 11643): 6 digits of region, 8 of birth date, 3 of
/// sequence and an ISO 7064 MOD 11-2 check character (0-9 or X). Only its checksum and birth date are read here.
/// </summary>
public static class ResidentIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>The birth date in a valid number; null and why otherwise.</summary>
    public static LocalDate? BirthDate(string? number, LocalDate today, out string reason)
    {
        reason = "";
        var id = number?.Trim().ToUpperInvariant() ?? "";
        if (id.Length != 18 || !id[..17].All(char.IsAsciiDigit) || !(char.IsAsciiDigit(id[17]) || id[17] == 'X'))
        {
            reason = "A resident ID has 17 digits and a final digit or X.";
            return null;
        }
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (id[i] - '0') * Weights[i];
        if (CheckCharacters[sum % 11] != id[17])
        {
            reason = "The resident ID's check digit is wrong; please check the number.";
            return null;
        }
        var parsed = LocalDatePattern.CreateWithInvariantCulture("yyyyMMdd").Parse(id.Substring(6, 8));
        if (!parsed.Success || parsed.Value > today || parsed.Value.Year < 1880)
        {
            reason = "The birth date in the resident ID is impossible.";
            return null;
        }
        return parsed.Value;
    }

    public static int AgeOn(LocalDate birth, LocalDate today) => Period.Between(birth, today, PeriodUnits.Years).Years;
}
