using NodaTime;
using Scheduler.Core.Notifications;
using Xunit;

namespace Scheduler.Core.Tests.Notifications;

/// <summary>Short links: each kind's path verifies with its own MAC only, and a session link names a day and a service.</summary>
public sealed class ShortLinkTests
{
    private readonly ShortLinks _links = new(new byte[32], "https://booking.example/");

    [Fact]
    public void A_session_link_names_its_day_and_service_and_verifies_for_them_only()
    {
        var link = _links.Session(new LocalDate(2026, 12, 9), "real-estate-registration");
        var parts = new Uri(link).AbsolutePath.Split('/'); // /api/l/b/{id}/{mac}
        Assert.Equal(("b", "20261209.real-estate-registration"), (parts[3], parts[4]));
        Assert.True(_links.Verify(ShortLinks.SessionKind, parts[4], parts[5]));
        Assert.False(_links.Verify(ShortLinks.SessionKind, "20261210.real-estate-registration", parts[5]));
        Assert.False(_links.Verify(ShortLinks.AppointmentKind, parts[4], parts[5]));
        Assert.Equal((new LocalDate(2026, 12, 9), "real-estate-registration"), ShortLinks.ReadSession(parts[4]));
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
