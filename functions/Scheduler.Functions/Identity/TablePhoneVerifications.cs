using Azure;
using Azure.Data.Tables;
using Scheduler.Core.Identity;

namespace Scheduler.Functions.Identity;

/// <summary>
/// Table <c>verifications</c>: the code last sent to each mobile, as a keyed hash, under partition
/// <c>{centre}|{first two characters of the mobile's pseudonym}</c> (256 partitions, no hot one) and row key the
/// pseudonym. The number itself and the code are never stored here.
/// </summary>
public sealed class TablePhoneVerifications(StorageClients storage) : IPhoneVerificationStore
{
    public static readonly RowSchema<VerificationChallenge> Schema = new("verification challenge", 1);

    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.VerificationsTable);

    public async Task<StoredChallenge?> GetAsync(string centreId, string mobileKey, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(centreId, mobileKey), mobileKey, cancellationToken: cancellationToken);
        return found.HasValue ? new StoredChallenge(JsonRow.Read(found.Value!, Schema), found.Value!.ETag.ToString()) : null;
    }

    public async Task<bool> TryWriteAsync(string centreId, string mobileKey, VerificationChallenge challenge, string? expectedETag, CancellationToken cancellationToken)
    {
        var entity = JsonRow.Write(new TableEntity(Partition(centreId, mobileKey), mobileKey), Schema, challenge);
        try
        {
            if (expectedETag is null) await _table.AddEntityAsync(entity, cancellationToken);
            else await _table.UpdateEntityAsync(entity, new ETag(expectedETag), TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    private static string Partition(string centreId, string mobileKey) => $"{centreId}|{mobileKey[..2]}";
}
