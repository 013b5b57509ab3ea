using System.Net;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Scheduler.Functions.HomeVisits;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// A data key rotation followed by the re-encryption job on Azurite: old IDs move to the new key, once (ADR 0025).
/// On an Azurite of its own: the job reads every request of the centre, and other classes' requests are under
/// their hosts' keys, which this rotation does not hold.
/// </summary>
public sealed class ReencryptionTests : IAsyncLifetime
{
    private AzuriteFixture azurite = null!;

    public async ValueTask InitializeAsync() => azurite = await AzuriteFixture.StartFreshAsync();

    public async ValueTask DisposeAsync() => await azurite.DisposeAsync();

    private static readonly string KeyV1 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyV2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static Dictionary<string, object?> Request(string idNumber) => new()
    {
        ["name"] = "林秀兰", ["mobile"] = NewMobile(), ["idNumber"] = idNumber, ["reason"] = "Aged60Plus",
        ["location"] = new { latitude = 24.52, longitude = 118.12 }, ["address"] = "福建省厦门市湖里区县后社区12号301室",
        ["itemId"] = "pension-certification", ["windows"] = new[] { new { date = "2026-12-10", from = "09:00", to = "11:00" } },
    };

    private async Task<List<TableEntity>> RowsOfAsync(string id)
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.HomeVisitsTable);
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == "huli", cancellationToken: TestContext.Current.CancellationToken))
            if (e.RowKey == $"req|{id}" || (e.RowKey.StartsWith("at|", StringComparison.Ordinal) && e.RowKey.EndsWith("|" + id, StringComparison.Ordinal)))
                rows.Add(e);
        Assert.Equal(2, rows.Count); // the request and its ordered copy
        return rows;
    }

    private static string StoredId(TableEntity row) => JsonRow.Read(row, TableHomeVisitStore.Schema).ProtectedIdNumber!;

    [Fact]
    public async Task After_a_rotation_the_job_moves_old_ids_to_the_new_key_once_and_the_old_key_can_go()
    {
        const string idNumber = "350206195001011230";
        string id;
        await using (var before = await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s => s["DataKeys__Keys__v1"] = KeyV1))
        {
            var (status, receipt) = await PostAsync(before.Client, "/api/home-visits", Json(Request(idNumber)));
            Assert.Equal(HttpStatusCode.Accepted, status);
            id = receipt.GetProperty("id").GetString()!;
        }
        Assert.All(await RowsOfAsync(id), r => Assert.StartsWith("v1:", StoredId(r)));

        // The rotation: v2 is current, v1 stays listed until the job has run.
        await using var after = await SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s =>
        {
            s["DataKeys__Current"] = "v2";
            s["DataKeys__Keys__v1"] = KeyV1;
            s["DataKeys__Keys__v2"] = KeyV2;
        });
        using var master = after.KeyedClient(after.Keys.MasterKey);
        using var run = await master.PostAsync("/admin/functions/ReencryptResidentIds", null, TestContext.Current.CancellationToken);
        Assert.True(run.IsSuccessStatusCode, $"the job answered {(int)run.StatusCode}");

        var moved = await RowsOfAsync(id);
        var v2Only = new AesGcmIdProtector(new DataKeyRing(Keys("v2", ("v2", KeyV2)), null));
        Assert.All(moved, r =>
        {
            Assert.StartsWith("v2:", StoredId(r));
            Assert.Equal(idNumber, v2Only.Unprotect(StoredId(r))); // readable with v1 gone from the ring
        });

        // A second run rewrites nothing: the rows keep their ETags.
        using var again = await master.PostAsync("/admin/functions/ReencryptResidentIds", null, TestContext.Current.CancellationToken);
        Assert.True(again.IsSuccessStatusCode);
        Assert.Equal(moved.Select(r => r.ETag).OrderBy(e => e.ToString()), (await RowsOfAsync(id)).Select(r => r.ETag).OrderBy(e => e.ToString()));
    }

    private static DataKeyOptions Keys(string current, params (string Version, string Key)[] keys)
    {
        var options = new DataKeyOptions { Current = current };
        foreach (var (version, key) in keys) options.Keys[version] = key;
        return options;
    }
}
