using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Residents;
using Scheduler.Core.Staffing;

namespace Scheduler.Functions.Catalogue;

/// <summary>
/// A centre's profile in table <c>catalogue</c>: one partition per centre, one row per thing
/// (<c>item|pension-certification</c>, <c>staff|s01</c>, ...), its value as JSON. Written in entity-group
/// transactions of at most 100 rows, each row an upsert, so a write can be repeated safely.
/// </summary>
public sealed class CatalogueStore
{
    private const string Marker = "loaded";

    /// <summary>The partition listing the deployment's centres, one row per centre (not a centre id: those have no underscore).</summary>
    public const string CityPartition = "_city";
    private readonly TableClient _table;

    public CatalogueStore(StorageClients storage) => _table = storage.Tables.GetTableClient(StorageNames.CatalogueTable);

    public async Task SaveAsync(CentreProfile profile, CancellationToken cancellationToken)
    {
        var pk = profile.Centre.Id;
        var rows = new List<TableEntity> { Row(pk, "centre", profile.Centre), Row(pk, "lunch", profile.Lunch), Row(pk, "booking", profile.Booking) };
        rows.AddRange(profile.Categories.Select(x => Row(pk, $"category|{x.Id}", x)));
        rows.AddRange(profile.Skills.Select(x => Row(pk, $"skill|{x.Id}", x)));
        rows.AddRange(profile.Items.Select(x => Row(pk, $"item|{x.Id}", x)));
        rows.AddRange(profile.Bundles.Select(x => Row(pk, $"bundle|{x.Id}", x)));
        rows.AddRange(profile.Opening.Select((x, i) => Row(pk, $"opening|{i:D3}", x)));
        rows.AddRange(profile.ExtendedSessions.Select(x => Row(pk, $"extended|{x.Id}", x)));
        rows.AddRange(profile.CalendarDays.Select(x => Row(pk, $"day|{x.Date:yyyy-MM-dd}", x)));
        rows.AddRange(profile.Staff.Select(x => Row(pk, $"staff|{x.Id}", x)));
        rows.AddRange(profile.Residents.Select(x => Row(pk, $"resident|{x.Id}", x)));
        foreach (var chunk in rows.Chunk(100))
            await _table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
        // Listed for the timers that run per centre; a merge, so an operator's Enabled=false stays.
        await _table.UpsertEntityAsync(new TableEntity(CityPartition, pk) { ["Listed"] = true }, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>The centres saved here and not disabled (column <c>Enabled</c> false): one range read of <see cref="CityPartition"/>.</summary>
    public async Task<IReadOnlyList<string>> ListCentresAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Partition(CityPartition), select: ["RowKey", "Enabled"], cancellationToken: cancellationToken))
            if (e.GetBoolean("Enabled") != false) ids.Add(e.RowKey);
        return ids;
    }

    /// <summary>Adds one extended session to the centre's profile; one already there under that id stays as it is.</summary>
    public async Task AddExtendedSessionAsync(string centreId, ExtendedSession session, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(Row(centreId, $"extended|{session.Id}", session), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
    }

    /// <summary>The centre's profile, or null when it has never been saved.</summary>
    public async Task<CentreProfile?> LoadAsync(string centreId, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        await foreach (var e in _table.QueryAsync<TableEntity>(KeyFilter.Partition(centreId), select: ["RowKey", JsonRow.JsonColumn, JsonRow.SchemaColumn], cancellationToken: cancellationToken))
        {
            var kind = e.RowKey.Split('|')[0];
            if (!rows.TryGetValue(kind, out var list)) rows[kind] = list = [];
            if (e.GetString(JsonRow.JsonColumn) is not null) list.Add(e);
        }
        if (!rows.TryGetValue("centre", out var centre) || centre.Count == 0) return null;

        List<T> All<T>(string kind) => rows.TryGetValue(kind, out var l) ? l.Select(e => JsonRow.Read(e, Schema<T>(kind))).ToList() : [];
        return new CentreProfile(
            JsonRow.Read(centre[0], Schema<Centre>("centre")),
            All<WindowCategory>("category"), All<Skill>("skill"), All<ServiceItem>("item"), All<Bundle>("bundle"),
            All<WeeklyOpening>("opening"), All<LunchPeriod>("lunch").Single(), All<ExtendedSession>("extended"),
            All<CalendarDay>("day"), All<StaffMember>("staff"), All<Resident>("resident"),
            All<BookingRules>("booking").SingleOrDefault() ?? BookingRules.Default);
    }

    /// <summary>Whether a complete load of the named dataset has been recorded for the centre.</summary>
    public async Task<bool> IsLoadedAsync(string centreId, string dataset, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(centreId, $"{Marker}|{dataset}", cancellationToken: cancellationToken);
        return found.HasValue;
    }

    /// <summary>Records that the dataset is fully loaded; false when another process recorded it first.</summary>
    public async Task<bool> MarkLoadedAsync(string centreId, string dataset, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity(centreId, $"{Marker}|{dataset}"), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// The booking rules' row: version 2 added <c>greenDowngradesBeforeRefusal</c>; a version 1 row gets the default, 2.
    /// </summary>
    public static readonly RowSchema<BookingRules> BookingSchema = new("catalogue booking", 2, rules =>
    {
        rules["greenDowngradesBeforeRefusal"] ??= BookingRules.Default.GreenDowngradesBeforeRefusal;
        return rules;
    });

    /// <summary>Every other kind of catalogue row is at schema 1; a kind that changes gets its own schema with an upgrade step.</summary>
    private static RowSchema<T> Schema<T>(string kind) => typeof(T) == typeof(BookingRules) ? (RowSchema<T>)(object)BookingSchema : new($"catalogue {kind}", 1);

    private static TableEntity Row<T>(string pk, string rk, T value) => JsonRow.Write(new TableEntity(pk, rk), Schema<T>(rk.Split('|')[0]), value);
}
