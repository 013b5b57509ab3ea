using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Scheduler.Core.Identity;
using Scheduler.DevHost;
using Scheduler.Testing;
using Xunit;
using Scheduler.Functions.Identity;

namespace Scheduler.Functions.Tests;

public sealed class CallerResolverTests
{
    private static CallerResolver Resolver(string? authEnabled)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["WEBSITE_AUTH_ENABLED"] = authEnabled }).Build();
        return new CallerResolver(new ResidentTokenService(new byte[32], SchedulerHost.DemoClock()), config);
    }

    private static HttpRequest WithPrincipal()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[CallerResolver.PrincipalHeader] = LocalSignIn.EncodePrincipal("mallory", ["admin", "dispatcher", "staff"]);
        return context.Request;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("False")]
    public void Without_app_service_authentication_a_principal_header_is_not_believed(string? setting)
    {
        var (caller, problem) = Resolver(setting).Resolve(WithPrincipal());
        Assert.Null(problem);
        Assert.IsType<AnonymousCaller>(caller);
        Assert.IsType<Microsoft.AspNetCore.Mvc.ObjectResult>(Resolver(setting).RequireRole(WithPrincipal(), "dispatcher").Problem);
    }

    [Fact]
    public void With_app_service_authentication_the_principal_and_its_roles_are_read()
    {
        var (caller, _) = Resolver("True").Resolve(WithPrincipal());
        var staff = Assert.IsType<StaffCaller>(caller);
        Assert.True(staff.IsInRole("dispatcher"));
    }
}
