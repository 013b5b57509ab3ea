using System.Security.Cryptography;
using System.Text;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.HomeVisits;

/// <summary>
/// Resident IDs are stored encrypted with AES-GCM under the current data key (<see cref="DataKeyOptions"/>):
/// <c>{version}:base64(nonce|ciphertext|tag)</c>, the version bound to the ciphertext as associated data. Values
/// written before data keys existed (<c>v1.base64(...)</c>, key derived from the signing key) read as version v0.
/// Nothing in the app decrypts them (staff verify the card at the visit); <see cref="Unprotect"/> serves re-encryption
/// and the rotation tests, and is deliberately not on the Core port.
/// </summary>
public sealed class AesGcmIdProtector(DataKeyRing keys) : IIdProtector, IIdReencryption
{
    public bool IsCurrent(string stored) => VersionOf(stored) == keys.Current;

    public string? Reencrypt(string stored)
    {
        try
        {
            return Protect(Unprotect(stored));
        }
        catch (Exception e) when (e is UnknownDataKeyException or CryptographicException or FormatException)
        {
            return null;
        }
    }

    private const string LegacyPrefix = "v1.";

    public string Protect(string idNumber)
    {
        var version = keys.Current;
        var plain = Encoding.UTF8.GetBytes(idNumber);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var cipher = new byte[plain.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(keys.Key(version), tag.Length);
        aes.Encrypt(nonce, plain, cipher, tag, AssociatedData(version));
        return version + ":" + Convert.ToBase64String([.. nonce, .. cipher, .. tag]);
    }

    /// <summary>The key version a stored value is encrypted under.</summary>
    public static string VersionOf(string stored)
    {
        var colon = stored.IndexOf(':');
        if (colon > 0) return stored[..colon];
        if (stored.StartsWith(LegacyPrefix, StringComparison.Ordinal)) return DataKeyOptions.LegacyVersion;
        throw new FormatException("Not a protected resident ID.");
    }

    /// <summary>The resident ID back, under the key version the stored value names.</summary>
    public string Unprotect(string stored)
    {
        var version = VersionOf(stored);
        var legacy = version == DataKeyOptions.LegacyVersion;
        var bytes = Convert.FromBase64String(legacy ? stored[LegacyPrefix.Length..] : stored[(version.Length + 1)..]);
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        if (bytes.Length < nonceSize + tagSize) throw new FormatException("Not a protected resident ID.");
        var plain = new byte[bytes.Length - nonceSize - tagSize];
        using var aes = new AesGcm(keys.Key(version), tagSize);
        aes.Decrypt(bytes.AsSpan(0, nonceSize), bytes.AsSpan(nonceSize, plain.Length), bytes.AsSpan(nonceSize + plain.Length), plain,
            legacy ? null : AssociatedData(version));
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] AssociatedData(string version) => Encoding.UTF8.GetBytes("scheduler:resident-id:" + version);
}
