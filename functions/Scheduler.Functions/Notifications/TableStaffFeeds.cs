using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Notifications;

namespace Scheduler.Functions.Notifications;

/// <summary>
/// Table <c>stafffeeds</c>: per centre, each staff member's feed (<c>staff|{id}</c>) and the token that opens it
/// (partition <c>token</c>, row the token). Revoking marks both; renewing revokes the old token and issues another.
/// </summary>
public sealed class TableStaffFeeds(StorageClients storage, IClock clock) : IStaffFeeds
{
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.StaffFeedsTable);

    public async Task<StaffFeed> GetOrCreateAsync(string centreId, string staffId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(centreId, $"staff|{staffId}", cancellationToken: cancellationToken);
        if (found.HasValue && found.Value!.GetBoolean("Revoked") != true) return Read(found.Value);
        return await IssueAsync(centreId, staffId, cancellationToken);
    }

    public async Task<StaffFeed> RenewAsync(string centreId, string staffId, CancellationToken cancellationToken)
    {
        await RevokeAsync(centreId, staffId, cancellationToken);
        return await IssueAsync(centreId, staffId, cancellationToken);
    }

    public async Task<bool> RevokeAsync(string centreId, string staffId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(centreId, $"staff|{staffId}", cancellationToken: cancellationToken);
        if (!found.HasValue) return false;
        var token = found.Value!.GetString("Token");
        await _table.UpsertEntityAsync(new TableEntity("token", token) { ["Revoked"] = true }, TableUpdateMode.Merge, cancellationToken);
        await _table.UpsertEntityAsync(new TableEntity(centreId, $"staff|{staffId}") { ["Revoked"] = true }, TableUpdateMode.Merge, cancellationToken);
        return true;
    }

    public async Task<StaffFeed?> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64 || token.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))) return null;
        var found = await _table.GetEntityIfExistsAsync<TableEntity>("token", token, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.GetBoolean("Revoked") == true) return null;
        return new StaffFeed(found.Value.GetString("CentreId"), found.Value.GetString("StaffId"), token, false, Instant.FromUnixTimeTicks(found.Value.GetInt64("IssuedAt") ?? 0));
    }

    private async Task<StaffFeed> IssueAsync(string centreId, string staffId, CancellationToken cancellationToken)
    {
        var token = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        var now = clock.GetCurrentInstant();
        await _table.UpsertEntityAsync(new TableEntity("token", token) { ["CentreId"] = centreId, ["StaffId"] = staffId, ["IssuedAt"] = now.ToUnixTimeTicks(), ["Revoked"] = false },
            TableUpdateMode.Replace, cancellationToken);
        await _table.UpsertEntityAsync(new TableEntity(centreId, $"staff|{staffId}") { ["Token"] = token, ["IssuedAt"] = now.ToUnixTimeTicks(), ["Revoked"] = false },
            TableUpdateMode.Replace, cancellationToken);
        return new StaffFeed(centreId, staffId, token, false, now);
    }

    private static StaffFeed Read(TableEntity e) =>
        new(e.PartitionKey, e.RowKey["staff|".Length..], e.GetString("Token"), e.GetBoolean("Revoked") == true, Instant.FromUnixTimeTicks(e.GetInt64("IssuedAt") ?? 0));
}
