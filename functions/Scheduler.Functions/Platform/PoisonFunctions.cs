using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Scheduler.Core.Operations;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Messages the host gave up on: each <c>&lt;queue&gt;-poison</c> queue is read and every message recorded with the
/// last reason its function failed, for the dispatchers' list and for health. Recording never fails a message again.
/// </summary>
public sealed class PoisonFunctions(PoisonWatch watch, ILogger<PoisonFunctions> logger)
{
    [Function("PoisonedAppointmentEvent")]
    public Task AppointmentEvent([QueueTrigger(StorageNames.AppointmentEventsQueue + "-poison", Connection = StorageClients.ConnectionName)] string message,
        CancellationToken cancellationToken) => RecordAsync(StorageNames.AppointmentEventsQueue, message, cancellationToken);

    [Function("PoisonedHomeVisitRequest")]
    public Task HomeVisitRequest([QueueTrigger(StorageNames.HomeVisitRequestsQueue + "-poison", Connection = StorageClients.ConnectionName)] string message,
        CancellationToken cancellationToken) => RecordAsync(StorageNames.HomeVisitRequestsQueue, message, cancellationToken);

    [Function("PoisonedPlanRequest")]
    public Task PlanRequest([QueueTrigger(StorageNames.PlanRequestsQueue + "-poison", Connection = StorageClients.ConnectionName)] string message,
        CancellationToken cancellationToken) => RecordAsync(StorageNames.PlanRequestsQueue, message, cancellationToken);

    [Function("PoisonedSmsSend")]
    public Task SmsSend([QueueTrigger(StorageNames.SmsSendQueue + "-poison", Connection = StorageClients.ConnectionName)] string message,
        CancellationToken cancellationToken) => RecordAsync(StorageNames.SmsSendQueue, message, cancellationToken);

    [RequireRole(Roles.Dispatcher)]
    [Function("ListPoisonedMessages")]
    [ApiOperation("Queue messages the app gave up on in the last day: queue, when, why, and their type and ids (never their content).", Tag = "dispatch", Access = "dispatchers")]
    [ApiResponse(200, "Newest first.", Type = typeof(IReadOnlyList<PoisonedMessage>))]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dispatch/poisoned")] HttpRequest request, CancellationToken cancellationToken)
    {
        return new OkObjectResult(await watch.RecentAsync(cancellationToken));
    }

    private async Task RecordAsync(string queue, string message, CancellationToken cancellationToken)
    {
        try
        {
            var poisoned = await watch.PoisonedAsync(queue, message, cancellationToken);
            logger.LogError("A message of {Queue} was given up on ({Summary}): {Reason}", queue, poisoned.Summary, poisoned.Reason);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The message stays unrecorded rather than poisoning the poison queue; the log says so.
            logger.LogError("A message of {Queue} was given up on and could not be recorded: {Error}", queue, e.Message);
        }
    }
}
