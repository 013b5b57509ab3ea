using NodaTime;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;
using Xunit;

namespace Scheduler.Core.Tests;

/// <summary>Which centre a request is for, and who may act there (ADR 0018).</summary>
public sealed class CentreScopeTests
{
    private const string Default = "huli";

    private static StaffCaller Staff(params string[] roles) => new("u1", "林", new HashSet<string>(roles), "s01");

    private static ResidentCaller Resident(string centre) => new(new ResidentToken(centre, "appointment/a1", "manage", Instant.FromUtc(2027, 1, 1, 0, 0)));

    [Fact]
    public void Anyone_gets_the_centre_named_or_the_default()
    {
        Assert.Equal(Default, CentreScope.Resolve(null, AnonymousCaller.Instance, Default, forStaff: false).Value);
        Assert.Equal("siming", CentreScope.Resolve("siming", AnonymousCaller.Instance, Default, forStaff: false).Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Siming")]
    [InlineData("-siming")]
    [InlineData("si~ming")]
    [InlineData("../huli")]
    [InlineData("a-centre-id-that-is-longer-than-forty-chars")]
    public void A_name_that_cannot_be_a_centre_is_an_unknown_centre(string named)
    {
        var outcome = CentreScope.Resolve(named, AnonymousCaller.Instance, Default, forStaff: false);
        Assert.Equal((ProblemKind.NotFound, ErrorCodes.UnknownCentre), (outcome.Error!.Kind, outcome.Error.Code));
    }

    [Fact]
    public void A_residents_link_is_for_the_centre_that_issued_it()
    {
        Assert.Equal("siming", CentreScope.Resolve(null, Resident("siming"), Default, forStaff: false).Value);
        Assert.Equal("siming", CentreScope.Resolve("siming", Resident("siming"), Default, forStaff: false).Value);
        var other = CentreScope.Resolve(Default, Resident("siming"), Default, forStaff: false);
        Assert.Equal((ProblemKind.Forbidden, ErrorCodes.WrongCentre), (other.Error!.Kind, other.Error.Code));
    }

    [Fact]
    public void Staff_with_no_centre_role_serve_the_default_centre_only()
    {
        var dispatcher = Staff("dispatcher");
        Assert.Equal(Default, CentreScope.Resolve(null, dispatcher, Default, forStaff: true).Value);
        Assert.Equal(ErrorCodes.WrongCentre, CentreScope.Resolve("siming", dispatcher, Default, forStaff: true).Error?.Code);
    }

    [Fact]
    public void Staff_of_one_centre_get_theirs_without_naming_it_and_nothing_else()
    {
        var dispatcher = Staff("dispatcher", "centre.siming");
        Assert.Equal(new[] { "siming" }, dispatcher.Centres);
        Assert.Equal("siming", CentreScope.Resolve(null, dispatcher, Default, forStaff: true).Value);
        Assert.Equal("siming", CentreScope.Resolve("siming", dispatcher, Default, forStaff: true).Value);
        var refused = CentreScope.Resolve(Default, dispatcher, Default, forStaff: true);
        Assert.Equal((ProblemKind.Forbidden, ErrorCodes.WrongCentre), (refused.Error!.Kind, refused.Error.Code));
        Assert.Contains("siming", refused.Error.Message);
    }

    [Fact]
    public void Staff_of_several_centres_name_one_or_get_the_default_when_they_serve_it()
    {
        var both = Staff("dispatcher", "centre.siming", "centre.huli");
        Assert.Equal(Default, CentreScope.Resolve(null, both, Default, forStaff: true).Value);
        Assert.Equal("siming", CentreScope.Resolve("siming", both, Default, forStaff: true).Value);
        var elsewhere = Staff("dispatcher", "centre.siming", "centre.jimei");
        Assert.Equal(ErrorCodes.WrongCentre, CentreScope.Resolve(null, elsewhere, Default, forStaff: true).Error?.Code);
        Assert.Equal("jimei", CentreScope.Resolve("jimei", elsewhere, Default, forStaff: true).Value);
    }

    [Fact]
    public void An_administrator_serves_every_centre()
    {
        var admin = Staff("admin");
        Assert.Equal("jimei", CentreScope.Resolve("jimei", admin, Default, forStaff: true).Value);
        Assert.Equal(Default, CentreScope.Resolve(null, admin, Default, forStaff: true).Value);
    }

    [Fact]
    public void On_a_function_for_anyone_staff_are_not_asked_which_centres_they_serve_and_are_at_their_own_unless_they_name_one()
    {
        Assert.Equal("jimei", CentreScope.Resolve("jimei", Staff("dispatcher"), Default, forStaff: false).Value);
        Assert.Equal("siming", CentreScope.Resolve(null, Staff("dispatcher", "centre.siming"), Default, forStaff: false).Value);
        Assert.Equal(Default, CentreScope.Resolve(Default, Staff("dispatcher", "centre.siming"), Default, forStaff: false).Value);
        Assert.Equal(Default, CentreScope.Resolve(null, Staff("dispatcher"), Default, forStaff: false).Value);
    }
}
