namespace Scheduler.Core.Catalogue;

/// <summary>A point on the earth in WGS-84 degrees.</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    public bool IsValid() =>
        double.IsFinite(Latitude) && double.IsFinite(Longitude) &&
        Latitude is >= -90 and <= 90 && Longitude is >= -180 and <= 180;
}

/// <summary>A one-stop government service centre (政务服务中心): one hall, many departments.</summary>
/// <param name="Id">Stable identifier used in storage keys, for example <c>huli</c>.</param>
/// <param name="TimeZoneId">IANA zone of the centre; every local date and time it shows is in this zone.</param>
/// <param name="Phone">The number residents call; every message that says "call us" names it.</param>
/// <param name="SmsSignature">The short name messages are signed with (【湖里政务】); the centre's name when not set.</param>
public sealed record Centre(
    string Id,
    LocalizedText Name,
    string TimeZoneId,
    GeoPoint Location,
    string Address,
    string? Phone = null,
    LocalizedText? SmsSignature = null);

/// <summary>Text a resident reads, in Chinese first and English second.</summary>
public sealed record LocalizedText(string Zh, string En)
{
    public string For(string language) => language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? En : Zh;
    public override string ToString() => Zh;
}
