using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scheduler.DevHost;

namespace Scheduler.Testing;

/// <summary>A dev host on a free port for one test class, with an HTTP client pointed at it.</summary>
public sealed class TestDevHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestDevHost(WebApplication app, Uri baseAddress, FunctionKeys keys)
    {
        _app = app;
        BaseAddress = baseAddress;
        Keys = keys;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }
    public FunctionKeys Keys { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds and starts a dev host; <paramref name="configure"/> adjusts the options (settings, clock, metadata).</summary>
    public static async Task<TestDevHost> StartAsync(DevHostOptions options)
    {
        var app = await DevHostApp.BuildAsync(options);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestDevHost(app, new Uri(address), options.Keys);
    }

    public static FunctionKeys NewKeys() => new(FunctionKeys.NewKey(), FunctionKeys.NewKey());

    public static Action<ILoggingBuilder> QuietLogging => logging => logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole();

    /// <summary>A client that sends the function key on every request.</summary>
    public HttpClient KeyedClient(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("x-functions-key", key ?? Keys.FunctionKey);
        return client;
    }

    /// <summary>A client signed in through the local sign-in page, as a member of staff with the given roles.</summary>
    public async Task<HttpClient> SignedInClientAsync(string name, params string[] roles)
    {
        var handler = new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var form = new List<KeyValuePair<string, string>> { new("name", name) };
        // centre.{id} roles are typed as the centres served; the others are ticked.
        const string centre = Scheduler.Core.Identity.CentreScope.RolePrefix;
        form.AddRange(roles.Where(r => !r.StartsWith(centre, StringComparison.Ordinal)).Select(r => new KeyValuePair<string, string>("roles", r)));
        form.Add(new("centres", string.Join(",", roles.Where(r => r.StartsWith(centre, StringComparison.Ordinal)).Select(r => r[centre.Length..]))));
        using var response = await client.PostAsync("/.auth/login/local", new FormUrlEncodedContent(form));
        if ((int)response.StatusCode != 302) throw new InvalidOperationException($"Local sign-in answered {(int)response.StatusCode}.");
        client.DefaultRequestHeaders.Add("x-functions-key", Keys.FunctionKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
