using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

/// <summary>Small helpers for booking tests: unique mobiles, requests, and what the appointments table holds.</summary>
internal static class BookingClient
{
    private static int _next = Random.Shared.Next(100000, 900000);

    /// <summary>A valid Chinese mobile number no other test uses.</summary>
    public static string NewMobile() => "139" + Interlocked.Increment(ref _next).ToString("D8");

    public static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body, Platform.Json.Options), Encoding.UTF8, "application/json");

    public static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    public static object Booking(string date, string start, string? mobile = null, string item = "pension-certification", string name = "李芳",
        string? priority = null, string? bundle = null) =>
        new { itemId = bundle is null ? item : null, bundleId = bundle, date, start, name, mobile = mobile ?? NewMobile(), priority };

    /// <summary>
    /// Posts <paramref name="content"/>. A booking, an extended-hours request or a home-visit request (taken only from a
    /// verified mobile) that brings neither a code nor a proof is sent as from a device that verified its mobile beforehand,
    /// through the real endpoints: a code asked for, read from the local SMS inbox and checked for a proof.
    /// </summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, HttpContent content, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (path.Split('?')[0] is "/api/appointments" or "/api/extended-hours-requests" or "/api/home-visits" && await MobileOfAsync(content) is { } mobile
            && await ProofAsync(client, mobile) is { } proof)
            request.Headers.Add("X-Mobile-Proof", proof);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The mobile of a JSON body that brings no verification code, as E.164, when it looks like a Chinese mobile.</summary>
    private static async Task<string?> MobileOfAsync(HttpContent content)
    {
        try
        {
            var body = JsonDocument.Parse(await content.ReadAsStringAsync()).RootElement;
            if (body.ValueKind != JsonValueKind.Object || body.TryGetProperty("verificationCode", out _)) return null;
            var mobile = body.TryGetProperty("mobile", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
            return mobile.Length == 11 && mobile.All(char.IsAsciiDigit) && mobile[0] == '1' ? "+86" + mobile : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string?>>> Proofs = new();

    /// <summary>
    /// A device proof for <paramref name="e164"/>, earned through the real endpoints once per mobile (every mobile is
    /// used by one test; hosts sharing storage and signing key accept each other's proofs, as instances in Azure do).
    /// </summary>
    public static Task<string?> ProofAsync(HttpClient client, string e164) =>
        Proofs.GetOrAdd(e164, _ => new Lazy<Task<string?>>(() => EarnProofAsync(client, e164))).Value;

    /// <summary>
    /// A device proof for <paramref name="e164"/> earned now, not cached: the code asked for and checked from
    /// <paramref name="address"/> (as <c>X-Forwarded-For</c>) when given, so a test's codes count against an address of its own.
    /// </summary>
    public static async Task<string?> EarnProofAsync(HttpClient client, string e164, string? address = null)
    {
        var code = await SendCodeAsync(client, e164, address);
        if (code is null) return null;
        using var checkedCode = await client.SendAsync(From(address, HttpMethod.Post, "/api/phone-verifications/check", Json(new { mobile = e164, code })));
        return checkedCode.IsSuccessStatusCode ? (await checkedCode.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("proof").GetString() : null;
    }

    /// <summary>
    /// Asks for a code for <paramref name="e164"/> (from <paramref name="address"/> when given) and reads it from the
    /// local SMS inbox; null when none was sent.
    /// </summary>
    public static async Task<string?> SendCodeAsync(HttpClient client, string e164, string? address = null)
    {
        using var sent = await client.SendAsync(From(address, HttpMethod.Post, "/api/phone-verifications", Json(new { mobile = e164 })));
        if (sent.StatusCode != HttpStatusCode.Accepted) return null;
        var inbox = await client.GetFromJsonAsync<JsonElement>($"/api/local/sms?to={Uri.EscapeDataString(e164)}");
        var text = inbox.EnumerateArray().First(m => m.GetProperty("kind").GetString() == "verification-code").GetProperty("text").GetString()!;
        return System.Text.RegularExpressions.Regex.Match(text, "[0-9]{6}").Value;
    }

    private static HttpRequestMessage From(string? address, HttpMethod method, string path, HttpContent content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (address is not null) request.Headers.Add("X-Forwarded-For", address);
        return request;
    }

    /// <summary>Seats the counter row of a slot says are taken, and appointments holding that slot's start.</summary>
    public static (int Counted, int Appointments) Slot(string connectionString, string category, string date, string start)
    {
        var table = new TableClient(connectionString, StorageNames.AppointmentsTable);
        const string pk = "huli";
        var counter = table.GetEntityIfExists<TableEntity>(pk, $"slot|{category}|{date.Replace("-", "")}|{start.Replace(":", "")}");
        var counted = counter.HasValue ? (counter.Value!.GetInt32("General") ?? 0) + (counter.Value.GetInt32("Green") ?? 0) : 0;
        var holding = table.Query<TableEntity>(e => e.PartitionKey == pk && e.GetString("Date") == date && e.GetString("Category") == category)
            .Select(e => JsonDocument.Parse(e.GetString("Json")).RootElement)
            .Count(a => a.GetProperty("start").GetString()!.StartsWith(start) &&
                        a.GetProperty("status").GetString() is "Booked" or "AwaitingConfirmation" or "CheckedIn");
        return (counted, holding);
    }

    /// <summary>Rows of the appointments and audit tables, in any partition, with any text column that contains one of <paramref name="needles"/>.</summary>
    public static int RowsMentioning(string connectionString, params string[] needles) =>
        new[] { StorageNames.AppointmentsTable, StorageNames.AuditTable }.Sum(name => new TableClient(connectionString, name).Query<TableEntity>()
            .Count(e => e.Select(p => p.Value).OfType<string>().Any(v => needles.Any(n => v.Contains(n, StringComparison.Ordinal)))));
}
