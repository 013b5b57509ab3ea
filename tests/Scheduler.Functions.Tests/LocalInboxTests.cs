using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The local inbox and phone page are anonymous and show every number's codes and links: a deployment (a public base
/// URL other than localhost) never shows them, even when it keeps its SMS in the outbox (<c>Sms__Provider=local</c>,
/// the trial without Twilio).
/// </summary>
public sealed class LocalInboxTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_deployment_with_the_local_provider_shows_neither_the_local_inbox_nor_the_phone_page()
    {
        await using var host = await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s =>
        {
            s["Scheduler__PublicBaseUrl"] = "https://booking.huli.example";
            s["Sms__Provider"] = "local";
            s["Twilio__AuthToken"] = "a-deployment-s-own-token";
        });
        var to = "+86" + BookingClient.NewMobile();
        using (var sent = await host.Client.PostAsync("/api/phone-verifications", BookingClient.Json(new { mobile = to }), TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);

        foreach (var path in new[] { $"/api/local/sms?to={Uri.EscapeDataString(to)}", $"/api/pages/phone?to={Uri.EscapeDataString(to)}" })
        {
            using var response = await host.Client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            Assert.Contains("serves this machine alone", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task A_local_run_with_the_local_provider_shows_the_inbox()
    {
        await using var host = await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s => s["Sms__Provider"] = "local");
        var to = "+86" + BookingClient.NewMobile();
        Assert.NotNull(await BookingClient.SendCodeAsync(host.Client, to));
    }
}
