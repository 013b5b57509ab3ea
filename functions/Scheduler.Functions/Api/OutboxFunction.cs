using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
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
