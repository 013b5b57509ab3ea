using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Roster;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Roster;

/// <summary>Window calls in table <c>windowcalls</c>: partition centre and day (<c>huli|20261201</c>), row the appointment id.</summary>
public sealed class TableWindowCalls(StorageClients storage) : IWindowCalls
{
    public static readonly RowSchema<WindowCall> Schema = new("window call", 1);
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.WindowCallsTable);

    private static string Partition(string centreId, LocalDate date) => $"{centreId}|{date:yyyyMMdd}";

    public async Task<bool> AddAsync(WindowCall call, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(JsonRow.Write(new TableEntity(Partition(call.CentreId, call.Date), call.AppointmentId)
            {
                ["CategoryId"] = call.CategoryId,
                ["CalledAt"] = call.CalledAt.ToDateTimeOffset(),
            }, Schema, call), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<WindowCall?> GetAsync(string centreId, LocalDate date, string appointmentId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, date), appointmentId, cancellationToken: cancellationToken);
        return found.HasValue ? JsonRow.Read(found.Value!, Schema) : null;
    }
}

/// <summary>Staff at the window call the next resident (叫号); beside check-in and served.</summary>
public sealed class WindowCallFunctions(CallToWindow calls, IOptions<SchedulerOptions> options)
{
    [RequireRole(Roles.Staff)]
    [Function("CallToWindow")]
    [ApiOperation("Call a checked-in resident to the window: the call's time is recorded once (calling again keeps the first).", Tag = "staff", Access = "staff")]
    [ApiResponse(200, "The call.", Type = typeof(WindowCall))]
    [ApiResponse(404, "No such appointment.")]
    [ApiResponse(409, "The resident has not checked in.")]
    public async Task<IActionResult> Call([HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/appointments/{id}/call")] HttpRequest request, string id,
        CancellationToken cancellationToken)
    {
        var caller = RoleGate.Caller(request);
        var result = await calls.CallAsync(options.Value.CentreId, id, caller!, cancellationToken);
        return result.Error is { } error ? Outcomes.Problem(error) : new OkObjectResult(result.Value);
    }
}
