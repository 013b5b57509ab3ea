using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Scheduler.Functions.Platform;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// What the README and docs/operations.md tell an operator to call or set exists: every endpoint written as
/// <c>VERB /api/...</c> (or a bare <c>/api/...</c> path) is an HTTP function's route and method, the dev host's
/// <c>/admin/functions/{name}</c> included, and every <c>Section__Name</c> setting is in local.settings.sample.json
/// or the app's Bicep (a host.json override, <c>AzureFunctionsJobHost__...</c>, must name a host.json setting).
/// </summary>
public sealed partial class DocumentedEndpointTests
{
    private static readonly string[] Documents = ["README.md", Path.Combine("docs", "operations.md")];

    private sealed record Route(string Method, string[] Segments);

    /// <summary>The functions' routes from their metadata, under the <c>api</c> prefix, and the dev host's own.</summary>
    private static List<Route> KnownRoutes()
    {
        var routes = typeof(ServiceRegistration).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .SelectMany(m => m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).Where(a => a is not null)
                .SelectMany(a => (a!.Methods ?? ["get", "post", "put", "patch", "delete"])
                    .Select(verb => new Route(verb.ToUpperInvariant(), Split("api/" + (a.Route ?? m.GetCustomAttribute<FunctionAttribute>()!.Name))))))
            .Where(r => !r.Segments.Any(s => s.StartsWith("{*"))) // the not-found catch-all answers everything
            .ToList();
        var devHost = File.ReadAllText(Path.Combine(Repo.Root, "functions", "Scheduler.DevHost", "DevHostApp.cs"));
        routes.AddRange(DevHostMap().Matches(devHost).Select(m => new Route(m.Groups[1].Value.ToUpperInvariant(), Split(m.Groups[2].Value))));
        Assert.Contains(routes, r => r.Method == "POST" && string.Join('/', r.Segments) == "admin/functions/{name}");
        return routes;
    }

    private static string[] Split(string path) => path.Trim('/').Split('/');

    /// <summary>One documented endpoint: the verbs it names (none for a bare path) and the paths its alternatives expand to.</summary>
    private sealed record Documented(string Where, string Text, string[] Verbs, List<string[]> Paths, bool Prefix);

    private static IEnumerable<Documented> DocumentedEndpoints()
    {
        foreach (var document in Documents)
        {
            var lines = File.ReadAllLines(Path.Combine(Repo.Root, document));
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Replace(@"\|", "|");
                string? previous = null;
                foreach (Match m in Endpoint().Matches(line))
                {
                    var verbs = m.Groups["verbs"].Success ? VerbList().Matches(m.Groups["verbs"].Value).Select(v => v.Value).ToArray() : [];
                    var raw = m.Groups["path"].Value;
                    if (raw.StartsWith("..."))
                    {
                        if (previous is null) continue; // "POST .../x" with nothing before it to resolve against
                        raw = previous.TrimEnd('/') + raw[3..];
                    }
                    else previous = raw.Split('?')[0];
                    var path = raw.Split('?')[0];
                    var prefix = false;
                    var cut = path.IndexOfAny(['*']);
                    var dots = path.IndexOf("...", StringComparison.Ordinal);
                    if (dots >= 0 && (cut < 0 || dots < cut)) cut = dots;
                    if (cut >= 0) { path = path[..cut]; prefix = true; }
                    path = path.TrimEnd('.', ',', ';', ':');
                    yield return new Documented($"{document}:{i + 1}", m.Value, verbs, Expand(path).Select(Split).ToList(), prefix);
                }
            }
        }
    }

    /// <summary><c>/a/{id}[/x|/y]</c> is /a/{id}, /a/{id}/x and /a/{id}/y; a segment <c>x|y</c> is either.</summary>
    private static IEnumerable<string> Expand(string path)
    {
        var bracket = Regex.Match(path, @"\[([^\]]*)\]");
        if (bracket.Success)
        {
            foreach (var option in new[] { "" }.Concat(bracket.Groups[1].Value.Split('|')))
                foreach (var expanded in Expand(path[..bracket.Index] + option + path[(bracket.Index + bracket.Length)..]))
                    yield return expanded;
            yield break;
        }
        IEnumerable<string> paths = [""];
        foreach (var segment in Split(path))
            paths = paths.SelectMany(p => segment.Split('|').Select(option => p + "/" + option.Trim('/'))).ToList();
        foreach (var p in paths) yield return p;
    }

    private static bool Matches(Route route, string[] path, bool prefix)
    {
        if (prefix ? route.Segments.Length < path.Length : route.Segments.Length != path.Length) return false;
        for (var i = 0; i < path.Length; i++)
        {
            var r = route.Segments[i];
            var d = path[i];
            if (prefix && i == path.Length - 1 && d.Length == 0) return true;
            if (r.StartsWith('{')) { if (d.Length == 0) return false; continue; }
            if (!string.Equals(r, d, StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    [Fact]
    public void Every_documented_endpoint_is_a_route_and_method_of_the_functions_or_the_dev_host()
    {
        var routes = KnownRoutes();
        var documented = DocumentedEndpoints().ToList();
        Assert.True(documented.Count(d => d.Verbs.Length > 0) >= 40, $"only {documented.Count} documented endpoints found: the extraction is broken");

        var missing = new List<string>();
        foreach (var d in documented)
        {
            foreach (var path in d.Paths)
            {
                var served = routes.Where(r => Matches(r, path, d.Prefix)).Select(r => r.Method).ToHashSet();
                if (served.Count == 0) missing.Add($"{d.Where}: {d.Text} -> /{string.Join('/', path)} is no route");
                else if (d.Verbs.Length > 0 && !d.Verbs.Any(served.Contains))
                    missing.Add($"{d.Where}: {d.Text} -> {string.Join('/', d.Verbs)} /{string.Join('/', path)} (served: {string.Join(", ", served)})");
            }
            // "GET/POST /x[/a|/b]": every verb named is served on one of the paths.
            foreach (var verb in d.Verbs.Where(v => !d.Paths.Any(p => routes.Any(r => r.Method == v && Matches(r, p, d.Prefix)))))
                missing.Add($"{d.Where}: {d.Text} -> no {verb} on any of its paths");
        }
        Assert.True(missing.Count == 0, "documented but not served:\n" + string.Join('\n', missing.Distinct()));
    }

    [Fact]
    public void Every_documented_setting_is_in_the_sample_settings_or_the_app_s_bicep()
    {
        var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "local.settings.sample.json")))
            .RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name);
        var bicep = File.ReadAllText(Path.Combine(Repo.Root, "infra", "app", "api.bicep"));
        var known = sample.Concat(Setting().Matches(bicep).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "functions", "Scheduler.Functions", "host.json"))).RootElement;

        var named = Documents.SelectMany(doc => File.ReadAllLines(Path.Combine(Repo.Root, doc))
            .SelectMany((line, i) => Setting().Matches(line).Select(m => (Where: $"{doc}:{i + 1}", Name: m.Value)))).ToList();
        Assert.True(named.Count >= 20, $"only {named.Count} settings named: the extraction is broken");

        var missing = named.Where(s => !known.Contains(s.Name) && !IsHostJsonOverride(s.Name, hostJson))
            .Select(s => $"{s.Where}: {s.Name}").Distinct().ToList();
        Assert.True(missing.Count == 0, "documented settings that exist nowhere:\n" + string.Join('\n', missing));
    }

    /// <summary><c>AzureFunctionsJobHost__a__b</c> overrides host.json's a.b, so it exists when a.b does.</summary>
    private static bool IsHostJsonOverride(string name, JsonElement hostJson)
    {
        const string prefix = "AzureFunctionsJobHost__";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var node = hostJson;
        foreach (var key in name[prefix.Length..].Split("__"))
        {
            if (node.ValueKind != JsonValueKind.Object) return false;
            var property = node.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));
            if (property.Value.ValueKind == JsonValueKind.Undefined) return false;
            node = property.Value;
        }
        return true;
    }

    // A verb list (GET, GET/POST, `POST`/`DELETE) before a path, or a bare /api/ path; the path runs to a space, backtick or bracket close.
    [GeneratedRegex(@"(?:(?<verbs>\b(?:GET|POST|PUT|DELETE|PATCH)(?:`?/`?(?:GET|POST|PUT|DELETE|PATCH))*)`?\s+(?<path>(?:/api/|/admin/|\.\.\./)[^\s`)""<>]*)|(?<![\w/.>])(?<path>/api/[^\s`)""<>]*))")]
    private static partial Regex Endpoint();

    [GeneratedRegex(@"GET|POST|PUT|DELETE|PATCH")]
    private static partial Regex VerbList();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+\b")]
    private static partial Regex Setting();

    [GeneratedRegex(@"app\.Map(Get|Post|Put|Delete|Patch)\(""([^""]+)""")]
    private static partial Regex DevHostMap();

    private static class Repo
    {
        public static string Root { get; } = Find(AppContext.BaseDirectory);

        private static string Find(string dir) =>
            File.Exists(Path.Combine(dir, "Scheduler.sln")) ? dir : Find(Directory.GetParent(dir)?.FullName ?? throw new DirectoryNotFoundException("Scheduler.sln not found above the test's folder."));
    }
}
