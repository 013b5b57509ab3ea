using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduler.DevHost.TestFunctions;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.DevHost.Tests;

public sealed class HttpTriggerTests(HttpTriggerTests.Fixture fixture) : IClassFixture<HttpTriggerTests.Fixture>
{
    /// <summary>One host of the test app for the class: these tests only send requests, and each names its own tag.</summary>
    public sealed class Fixture(AzuriteFixture azurite) : IAsyncLifetime
    {
        public TestDevHost Host { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Host = await TestApp.StartAsync(azurite);

        public async ValueTask DisposeAsync()
        {
            if (Host is not null) await Host.DisposeAsync();
        }
    }

    private readonly TestDevHost _host = fixture.Host;

    [Fact]
    public async Task Function_level_route_without_a_key_is_401_and_the_function_does_not_run()
    {
        var tag = Guid.NewGuid().ToString("N");
        using var response = await _host.Client.GetAsync($"/api/ping/{tag}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(Observed.Calls.ContainsKey(tag));
    }

    [Fact]
    public async Task Function_level_route_with_a_wrong_key_is_401_and_the_function_does_not_run()
    {
        var tag = Guid.NewGuid().ToString("N");
        using var client = _host.KeyedClient("not-the-key");
        using var response = await client.GetAsync($"/api/ping/{tag}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(Observed.Calls.ContainsKey(tag));
    }

    [Theory]
    [InlineData("header-function")]
    [InlineData("query-function")]
    [InlineData("header-master")]
    public async Task Function_level_route_accepts_the_function_key_or_the_master_key_by_header_or_query(string how)
    {
        var tag = Guid.NewGuid().ToString("N");
        var key = how.EndsWith("master") ? _host.Keys.MasterKey : _host.Keys.FunctionKey;
        using var request = new HttpRequestMessage(HttpMethod.Get, how.StartsWith("query") ? $"/api/ping/{tag}?code={Uri.EscapeDataString(key)}" : $"/api/ping/{tag}");
        if (how.StartsWith("header")) request.Headers.Add("x-functions-key", key);
        using var response = await _host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(tag, body.GetProperty("tag").GetString());
        Assert.Equal(1, Observed.Calls[tag]);
    }

    [Fact]
    public async Task Admin_level_route_refuses_the_function_key_and_accepts_the_master_key()
    {
        using var withFunctionKey = _host.KeyedClient();
        using var refused = await withFunctionKey.GetAsync("/api/admin-only", TestContext.Current.CancellationToken);
        using var withMaster = _host.KeyedClient(_host.Keys.MasterKey);
        using var accepted = await withMaster.GetAsync("/api/admin-only", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Route_values_bind_to_parameters_and_constraints_are_honoured()
    {
        using var ok = await _host.Client.GetAsync("/api/open/湖里/42", TestContext.Current.CancellationToken);
        using var notInt = await _host.Client.GetAsync("/api/open/huli/forty-two", TestContext.Current.CancellationToken);

        var body = await ok.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("湖里", body.GetProperty("name").GetString());
        Assert.Equal(42, body.GetProperty("number").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, notInt.StatusCode);
        Assert.Equal("application/problem+json", notInt.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Wrong_method_and_unknown_paths_are_404_problems()
    {
        using var wrongMethod = await _host.Client.DeleteAsync("/api/open/a/1", TestContext.Current.CancellationToken);
        using var unknown = await _host.Client.GetAsync("/nothing/here", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.True(wrongMethod.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"got {wrongMethod.StatusCode}");
    }

    [Fact]
    public async Task A_principal_header_sent_by_the_client_is_stripped_and_the_local_sign_in_sets_it()
    {
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/open/a/1");
        forged.Headers.Add("X-MS-CLIENT-PRINCIPAL-NAME", "mallory");
        using var forgedResponse = await _host.Client.SendAsync(forged, TestContext.Current.CancellationToken);
        using var signedIn = await _host.SignedInClientAsync("dispatcher-li", "dispatcher");
        using var signedInResponse = await signedIn.GetAsync("/api/open/a/1", TestContext.Current.CancellationToken);

        var forgedBody = await forgedResponse.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var signedBody = await signedInResponse.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("", forgedBody.GetProperty("principal").GetString());
        Assert.Equal("dispatcher-li", signedBody.GetProperty("principal").GetString());
    }
}
