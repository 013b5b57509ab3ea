namespace Scheduler.Core.Privacy;

/// <summary>
/// Masks personal data before it reaches a log or telemetry. Residents are elderly and vulnerable: a phone
/// number, resident ID or address is never written anywhere but its own protected field.
/// </summary>
public static class Redact
{
    /// <summary>Keeps the country code, the first three and the last two digits: <c>+86138******78</c>.</summary>
    public static string Phone(string? phone)
    {
        if (string.IsNullOrEmpty(phone)) return "";
        var digits = phone.Where(char.IsAsciiDigit).Count();
        if (digits < 7) return new string('*', phone.Length);
        var prefix = phone.StartsWith('+') ? 3 + 3 : 3;
        var keepEnd = 2;
        return string.Concat(phone.AsSpan(0, Math.Min(prefix, phone.Length - keepEnd)),
            new string('*', Math.Max(0, phone.Length - prefix - keepEnd)), phone.AsSpan(phone.Length - keepEnd));
    }

    /// <summary>Keeps only the first and last character of an 18-digit resident ID: <c>3***************X</c>.</summary>
    public static string IdNumber(string? id) =>
        string.IsNullOrEmpty(id) ? "" : id.Length <= 2 ? new string('*', id.Length) : id[0] + new string('*', id.Length - 2) + id[^1];

    /// <summary>An address is never logged: only its length, so a log can still tell empty from present.</summary>
    public static string Address(string? address) => string.IsNullOrEmpty(address) ? "" : $"[address, {address.Length} chars]";
}
