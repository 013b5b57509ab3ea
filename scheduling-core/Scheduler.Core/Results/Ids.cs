using System.Security.Cryptography;

namespace Scheduler.Core.Results;

/// <summary>The one place random identifiers are made: lower-case hex from a cryptographic source.</summary>
public static class Ids
{
    /// <summary><paramref name="bytes"/> random bytes as lower-case hex, after <paramref name="prefix"/> when given.</summary>
    public static string New(string prefix = "", int bytes = 8) =>
        prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();
}
