using NodaTime;
using Scheduler.Core.Notifications;
using Xunit;

namespace Scheduler.Core.Tests.Notifications;

/// <summary>
/// Short links: each kind's path verifies with its own MAC only, a session link names a day and a service, and a
/// link of a centre other than the default names it under the MAC.
/// </summary>
public sealed class ShortLinkTests
{
    private readonly ShortLinks _links = new(new byte[32], "https://booking.example/", "huli");

    [Fact]
    public void A_session_link_names_its_day_and_service_and_verifies_for_them_only()
    {
        var link = _links.Session("huli", new LocalDate(2026, 12, 9), "real-estate-registration");
        var parts = new Uri(link).AbsolutePath.Split('/'); // /api/l/b/{id}/{mac}
        Assert.Equal(("b", "20261209.real-estate-registration"), (parts[3], parts[4]));
        Assert.True(_links.Verify(ShortLinks.SessionKind, parts[4], parts[5]));
        Assert.False(_links.Verify(ShortLinks.SessionKind, "20261210.real-estate-registration", parts[5]));
        Assert.False(_links.Verify(ShortLinks.AppointmentKind, parts[4], parts[5]));
        Assert.Equal((new LocalDate(2026, 12, 9), "real-estate-registration"), ShortLinks.ReadSession(parts[4]));
    }

    [Fact]
    public void A_link_of_another_centre_names_it_under_the_mac_and_the_default_centres_names_none()
    {
        var huli = new Uri(_links.Appointment("huli", "social.abc")).AbsolutePath.Split('/');
        var siming = new Uri(_links.Appointment("siming", "social.abc")).AbsolutePath.Split('/');
        Assert.Equal("social.abc", huli[4]);
        Assert.Equal("siming~social.abc", siming[4]);
        Assert.Equal(("huli", "social.abc"), _links.Read(huli[4]));
        Assert.Equal(("siming", "social.abc"), _links.Read(siming[4]));
        Assert.True(_links.Verify(ShortLinks.AppointmentKind, siming[4], siming[5]));
        // Another centre's name on the same id and MAC is not a link the centre made.
        Assert.False(_links.Verify(ShortLinks.AppointmentKind, "jimei~social.abc", siming[5]));
        Assert.False(_links.Verify(ShortLinks.AppointmentKind, "social.abc", siming[5]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("20261209")]
    [InlineData("20261209.")]
    [InlineData("2026129.x")]
    [InlineData("20261309.x")]
    [InlineData("2026-12-9.x")]
    public void What_is_not_a_day_and_a_service_is_not_a_session(string id) => Assert.Null(ShortLinks.ReadSession(id));
}
