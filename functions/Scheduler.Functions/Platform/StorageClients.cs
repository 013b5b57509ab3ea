using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Builds the Table and Queue clients for the <c>SchedulerStorage</c> connection the way the Functions host reads
/// a connection: a connection string locally, or <c>__tableServiceUri</c>/<c>__queueServiceUri</c> (or
/// <c>__accountName</c>) with <c>__credential=managedidentity</c> and <c>__clientId</c> in Azure.
/// </summary>
public sealed class StorageClients
{
    public const string ConnectionName = "SchedulerStorage";

    public StorageClients(TableServiceClient tables, QueueServiceClient queues, StorageMeter? meter = null)
    {
        Tables = tables;
        Queues = queues;
        Meter = meter ?? new StorageMeter();
    }

    public TableServiceClient Tables { get; }
    public QueueServiceClient Queues { get; }

    /// <summary>What the clients asked of storage, per partition and kind of call (counted while <see cref="StorageMeter.Recording"/>).</summary>
    public StorageMeter Meter { get; }

    public static StorageClients FromConfiguration(IConfiguration configuration, string name = ConnectionName, StorageMeter? meter = null)
    {
        meter ??= new StorageMeter();
        var section = configuration.GetSection(name);
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(new StorageCountingPolicy(meter, queues: false), HttpPipelinePosition.PerRetry);
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        queueOptions.AddPolicy(new StorageCountingPolicy(meter, queues: true), HttpPipelinePosition.PerRetry);
        if (!string.IsNullOrWhiteSpace(section.Value))
            return new StorageClients(new TableServiceClient(section.Value, tableOptions), new QueueServiceClient(section.Value, queueOptions), meter);

        var account = section["accountName"];
        var tableUri = section["tableServiceUri"] ?? (account is null ? null : $"https://{account}.table.core.windows.net");
        var queueUri = section["queueServiceUri"] ?? (account is null ? null : $"https://{account}.queue.core.windows.net");
        if (tableUri is null || queueUri is null)
            throw new InvalidOperationException(
                $"Storage connection '{name}' is not configured: set '{name}' to a connection string, or '{name}__accountName' " +
                $"(or '{name}__tableServiceUri' and '{name}__queueServiceUri') with '{name}__credential'.");
        TokenCredential credential = string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(section["clientId"] ?? ""))
            : new DefaultAzureCredential();
        if (string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase) && section["clientId"] is null)
            credential = new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
        return new StorageClients(new TableServiceClient(new Uri(tableUri), credential, tableOptions), new QueueServiceClient(new Uri(queueUri), credential, queueOptions), meter);
    }
}

/// <summary>Names of every table and queue the app uses; created at start when missing.</summary>
public static class StorageNames
{
    public const string CatalogueTable = "catalogue";
    public const string AuditTable = "audit";
    public const string AppointmentsTable = "appointments";
    public const string AppointmentArchiveTable = "appointmentarchive";
    public const string AvailabilityTable = "availability";
    public const string ExtendedHoursTable = "extendedhours";
    public const string HomeVisitsTable = "homevisits";
    public const string PlansTable = "plans";
    public const string SmsTable = "sms";
    public const string PoisonTable = "poison";
    public const string RatingsTable = "ratings";
    public const string StaffFeedsTable = "stafffeeds";
    public const string VerificationsTable = "verifications";
    public const string RateLimitsTable = "ratelimits";
    public const string RostersTable = "rosters";
    public const string WindowCallsTable = "windowcalls";
    public const string VisitOutcomesTable = "visitoutcomes";
    public const string AppointmentEventsQueue = "appointment-events";
    public const string HomeVisitRequestsQueue = "home-visit-requests";
    public const string PlanRequestsQueue = "plan-requests";
    public const string SmsSendQueue = "sms-send";

    public static readonly IReadOnlyList<string> Tables =
        [CatalogueTable, AuditTable, AppointmentsTable, AppointmentArchiveTable, AvailabilityTable, ExtendedHoursTable, HomeVisitsTable, PlansTable, SmsTable, PoisonTable, RatingsTable, StaffFeedsTable, VerificationsTable, RateLimitsTable, RostersTable, WindowCallsTable, VisitOutcomesTable];

    /// <summary>Queues the app writes or reads; each has a <c>-poison</c> twin where failed messages end.</summary>
    public static readonly IReadOnlyList<string> Queues = [AppointmentEventsQueue, HomeVisitRequestsQueue, PlanRequestsQueue, SmsSendQueue];

    public static IEnumerable<string> AllQueues => Queues.SelectMany(q => new[] { q, q + "-poison" });
}
