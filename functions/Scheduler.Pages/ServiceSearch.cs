using System.Text;

namespace Scheduler.Pages;

/// <summary>
/// The words a service search matches: the Chinese name, its pinyin initials (养老金资格认证 → yljzgrz) and the English
/// name. The initials come from the GB2312 order of the 3,755 common characters, which GB2312 sorts by pinyin
/// (ADR 0019); a rarer character keeps itself. The server filters with <see cref="Matches"/>, and services.js
/// applies the same rule to the <c>data-keys</c> the page carries.
/// </summary>
public static class ServiceSearch
{
    private static readonly (int Code, char Letter)[] Starts =
    [
        (0xB0A1, 'a'), (0xB0C5, 'b'), (0xB2C1, 'c'), (0xB4EE, 'd'), (0xB6EA, 'e'), (0xB7A2, 'f'), (0xB8C1, 'g'), (0xB9FE, 'h'),
        (0xBBF7, 'j'), (0xBFA6, 'k'), (0xC0AC, 'l'), (0xC2E8, 'm'), (0xC4C3, 'n'), (0xC5B6, 'o'), (0xC5BE, 'p'), (0xC6DA, 'q'),
        (0xC8BB, 'r'), (0xC8F6, 's'), (0xCBFA, 't'), (0xCDDA, 'w'), (0xCEF4, 'x'), (0xD1B9, 'y'), (0xD4D1, 'z'),
    ];
    private const int LastCommon = 0xD7F9;

    private static readonly Encoding Gb2312;

    static ServiceSearch()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Gb2312 = Encoding.GetEncoding("GB2312");
    }

    /// <summary>The pinyin initial of each common Chinese character; other characters (letters, digits) as they are, lower case.</summary>
    public static string Initials(string text)
    {
        var result = new StringBuilder();
        foreach (var c in text)
        {
            if (c < 0x80) { if (char.IsLetterOrDigit(c)) result.Append(char.ToLowerInvariant(c)); continue; }
            var bytes = Gb2312.GetBytes(c.ToString());
            if (bytes.Length != 2) { result.Append(c); continue; }
            var code = bytes[0] << 8 | bytes[1];
            if (code < Starts[0].Code || code > LastCommon) { result.Append(c); continue; }
            var letter = Starts[0].Letter;
            foreach (var (start, l) in Starts)
                if (code >= start) letter = l;
            result.Append(letter);
        }
        return result.ToString();
    }

    /// <summary>Everything a search looks in, lower case, separated by spaces.</summary>
    public static string Keys(string zh, string en) => $"{zh} {Initials(zh)} {en}".ToLowerInvariant();

    /// <summary>True when every word of the query is found in the keys (an empty query matches everything).</summary>
    public static bool Matches(string keys, string? query) =>
        (query ?? "").ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(keys.Contains);
}
