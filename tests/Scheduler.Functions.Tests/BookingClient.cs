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

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, HttpContent content, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
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
