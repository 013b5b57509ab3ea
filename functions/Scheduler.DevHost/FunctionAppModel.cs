using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;

namespace Scheduler.DevHost;

public abstract record FunctionEntry(string Name, MethodInfo Method);

public sealed record HttpFunctionEntry(string Name, MethodInfo Method, string Route, IReadOnlyList<string> Methods, AuthLevel AuthLevel, string TriggerParameter)
    : FunctionEntry(Name, Method);

public sealed record QueueFunctionEntry(string Name, MethodInfo Method, string QueueName, string Connection, string TriggerParameter)
    : FunctionEntry(Name, Method);

public sealed record TimerFunctionEntry(string Name, MethodInfo Method, string Schedule, bool RunOnStartup, string TriggerParameter)
    : FunctionEntry(Name, Method);

public enum AuthLevel { Anonymous, Function, Admin }

/// <summary>
/// The functions of a worker as its generated <c>GeneratedFunctionMetadataProvider</c> describes them: the one
/// source of routes, queues and schedules. A binding the dev host cannot honour stops it at start with its name.
/// </summary>
public sealed class FunctionAppModel
{
    private FunctionAppModel(IReadOnlyList<FunctionEntry> functions) => Functions = functions;

    public IReadOnlyList<FunctionEntry> Functions { get; }
    public IEnumerable<HttpFunctionEntry> Http => Functions.OfType<HttpFunctionEntry>();
    public IEnumerable<QueueFunctionEntry> Queues => Functions.OfType<QueueFunctionEntry>();
    public IEnumerable<TimerFunctionEntry> Timers => Functions.OfType<TimerFunctionEntry>();

    public static async Task<FunctionAppModel> LoadAsync(IFunctionMetadataProvider provider, Assembly assembly)
    {
        var functions = new List<FunctionEntry>();
        foreach (var metadata in await provider.GetFunctionMetadataAsync(AppContext.BaseDirectory))
        {
            var method = ResolveMethod(metadata.EntryPoint!, assembly);
            FunctionEntry? entry = null;
            foreach (var raw in metadata.RawBindings ?? [])
            {
                using var doc = JsonDocument.Parse(raw);
                var b = doc.RootElement;
                var type = b.GetProperty("type").GetString();
                var direction = b.TryGetProperty("direction", out var d) ? d.GetString() : "In";
                var parameter = b.GetProperty("name").GetString()!;
                switch (type?.ToLowerInvariant())
                {
                    case "httptrigger":
                        entry = new HttpFunctionEntry(metadata.Name!, method,
                            b.TryGetProperty("route", out var r) && r.GetString() is { } route ? route : metadata.Name!,
                            b.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
                                ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList()
                                : ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
                            Enum.Parse<AuthLevel>(b.TryGetProperty("authLevel", out var a) ? a.GetString()! : "Function", ignoreCase: true),
                            parameter);
                        break;
                    case "queuetrigger":
                        entry = new QueueFunctionEntry(metadata.Name!, method, b.GetProperty("queueName").GetString()!,
                            b.TryGetProperty("connection", out var c) ? c.GetString() ?? "AzureWebJobsStorage" : "AzureWebJobsStorage", parameter);
                        break;
                    case "timertrigger":
                        entry = new TimerFunctionEntry(metadata.Name!, method, b.GetProperty("schedule").GetString()!,
                            b.TryGetProperty("runOnStartup", out var s) && s.ValueKind == JsonValueKind.True, parameter);
                        break;
                    case "http" when direction == "Out":
                        break;
                    default:
                        throw new DevHostSetupException(
                            $"Function '{metadata.Name}' uses a '{type}' {direction?.ToLowerInvariant()} binding, which the dev host does not run. " +
                            "Use the storage clients from dependency injection instead of output bindings.");
                }
            }
            functions.Add(entry ?? throw new DevHostSetupException($"Function '{metadata.Name}' has no trigger the dev host knows."));
        }
        return new FunctionAppModel(functions);
    }

    private static MethodInfo ResolveMethod(string entryPoint, Assembly assembly)
    {
        var dot = entryPoint.LastIndexOf('.');
        var type = assembly.GetType(entryPoint[..dot]) ?? throw new DevHostSetupException($"Type of entry point {entryPoint} not found.");
        return type.GetMethod(entryPoint[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            ?? throw new DevHostSetupException($"Method of entry point {entryPoint} not found.");
    }
}
