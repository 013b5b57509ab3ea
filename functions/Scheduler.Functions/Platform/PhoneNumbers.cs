using PhoneNumbers;
using Scheduler.Core.Booking;

namespace Scheduler.Functions.Platform;

/// <summary>Mobile numbers through libphonenumber: Chinese numbers by default, any country with a leading +.</summary>
public sealed class LibPhoneNumbers : IPhoneNumbers
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

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
        return Util.Format(number, PhoneNumberFormat.E164);
    }
}
