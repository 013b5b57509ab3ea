using System.Text.Json.Nodes;

namespace Scheduler.Infra.Tests;

/// <summary>A resource of the compiled ARM template, with the nested template (module) it is declared in.</summary>
public sealed record ArmResource(string Type, string Name, JsonObject Json, string Module)
{
    public JsonNode? Properties => Json["properties"];
}

/// <summary>An output of the compiled template or of one of its modules.</summary>
public sealed record ArmOutput(string Name, string Type, string Value, string Module);

/// <summary><c>infra/main.bicep</c> compiled to ARM JSON once per test run (by the shared <see cref="BicepServer"/>), with its modules flattened.</summary>
public sealed class CompiledTemplate
{
    private static readonly Lazy<Task<CompiledTemplate>> Main = new(() => CompileAsync(Repo.MainTemplate));

    public static Task<CompiledTemplate> MainAsync() => Main.Value;

    private CompiledTemplate(JsonObject root)
    {
        Root = root;
        var resources = new List<ArmResource>();
        var outputs = new List<ArmOutput>();
        var secureParameters = new List<(string Module, string Name)>();
        Walk(root, "main", resources, outputs, secureParameters);
        Resources = resources;
        Outputs = outputs;
        SecureParameters = secureParameters;
    }

    public JsonObject Root { get; }
    public IReadOnlyList<ArmResource> Resources { get; }
    public IReadOnlyList<ArmOutput> Outputs { get; }
    public IReadOnlyList<(string Module, string Name)> SecureParameters { get; }

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public static async Task<CompiledTemplate> CompileAsync(string path)
    {
        var compiled = await (await BicepServer.SharedAsync()).CompileAsync(path);
        if (!compiled.Success) throw new InvalidOperationException($"bicep build {path} failed:\n{compiled.Describe()}");
        return new CompiledTemplate(JsonNode.Parse(compiled.Contents!)!.AsObject());
    }

    private static void Walk(JsonObject template, string module, List<ArmResource> resources, List<ArmOutput> outputs,
        List<(string, string)> secureParameters)
    {
        if (template["parameters"] is JsonObject parameters)
            foreach (var (name, p) in parameters)
                if (p?["type"]?.GetValue<string>() is { } t && t.StartsWith("secure", StringComparison.OrdinalIgnoreCase))
                    secureParameters.Add((module, name));

        // Symbolic-name templates (languageVersion 2.0) hold resources in an object, classic ones in an array.
        var list = template["resources"] switch
        {
            JsonArray a => a.OfType<JsonObject>().ToList(),
            JsonObject o => o.Select(kv => kv.Value).OfType<JsonObject>().ToList(),
            _ => [],
        };
        foreach (var r in list)
        {
            var type = r["type"]?.GetValue<string>() ?? "";
            var name = r["name"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : r["name"]?.ToJsonString() ?? "";
            resources.Add(new ArmResource(type, name, r, module));
            if (type == "Microsoft.Resources/deployments" && r["properties"]?["template"] is JsonObject nested)
                Walk(nested, r["name"]?.GetValue<string>() ?? "?", resources, outputs, secureParameters);
        }

        if (template["outputs"] is JsonObject outs)
            foreach (var (name, o) in outs)
                outputs.Add(new ArmOutput(name, o?["type"]?.GetValue<string>() ?? "", o?["value"]?.ToJsonString() ?? "", module));
    }
}
