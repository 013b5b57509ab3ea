using PhoneNumbers;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Mobile numbers through libphonenumber: Chinese numbers by default. Every number the app takes receives SMS, so
/// only mainland China mobiles are accepted, and the numbers the centre lists in <c>Sms:AllowedNumbers</c>
/// (comma-separated E.164): the cost of an SMS cannot be steered abroad.
/// </summary>
public sealed class LibPhoneNumbers(Microsoft.Extensions.Options.IOptions<Scheduler.Functions.Notifications.SmsOptions> sms) : IPhoneNumbers
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    private readonly HashSet<string> _allowed = (sms.Value.AllowedNumbers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .ToHashSet(StringComparer.Ordinal);

    public string? NormalizeMobile(string? input, out string reason)
    {
        reason = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 32)
        {
            reason = "The mobile number is missing.";
            return null;
        }
        PhoneNumber number;
        try
        {
            number = Util.Parse(input, "CN");
        }
        catch (NumberParseException)
        {
            reason = "This is not a phone number.";
            return null;
        }
        if (!Util.IsValidNumber(number))
        {
            reason = "This phone number does not exist.";
            return null;
        }
        if (Util.GetNumberType(number) is not (PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE))
        {
            reason = "This is not a mobile number; SMS needs a mobile.";
            return null;
        }
        var e164 = Util.Format(number, PhoneNumberFormat.E164);
        if (Util.GetRegionCodeForNumber(number) != "CN" && !_allowed.Contains(e164))
        {
            reason = "Only mainland China mobile numbers can receive the centre's SMS; please call the centre for help.";
            return null;
        }
        return e164;
    }
}
