using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The day-before reminder timer serves every centre of the deployment: an appointment at the default centre and one
/// at a second centre saved to the catalogue each get one reminder, each centre's batch is marked done for the day,
/// and the timer firing again sends nothing twice. Runs the real timer function through the dev host's admin endpoint.
/// </summary>
public sealed class CityTimerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Second = "tongan";
    private readonly FakeClock _clock = SchedulerHost.DemoClock();
    private TestDevHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await SchedulerHost.StartAsync(azurite.ConnectionString, _clock, s => { s["Sms__Provider"] = "local"; s["Twilio__AuthToken"] = Sms.LocalToken; });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Reminders_go_out_for_every_centre_once_and_firing_again_sends_none()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = _host.Services;
        var demo = DemoData.Load();
        await services.GetRequiredService<CatalogueStore>().SaveAsync(demo with { Centre = demo.Centre with { Id = Second } }, ct);
        var defaultCentre = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SchedulerOptions>>().Value.CentreId;
        Assert.Contains(Second, await services.GetRequiredService<ICentreList>().ListAsync(ct));

        // Wednesday 2 December, one appointment at each centre.
        var day = new LocalDate(2026, 12, 2);
        var atDefault = await BookAsync(defaultCentre, day, ct);
        var atSecond = await BookAsync(Second, day, ct);

        _clock.Reset(Instant.FromUtc(2026, 12, 1, 10, 0)); // Tuesday 18:00 in Xiamen
        try
        {
            await FireAsync("SendDayBeforeReminders", ct);
            await FireAsync("SendDayBeforeReminders", ct);
            foreach (var to in new[] { atDefault, atSecond })
                Assert.Equal(1, Sms.Count(await Sms.WaitForAsync(_host.Client, to, "day-before-reminder"), "day-before-reminder"));
            var batches = services.GetRequiredService<IDailyBatches>();
            foreach (var centre in new[] { defaultCentre, Second })
                Assert.True(await batches.IsDoneAsync(centre, ScheduledBatches.Reminders, day.PlusDays(-1), ct), $"{centre}: the reminder batch is not marked done");

            // A later firing the same evening: every centre's batch is done, nothing more goes out.
            _clock.Advance(Duration.FromMinutes(15));
            await FireAsync("SendDayBeforeReminders", ct);
            await Task.Delay(1000, ct);
            foreach (var to in new[] { atDefault, atSecond })
                Assert.Equal(1, Sms.Count(await Sms.InboxAsync(_host.Client, to), "day-before-reminder"));
        }
        finally
        {
            _clock.Reset(SchedulerHost.DemoNow);
        }
    }

    /// <summary>Books the first free afternoon slot of <paramref name="day"/> at <paramref name="centre"/> for a new number; returns the number.</summary>
    private async Task<string> BookAsync(string centre, LocalDate day, CancellationToken ct)
    {
        var mobile = "+86" + BookingClient.NewMobile();
        var proof = await VerifiedMobiles.ProofAsync(_host, centre, mobile, ct);
        var booking = _host.Services.GetRequiredService<BookAppointment>();
        foreach (var start in new[] { "15:45", "16:00", "16:15", "15:30", "15:15", "15:00", "14:45", "14:30" })
        {
            var booked = await booking.BookAsync(centre, new BookCommand("pension-certification", null, day, LocalTimePattern(start), "李芳", mobile, null, null, "zh", null,
                MobileProof: proof), AnonymousCaller.Instance, ct);
            if (booked.Error is null) return mobile;
        }
        throw new InvalidOperationException($"No free slot on {day} at {centre}.");
    }

    private static LocalTime LocalTimePattern(string text) => NodaTime.Text.LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text).Value;

    private async Task FireAsync(string name, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/functions/{name}") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("x-functions-key", _host.Keys.MasterKey);
        using var response = await _host.Client.SendAsync(request, ct);
        Assert.True(response.IsSuccessStatusCode, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }
}
