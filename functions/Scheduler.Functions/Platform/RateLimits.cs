using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Reflection;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Scheduler.Core.Abuse;
using Scheduler.Core.Privacy;

namespace Scheduler.Functions.Platform;

/// <summary>
/// Settings under <c>RateLimits</c> (app settings <c>RateLimits__BookingPerAddress</c>, ...): requests per client
/// address and per mobile (or resident ID) in a fixed window, for every anonymous endpoint. Zero turns a limit off.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>
    /// The header whose rightmost entry is the client's address (App Service appends the caller's address to
    /// <c>X-Forwarded-For</c>; behind Front Door use <c>X-Azure-ClientIP</c>, which Front Door overwrites). Empty: the
    /// connection's address (a client talking to the app directly, as on the dev host).
    /// </summary>
    public string ClientAddressHeader { get; set; } = "X-Forwarded-For";

    [Range(0, 100_000)] public int BookingPerAddress { get; set; } = 30;
    [Range(0, 100_000)] public int BookingPerMobile { get; set; } = 10;
    [Range(1, 10_080)] public int BookingWindowMinutes { get; set; } = 60;

    [Range(0, 100_000)] public int CodesPerAddress { get; set; } = 10;
    [Range(0, 100_000)] public int CodesPerMobile { get; set; } = 5;
    [Range(1, 10_080)] public int CodesWindowMinutes { get; set; } = 60;

    [Range(0, 100_000)] public int HomeVisitPerAddress { get; set; } = 10;
    [Range(0, 100_000)] public int HomeVisitPerMobile { get; set; } = 3;
    [Range(0, 100_000)] public int HomeVisitPerResident { get; set; } = 3;
    [Range(1, 10_080)] public int HomeVisitWindowMinutes { get; set; } = 24 * 60;

    [Range(0, 100_000)] public int ExtendedHoursPerAddress { get; set; } = 10;
    [Range(0, 100_000)] public int ExtendedHoursPerMobile { get; set; } = 3;
    [Range(1, 10_080)] public int ExtendedHoursWindowMinutes { get; set; } = 24 * 60;

    [Range(0, 100_000)] public int TokenPagesPerAddress { get; set; } = 300;
    [Range(1, 10_080)] public int TokenPagesWindowMinutes { get; set; } = 60;

    /// <summary>Anonymous reads (availability, the centre, the booking pages' GETs, ...): generous, a bound on scraping and floods only.</summary>
    [Range(0, 100_000)] public int ReadsPerAddress { get; set; } = 600;
    [Range(1, 10_080)] public int ReadsWindowMinutes { get; set; } = 60;

    public RateLimitSettings ToSettings()
    {
        var limits = new Dictionary<string, RateLimit>();
        void Add(string scope, int limit, int minutes)
        {
            if (limit > 0) limits[scope] = new RateLimit(limit, Duration.FromMinutes(minutes));
        }
        Add(RateScopes.PerAddress(RateScopes.Booking), BookingPerAddress, BookingWindowMinutes);
        Add(RateScopes.PerMobile(RateScopes.Booking), BookingPerMobile, BookingWindowMinutes);
        Add(RateScopes.PerAddress(RateScopes.Codes), CodesPerAddress, CodesWindowMinutes);
        Add(RateScopes.PerMobile(RateScopes.Codes), CodesPerMobile, CodesWindowMinutes);
        Add(RateScopes.PerAddress(RateScopes.HomeVisit), HomeVisitPerAddress, HomeVisitWindowMinutes);
        Add(RateScopes.PerMobile(RateScopes.HomeVisit), HomeVisitPerMobile, HomeVisitWindowMinutes);
        Add(RateScopes.PerResident(RateScopes.HomeVisit), HomeVisitPerResident, HomeVisitWindowMinutes);
        Add(RateScopes.PerAddress(RateScopes.ExtendedHours), ExtendedHoursPerAddress, ExtendedHoursWindowMinutes);
        Add(RateScopes.PerMobile(RateScopes.ExtendedHours), ExtendedHoursPerMobile, ExtendedHoursWindowMinutes);
        Add(RateScopes.PerAddress(RateScopes.TokenPages), TokenPagesPerAddress, TokenPagesWindowMinutes);
        Add(RateScopes.PerAddress(RateScopes.Reads), ReadsPerAddress, ReadsWindowMinutes);
        return new RateLimitSettings(limits);
    }
}

/// <summary>
/// Table <c>ratelimits</c>: one row per scope and key (a pseudonym of the address or number), partition
/// <c>{scope}|{first two characters of the key}</c>, holding the current window's start and count. Counting is an
/// add (first request) or a replace under the row's ETag, so instances racing for the last request in a window
/// cannot both get it; a row lost to a race is read again. State lives in storage, so every instance sees it.
/// </summary>
public sealed class TableRateCounter(StorageClients storage) : IRateCounter
{
    private const int Attempts = 20;
    private readonly TableClient _table = storage.Tables.GetTableClient(StorageNames.RateLimitsTable);

    public async Task<RateCount> HitAsync(string scope, string key, RateLimit limit, Instant now, CancellationToken cancellationToken)
    {
        var pk = $"{scope}|{key[..Math.Min(2, key.Length)]}";
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(pk, key, cancellationToken: cancellationToken);
            var start = found.HasValue ? Instant.FromUnixTimeTicks(found.Value!.GetInt64("WindowStart") ?? 0) : now;
            var count = found.HasValue ? found.Value!.GetInt32("Count") ?? 0 : 0;
            if (now >= start + limit.Window)
            {
                start = now;
                count = 0;
            }
            var ends = start + limit.Window;
            if (count >= limit.Limit) return new RateCount(false, count, ends);
            var entity = new TableEntity(pk, key) { ["WindowStart"] = start.ToUnixTimeTicks(), ["Count"] = count + 1 };
            try
            {
                if (found.HasValue) await _table.UpdateEntityAsync(entity, found.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                else await _table.AddEntityAsync(entity, cancellationToken);
                return new RateCount(true, count + 1, ends);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another request counted first: read again.
            }
        }
        // Lost every race: so many requests at once for one key is itself the sign to refuse.
        return new RateCount(false, limit.Limit, now + Duration.FromSeconds(1));
    }
}

/// <summary>Declares that an anonymous HTTP function is counted per client address under a <see cref="RateScopes"/> policy.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RateLimitedAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;
}

/// <summary>
/// Counts a request against its function's per-address limit before the function runs, and answers 429 with
/// <c>Retry-After</c> when the address is over it: problem+json for an API, a readable page in the reader's language
/// for a page (<see cref="Pages.TooManyPage"/>). Runs beside the role gate (worker middleware in Azure, the dev
/// host's hook locally). The address is never stored: only its pseudonym (IPv6 by its /64, which one subscriber holds).
/// The pseudonyms' key comes from the link-signing key; while that key cannot be read (an unresolved Key Vault
/// reference, which health reports), anonymous reads go uncounted rather than fail, since they need no key themselves.
/// </summary>
public sealed class RateGate(RateLimiter limiter, IServiceProvider services, Microsoft.Extensions.Options.IOptions<RateLimitOptions> options)
{
    public async Task<IActionResult?> CheckAsync(HttpContext http, MethodInfo function)
    {
        if (Declared.Attribute<RateLimitedAttribute>(function) is not { } declared) return null;
        var scope = Scheduler.Core.Abuse.RateScopes.PerAddress(declared.Policy);
        if (!limiter.Limits(scope)) return null;
        Pseudonyms pseudonyms;
        try
        {
            pseudonyms = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Pseudonyms>(services);
        }
        catch (SettingUnavailableException) when (declared.Policy == Scheduler.Core.Abuse.RateScopes.Reads)
        {
            return null;
        }
        var address = ClientAddress(http, options.Value.ClientAddressHeader);
        var refused = await limiter.CheckAsync(scope, pseudonyms.Address(address), "address", http.RequestAborted);
        if (refused is null) return null;
        // A page answers a page in the reader's language; an API answers problem+json.
        return Pages.TooManyPage.IsPage(function)
            ? await Pages.TooManyPage.RenderAsync(http, (refused.RetryAfter ?? NodaTime.Duration.FromMinutes(1)).ToTimeSpan())
            : Outcomes.Problem(refused);
    }

    /// <summary>The client's address: the rightmost entry of the configured header, else the connection's; IPv6 cut to its /64.</summary>
    public static string ClientAddress(HttpContext http, string? header)
    {
        IPAddress? address = null;
        if (!string.IsNullOrWhiteSpace(header) && http.Request.Headers.TryGetValue(header, out var values))
        {
            var last = values.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (last is not null && (IPEndPoint.TryParse(last, out var endpoint) ? endpoint.Address : null) is { } parsed) address = parsed;
        }
        address ??= http.Connection.RemoteIpAddress ?? IPAddress.None;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }
        return address.ToString();
    }
}
