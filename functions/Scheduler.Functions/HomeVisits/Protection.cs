using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Scheduler.Core.HomeVisits.Requests;

namespace Scheduler.Functions.HomeVisits;

/// <summary>
/// Resident IDs are stored encrypted with AES-GCM under a key derived from the signing key (Key Vault in Azure):
/// <c>v1.base64(nonce|ciphertext|tag)</c>. Nothing in the app decrypts them; staff verify the card at the visit.
/// </summary>
public sealed class AesGcmIdProtector(IOptions<SchedulerOptions> options) : IIdProtector
{
    // Derived on first use, so that an unresolved signing key fails the request that needs it, not the app's start.
    private readonly Lazy<byte[]> _key = new(() => options.Value.DerivedKey("resident-ids"), LazyThreadSafetyMode.PublicationOnly);

    public string Protect(string idNumber)
    {
        var plain = Encoding.UTF8.GetBytes(idNumber);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var cipher = new byte[plain.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(_key.Value, tag.Length);
        aes.Encrypt(nonce, plain, cipher, tag);
        return "v1." + Convert.ToBase64String([.. nonce, .. cipher, .. tag]);
    }
}
