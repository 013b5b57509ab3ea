namespace Scheduler.Core.Notifications;

public enum SmsEncoding { Gsm7, Ucs2 }

/// <summary>How many SMS parts a text takes, counted as handsets and carriers count them.</summary>
/// <param name="Units">Septets (GSM-7, an extension character counts two) or UTF-16 code units (UCS-2).</param>
public readonly record struct SmsLength(SmsEncoding Encoding, int Units, int Segments);

/// <summary>
/// Counts SMS segments: GSM-7 when every character is in the GSM 03.38 basic set or its extension table (160 septets
/// in one part, 153 per part when split), else UCS-2 (70 code units in one part, 67 per part). A split never cuts an
/// escape pair or a surrogate pair in two, so a part may carry one unit less than its room.
/// </summary>
public static class SmsSegments
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "^{}\\[~]|€\f";

    public static bool IsGsm7(string text) => text.All(c => Basic.Contains(c) || Extension.Contains(c));

    public static SmsLength Count(string text)
    {
        if (IsGsm7(text))
        {
            var sizes = text.Select(c => Extension.Contains(c) ? 2 : 1).ToList();
            return new SmsLength(SmsEncoding.Gsm7, sizes.Sum(), Parts(sizes, 160, 153));
        }
        var units = new List<int>();
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { units.Add(2); i++; }
            else units.Add(1);
        }
        return new SmsLength(SmsEncoding.Ucs2, units.Sum(), Parts(units, 70, 67));
    }

    /// <summary>Parts needed for indivisible pieces of the given sizes: one part if all fit in <paramref name="single"/>, else packed into parts of <paramref name="each"/>.</summary>
    private static int Parts(IReadOnlyList<int> pieces, int single, int each)
    {
        var total = pieces.Sum();
        if (total <= single) return 1;
        int parts = 1, used = 0;
        foreach (var p in pieces)
        {
            if (used + p > each) { parts++; used = 0; }
            used += p;
        }
        return parts;
    }
}
