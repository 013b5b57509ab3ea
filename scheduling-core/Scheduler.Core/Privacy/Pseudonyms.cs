using System.Security.Cryptography;
using System.Text;

namespace Scheduler.Core.Privacy;

/// <summary>
/// Keyed hashes that stand for a person in storage keys, so tables never hold a mobile number or a name as a key.
/// The key is the deployment's own (derived from its signing key): the same number gives the same pseudonym here only.
/// </summary>
public sealed class Pseudonyms(byte[] key)
{
    /// <summary>The key of a mobile number's ledger.</summary>
    public string Mobile(string e164) => Of("mobile|" + e164)[..32];

    /// <summary>A resident ID number, for counting requests made for one resident.</summary>
    public string IdNumber(string idNumber) => Of("id|" + idNumber.Trim().ToUpperInvariant())[..32];

    /// <summary>A client address, for counting its requests.</summary>
    public string Address(string address) => Of("address|" + address)[..32];

    /// <summary>One resident: a mobile number and the name booked under it (family members share a number).</summary>
    public string Resident(string e164, string name) => Of("resident|" + e164 + "|" + name.ToLowerInvariant())[..32];

    /// <summary>A stable id for a request repeated with the same idempotency key from the same number.</summary>
    public string Request(string centreId, string e164, string idempotencyKey) => Of("idem|" + centreId + "|" + e164 + "|" + idempotencyKey)[..20];

    /// <summary>A keyed fingerprint of a request's content, to tell a repeated request from another one under the same key.</summary>
    public string Fingerprint(string content) => Of("request|" + content)[..32];

    private string Of(string text) => Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
}
