using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Functions.Infrastructure;
using Scheduler.Functions.Storage;

namespace Scheduler.Functions.Api;

/// <summary>Every minute: sends appointment events a commit could not send at once (see <see cref="AppointmentEventPublisher"/>).</summary>
public sealed class OutboxFunction(AppointmentEventPublisher publisher, ILogger<OutboxFunction> logger)
{
    [Function("PublishAppointmentEvents")]
    public async Task Run([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var sent = await publisher.FlushAsync(cancellationToken);
        if (sent > 0) logger.LogInformation("Sent {Count} appointment events left in the outbox", sent);
    }
}

/// <summary>Every five minutes: appointments that waited for a confirmation (after repeated no-shows) past their deadline lapse and free their seats.</summary>
public sealed class LapseFunction(BookingService booking, IOptions<SchedulerOptions> options, ILogger<LapseFunction> logger)
{
    [Function("LapseUnconfirmedAppointments")]
    public async Task Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var lapsed = await booking.LapseUnconfirmedAsync(options.Value.CentreId, new SystemCaller("lapse-timer"), cancellationToken);
        if (lapsed > 0) logger.LogInformation("{Count} unconfirmed appointments lapsed", lapsed);
    }
}
