using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Functions.HomeVisits;
using Scheduler.Functions.Platform;
using Scheduler.Testing;
using Xunit;
using static Scheduler.Functions.Tests.BookingClient;

namespace Scheduler.Functions.Tests;

/// <summary>
/// The dispatcher's list of home-visit requests is paged by the server on Azurite: each page is one bounded range
/// read of the ordered copies, the pages together hold every request once, oldest first, and bad paging input is a
/// 400 problem.
/// </summary>
public sealed class HomeVisitPagingTests(HomeVisitTests.Fixture fixture) : IClassFixture<HomeVisitTests.Fixture>
{
    private readonly TestDevHost _host = fixture.Host;
    private readonly HttpClient _dispatcher = fixture.Dispatcher;

    private static Dictionary<string, object?> Request(string mobile) => new()
    {
        ["name"] = "林秀兰", ["mobile"] = mobile, ["reason"] = "Aged60Plus", ["location"] = new { latitude = 24.52, longitude = 118.12 },
        ["address"] = "福建省厦门市湖里区县后社区12号301室", ["itemId"] = "pension-certification",
        ["windows"] = new[] { new { date = "2026-12-09", from = "09:00", to = "11:00" } },
    };

    private async Task<List<JsonElement>> AllPagesAsync(int pageSize)
    {
        var all = new List<JsonElement>();
        var next = $"/api/dispatch/home-visits?pageSize={pageSize}";
        for (var pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 500, "the pages never end");
            using var response = await _dispatcher.GetAsync(next, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).EnumerateArray().ToList();
            Assert.InRange(page.Count, 1, pageSize);
            all.AddRange(page);
            next = response.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value
                : null;
            if (next is not null) Assert.Equal(pageSize, page.Count);
        }
        return all;
    }

    private async Task<HashSet<string>> StoredIdsAsync()
    {
        var table = new TableServiceClient(fixture.ConnectionString).GetTableClient(StorageNames.HomeVisitsTable);
        var ids = new HashSet<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == "huli" && e.RowKey.CompareTo("req|") > 0 && e.RowKey.CompareTo("req|~") < 0,
                           select: ["RowKey"], cancellationToken: TestContext.Current.CancellationToken))
            ids.Add(e.RowKey[4..]);
        return ids;
    }

    [Fact]
    public async Task The_pages_hold_every_request_once_oldest_first_and_a_new_one_lands_on_the_last_page()
    {
        var mine = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var (status, receipt) = await PostAsync(_host.Client, "/api/home-visits", Json(Request(NewMobile())));
            Assert.Equal(HttpStatusCode.Accepted, status);
            mine.Add(receipt.GetProperty("id").GetString()!);
        }

        var before = await StoredIdsAsync();
        var all = await AllPagesAsync(3);
        var after = await StoredIdsAsync();

        var ids = all.Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Subset(ids.ToHashSet(), mine.ToHashSet());
        var created = all.Select(r => DateTimeOffset.Parse(r.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(created.Order(), created);
        // Exactly the stored requests (other classes may add some meanwhile): every one stored before the walk, none not stored after it.
        Assert.Subset(ids.ToHashSet(), before);
        Assert.Subset(after, ids.ToHashSet());

        // A decision changes the request on its page too.
        var decided = await _dispatcher.PostAsync($"/api/dispatch/home-visits/{mine[0]}/decision", Json(new { decision = "Approve" }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var again = await AllPagesAsync(200);
        Assert.Equal("Approved", again.Single(r => r.GetProperty("id").GetString() == mine[0]).GetProperty("status").GetString());
        Assert.Equal(ids.Count, again.Count(r => ids.Contains(r.GetProperty("id").GetString()!)));
    }

    [Theory]
    [InlineData("pageSize=0", "invalid-page-size", "pageSize")]
    [InlineData("pageSize=201", "invalid-page-size", "pageSize")]
    [InlineData("pageSize=-1", "invalid-page-size", "pageSize")]
    [InlineData("pageSize=ten", "invalid-page-size", "pageSize")]
    [InlineData("continuationToken=not%20a%20token", "invalid-continuation", "continuationToken")]
    [InlineData("continuationToken=aGVsbG8", "invalid-continuation", "continuationToken")]
    [InlineData("continuationToken=hv-0123456789abcdef", "invalid-continuation", "continuationToken")]
    public async Task Bad_paging_input_is_a_400_problem_naming_the_parameter(string query, string code, string field)
    {
        using var response = await _dispatcher.GetAsync($"/api/dispatch/home-visits?{query}", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal(field, body.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("status=Pending", "status")]
    [InlineData("status=1", "status")]
    [InlineData("urgency=Sometime", "urgency")]
    [InlineData("urgency=2", "urgency")]
    [InlineData("date=8%20Dec", "date")]
    [InlineData("date=2026-13-01", "date")]
    public async Task A_bad_filter_is_a_400_problem_naming_it(string query, string field)
    {
        using var response = await _dispatcher.GetAsync($"/api/dispatch/home-visits?{query}", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, body.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Requests_stored_before_the_ordered_copies_get_theirs_once_and_then_appear()
    {
        var (status, receipt) = await PostAsync(_host.Client, "/api/home-visits", Json(Request(NewMobile())));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = receipt.GetProperty("id").GetString()!;
        var table = new TableServiceClient(fixture.ConnectionString).GetTableClient(StorageNames.HomeVisitsTable);
        await foreach (var copy in table.QueryAsync<TableEntity>(e => e.PartitionKey == "huli" && e.RowKey.CompareTo("at|") > 0 && e.RowKey.CompareTo("at|~") < 0,
                           cancellationToken: TestContext.Current.CancellationToken))
            if (copy.RowKey.EndsWith("|" + id, StringComparison.Ordinal))
                await table.DeleteEntityAsync(copy, cancellationToken: TestContext.Current.CancellationToken); // as stored before this change
        Assert.DoesNotContain(await AllPagesAsync(200), r => r.GetProperty("id").GetString() == id);

        var store = _host.Services.GetRequiredService<TableHomeVisitStore>();
        Assert.True(await store.OrderExistingAsync("huli", TestContext.Current.CancellationToken) >= 1);
        Assert.Equal(0, await store.OrderExistingAsync("huli", TestContext.Current.CancellationToken));

        Assert.Single(await AllPagesAsync(200), r => r.GetProperty("id").GetString() == id);
    }
}
