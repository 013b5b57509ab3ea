using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>Bad bodies on a POST: each is a 4xx problem naming what is wrong, and nothing is written.</summary>
public sealed class RequestBodyTests(RequestBodyTests.Fixture fixture) : IClassFixture<RequestBodyTests.Fixture>
{
    /// <summary>The class's host, with a member of staff signed in.</summary>
    public sealed class Fixture(AzuriteFixture azurite) : DemoHostFixture(azurite)
    {
        public HttpClient Staff { get; private set; } = null!;

        protected override async Task OnStartedAsync(TestDevHost host) => Staff = await host.SignedInClientAsync("clerk-body-tests", "staff", "admin");

        public override async ValueTask DisposeAsync()
        {
            Staff?.Dispose();
            await base.DisposeAsync();
        }
    }

    private readonly TestDevHost _host = fixture.Host;
    private readonly HttpClient _staff = fixture.Staff;

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpContent content)
    {
        using var response = await _staff.PostAsync("/api/resident-links", content);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<int> AuditCountAsync()
    {
        var entries = await _staff.GetFromJsonAsync<JsonElement>("/api/audit?date=2026-11-27&max=1000");
        return entries.EnumerateArray().Count(e => e.GetProperty("actor").GetString() == "staff:local:clerk-body-tests");
    }

    [Fact]
    public async Task Malformed_json_is_400_naming_the_position()
    {
        var before = await AuditCountAsync();
        var (status, body) = await PostAsync(new StringContent("{\n  \"subject\": \"appointment/a-1\",\n  \"purpose\": manage\n}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, body.GetProperty("line").GetInt32());
        Assert.Contains("line 3", body.GetProperty("detail").GetString());
        Assert.Equal(before, await AuditCountAsync());
    }

    [Fact]
    public async Task A_field_of_the_wrong_type_is_400_naming_the_field()
    {
        var (status, body) = await PostAsync(new StringContent("""{"subject":"appointment/a-1","purpose":"manage","validForHours":"soon"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("$.validForHours", body.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("""{"purpose":"manage"}""", "subject")]
    [InlineData("""{"subject":"not a subject","purpose":"manage"}""", "subject")]
    [InlineData("""{"subject":"appointment/a-1","purpose":"everything"}""", "purpose")]
    [InlineData("""{"subject":"appointment/a-1","purpose":"manage","validForHours":0}""", "validForHours")]
    [InlineData("""{"subject":"appointment/a-1","purpose":"manage","validForHours":100000}""", "validForHours")]
    [InlineData("null", "$")]
    [InlineData("", "$")]
    public async Task Invalid_values_are_400_naming_the_field(string json, string field)
    {
        var before = await AuditCountAsync();
        var (status, body) = await PostAsync(new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(field, body.GetProperty("field").GetString());
        Assert.Equal(before, await AuditCountAsync());
    }

    [Fact]
    public async Task A_wrong_content_type_is_415()
    {
        var (status, body) = await PostAsync(new StringContent("subject=appointment/a-1", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("Content-Type", body.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_body_over_16_kb_is_413()
    {
        var json = $$"""{"subject":"appointment/a-1","purpose":"manage","pad":"{{new string('x', 17 * 1024)}}"}""";
        var (status, _) = await PostAsync(new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }
}
