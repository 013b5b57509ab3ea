using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Scheduler.Functions.HomeVisits;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>Resident IDs under versioned data keys: rotation keeps old rows readable, and the keys are checked at start (ADR 0023).</summary>
public sealed class DataKeyTests(AzuriteFixture azurite)
{
    private static readonly string KeyV1 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyV2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static DataKeyOptions Keys(string current, params (string Version, string Key)[] keys)
    {
        var options = new DataKeyOptions { Current = current };
        foreach (var (version, key) in keys) options.Keys[version] = key;
        return options;
    }

    private static SchedulerOptions SchedulerSettings(string baseUrl = "https://booking.huli.example") =>
        new() { TokenSigningKey = SchedulerHost.SigningKey, PublicBaseUrl = baseUrl };

    private static AesGcmIdProtector Protector(DataKeyOptions keys, SchedulerOptions? scheduler = null)
    {
        var s = scheduler ?? SchedulerSettings();
        return new AesGcmIdProtector(new DataKeyRing(keys, () => s.DerivedKey("resident-ids")));
    }

    private static ValidateOptionsResult Validate(DataKeyOptions keys) => new DataKeyOptionsValidator().Validate(null, keys);

    [Fact]
    public void Rotating_to_a_new_key_keeps_rows_written_under_the_old_one_readable_and_writes_under_the_new()
    {
        var before = Protector(Keys("v1", ("v1", KeyV1)));
        var oldRows = new[] { "110101199003074578", "44030519851231002X" }.Select(id => (Id: id, Stored: before.Protect(id))).ToList();
        Assert.All(oldRows, r => Assert.StartsWith("v1:", r.Stored));
        Assert.All(oldRows, r => Assert.DoesNotContain(r.Id, r.Stored));

        var after = Protector(Keys("v2", ("v1", KeyV1), ("v2", KeyV2)));
        Assert.All(oldRows, r => Assert.Equal(r.Id, after.Unprotect(r.Stored)));
        var newRow = after.Protect("310104200001011234");
        Assert.StartsWith("v2:", newRow);
        Assert.Equal("310104200001011234", after.Unprotect(newRow));

        // The new row really is under v2: a ring without v2 cannot read it, and one without v1 cannot read the old rows.
        Assert.Throws<UnknownDataKeyException>(() => before.Unprotect(newRow));
        var v2Only = Protector(Keys("v2", ("v2", KeyV2)));
        var error = Assert.Throws<UnknownDataKeyException>(() => v2Only.Unprotect(oldRows[0].Stored));
        Assert.Equal("v1", error.Version);
    }

    [Fact]
    public void A_value_naming_an_unknown_version_fails_naming_it_and_a_relabelled_one_fails_authentication()
    {
        var protector = Protector(Keys("v1", ("v1", KeyV1)));
        var stored = protector.Protect("110101199003074578");

        var unknown = Assert.Throws<UnknownDataKeyException>(() => protector.Unprotect("v9" + stored[2..]));
        Assert.Contains("'v9'", unknown.Message);
        Assert.Contains("DataKeys:Keys", unknown.Message);

        // Under the same key bytes listed as v2, the v1 ciphertext relabelled v2 is refused: the version is authenticated.
        var twoNames = Protector(Keys("v1", ("v1", KeyV1), ("v2", KeyV1)));
        Assert.ThrowsAny<CryptographicException>(() => twoNames.Unprotect("v2" + stored[2..]));
    }

    [Fact]
    public void Re_encryption_gives_nothing_for_a_value_no_key_on_the_ring_reads_and_moves_one_it_can_read()
    {
        var stored = Protector(Keys("v1", ("v1", KeyV1))).Protect("110101199003074578");
        var rotated = Protector(Keys("v2", ("v1", KeyV1), ("v2", KeyV2)));
        var v1Gone = Protector(Keys("v2", ("v2", KeyV2)));
        var otherV1 = Protector(Keys("v2", ("v1", KeyV2), ("v2", KeyV2)));

        Assert.StartsWith("v2:", rotated.Reencrypt(stored));
        Assert.Equal("110101199003074578", v1Gone.Unprotect(rotated.Reencrypt(stored)!));
        Assert.Null(v1Gone.Reencrypt(stored));           // its key version is off the ring
        Assert.Null(otherV1.Reencrypt(stored));          // v1 names another key: authentication fails
        Assert.Null(rotated.Reencrypt("not protected")); // no version at all
    }

    [Fact]
    public void Ids_stored_before_data_keys_read_as_v0_under_the_key_derived_from_the_signing_key()
    {
        var scheduler = SchedulerSettings();
        // The format written before data keys: "v1." + base64(nonce|ciphertext|tag), no associated data.
        var plain = Encoding.UTF8.GetBytes("110101199003074578");
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(scheduler.DerivedKey("resident-ids"), 16)) aes.Encrypt(nonce, plain, cipher, tag);
        var legacy = "v1." + Convert.ToBase64String([.. nonce, .. cipher, .. tag]);

        Assert.Equal("v0", AesGcmIdProtector.VersionOf(legacy));
        Assert.Equal("110101199003074578", Protector(Keys("v2", ("v1", KeyV1), ("v2", KeyV2)), scheduler).Unprotect(legacy));
        // Without the old derivation there is no v0.
        Assert.Throws<UnknownDataKeyException>(() => new AesGcmIdProtector(new DataKeyRing(Keys("v1", ("v1", KeyV1)), null)).Unprotect(legacy));
    }

    [Fact]
    public void The_keys_are_checked_at_start()
    {
        Assert.True(Validate(Keys("v1", ("v1", KeyV1))).Succeeded);
        Assert.Contains("DataKeys:Current is not set", Validate(Keys("", ("v1", KeyV1))).FailureMessage);
        Assert.Contains("DataKeys:Keys:v2 is not set", Validate(Keys("v2", ("v1", KeyV1))).FailureMessage);
        Assert.Contains("exactly 32 bytes", Validate(Keys("v1", ("v1", "c2hvcnQ="))).FailureMessage);
        Assert.Contains("v0 is the key derived", Validate(Keys("v1", ("v1", KeyV1), ("v0", KeyV2))).FailureMessage);
        // A Key Vault reference not resolved yet does not stop the app (as with the signing key); using it names it.
        var reference = "@Microsoft.KeyVault(VaultName=kv;SecretName=scheduler-data-key-v1)";
        Assert.True(Validate(Keys("v1", ("v1", reference))).Succeeded);
        var unavailable = Assert.Throws<SettingUnavailableException>(() => Protector(Keys("v1", ("v1", reference))).Protect("110101199003074578"));
        Assert.Equal("DataKeys:Keys:v1", unavailable.Setting);
    }

    [Fact]
    public async Task A_missing_current_data_key_stops_the_app_at_start_with_the_setting_named()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s => s.Remove("DataKeys__Keys__v1")));
        Assert.Contains("DataKeys:Keys:v1 is not set", error.Message);

        var noCurrent = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            SchedulerHost.StartAsync(azurite.ConnectionString, adjust: s => s.Remove("DataKeys__Current")));
        Assert.Contains("DataKeys:Current is not set", noCurrent.Message);
    }
}
