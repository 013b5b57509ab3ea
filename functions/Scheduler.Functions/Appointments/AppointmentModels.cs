using Scheduler.Functions.Platform;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Privacy;

namespace Scheduler.Functions.Appointments;

/// <summary>A booking: an item or a bundle (exactly one), a day and a start, the resident's name and mobile.</summary>
[ApiBody("date", "start", "name", "mobile", ExactlyOneOf = ["itemId", "bundleId"])]
public sealed record BookRequest(
    string? ItemId, string? BundleId, [property: ApiString(Format = ApiStringAttribute.Date)] string? Date, [property: ApiString(Pattern = ApiStringAttribute.TimePattern)] string? Start, string? Name, string? Mobile,
    PriorityReason? Priority, ProxyInput? Proxy, string? Language, string? VerificationCode);

/// <summary>A booking a member of staff makes for a resident (帮办代办): no code, the resident's consent instead.</summary>
[ApiBody("date", "start", "name", "mobile", "assisted", ExactlyOneOf = ["itemId", "bundleId"])]
public sealed record AssistedBookRequest(
    string? ItemId, string? BundleId, [property: ApiString(Format = ApiStringAttribute.Date)] string? Date, [property: ApiString(Pattern = ApiStringAttribute.TimePattern)] string? Start, string? Name, string? Mobile,
    PriorityReason? Priority, string? Language, AssistedInput? Assisted);

[ApiBody("date", "start")]
public sealed record RescheduleRequest([property: ApiString(Format = ApiStringAttribute.Date)] string? Date, [property: ApiString(Pattern = ApiStringAttribute.TimePattern)] string? Start);

[ApiBody("date", "wanted", "name", "mobile", ExactlyOneOf = ["itemId", "bundleId"])]
public sealed record ExtendedHoursBody(string? ItemId, string? BundleId, [property: ApiString(Format = ApiStringAttribute.Date)] string? Date, Scheduler.Core.Calendar.SlotKind? Wanted, string? Name, string? Mobile, string? Language,
    string? VerificationCode);

/// <summary>An appointment as the resident and staff see it. The mobile number is shown masked.</summary>
public sealed record AppointmentView(
    string Id,
    AppointmentStatus Status,
    string CategoryId,
    string ServiceId,
    bool IsBundle,
    LocalizedText ServiceName,
    LocalDate Date,
    LocalTime Start,
    LocalTime End,
    string ResidentName,
    string MobileMasked,
    PriorityReason? Priority,
    ProxyBooker? Proxy,
    string Language,
    Instant? ConfirmBy,
    IReadOnlyList<LocalizedText> Documents,
    LocalizedText CentreName,
    string CentreAddress,
    GreenCheck? GreenCheck = null)
{
    /// <summary>
    /// The appointment as shown; <paramref name="forStaff"/> adds where its green-channel claim stands
    /// (<c>Pending</c> until staff at the window confirm or downgrade it), which residents are not shown.
    /// </summary>
    public static AppointmentView Of(Appointment a, CentreProfile profile, bool forStaff = false)
    {
        var name = a.IsBundle
            ? profile.Bundles.FirstOrDefault(b => b.Id == a.BookableId)?.Name
            : profile.Items.FirstOrDefault(i => i.Id == a.BookableId)?.Name;
        var documents = a.ItemIds.SelectMany(id => profile.Items.FirstOrDefault(i => i.Id == id)?.Documents ?? [])
            .DistinctBy(d => d.Zh).ToList();
        return new AppointmentView(a.Id, a.Status, a.CategoryId, a.BookableId, a.IsBundle, name ?? new LocalizedText(a.BookableId, a.BookableId),
            a.Date, a.Start, a.End, a.ResidentName, Redact.Phone(a.Mobile), a.Priority, a.Proxy, a.Language, a.ConfirmBy, documents,
            profile.Centre.Name, profile.Centre.Address, forStaff ? a.GreenCheck : null);
    }
}

public sealed record BookedView(AppointmentView Appointment, string ManageToken, string ManageUrl);

public sealed record ExtendedHoursView(string Outcome, BookedView? Booked, string? RequestId, string Message);
