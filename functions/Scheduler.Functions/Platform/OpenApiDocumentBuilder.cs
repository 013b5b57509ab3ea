using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.OpenApi;

namespace Scheduler.Functions.Platform;

/// <summary>One HTTP function as its generated metadata describes it.</summary>
public sealed record HttpFunctionInfo(string Name, string Route, IReadOnlyList<string> Methods, string AuthLevel, MethodInfo Method);

/// <summary>
/// Builds the OpenAPI 3 document from the function metadata the worker SDK generates (routes, methods,
/// authorization levels) and from the request and response types the functions declare, so the document cannot
/// drift from the code.
/// </summary>
public static class OpenApiDocumentBuilder
{
    public static IReadOnlyList<HttpFunctionInfo> HttpFunctions(IEnumerable<IFunctionMetadata> metadata, Assembly assembly)
    {
        var result = new List<HttpFunctionInfo>();
        foreach (var function in metadata)
        {
            foreach (var raw in function.RawBindings ?? [])
            {
                using var doc = JsonDocument.Parse(raw);
                var b = doc.RootElement;
                if (!string.Equals(b.GetProperty("type").GetString(), "httpTrigger", StringComparison.OrdinalIgnoreCase)) continue;
                var route = b.TryGetProperty("route", out var r) && r.GetString() is { } rs ? rs : function.Name!;
                var methods = b.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
                    ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList()
                    : ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
                var auth = b.TryGetProperty("authLevel", out var a) ? a.GetString() ?? "Function" : "Function";
                result.Add(new HttpFunctionInfo(function.Name!, route, methods, auth, ResolveEntryPoint(function.EntryPoint!, assembly)));
            }
        }
        return result;
    }

    public static MethodInfo ResolveEntryPoint(string entryPoint, Assembly assembly)
    {
        var dot = entryPoint.LastIndexOf('.');
        var type = assembly.GetType(entryPoint[..dot], throwOnError: true)!;
        return type.GetMethod(entryPoint[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            ?? throw new InvalidOperationException($"Entry point {entryPoint} not found.");
    }

    public static OpenApiDocument Build(IEnumerable<HttpFunctionInfo> functions, string version, string serverUrl)
    {
        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "Scheduler",
                Version = version,
                Description = "Appointments and home visits for a government one-stop service centre.",
            },
            Servers = [new OpenApiServer { Url = serverUrl.TrimEnd('/') + "/api" }],
            Paths = new OpenApiPaths(),
            Components = new OpenApiComponents
            {
                SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    ["functionKey"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "x-functions-key" },
                    ["residentToken"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = CallerResolver.TokenHeader },
                },
            },
        };
        var schemas = new SchemaFactory();

        foreach (var f in functions.Where(f => !f.Route.Contains('*')).OrderBy(f => f.Route, StringComparer.Ordinal))
        {
            var path = "/" + RouteToPath(f.Route);
            if (!document.Paths.TryGetValue(path, out var item))
                document.Paths[path] = item = new OpenApiPathItem();
            var pathItem = (OpenApiPathItem)item;
            var op = f.Method.GetCustomAttribute<ApiOperationAttribute>();
            foreach (var method in f.Methods)
            {
                var operation = new OpenApiOperation
                {
                    OperationId = f.Methods.Count == 1 ? f.Name : f.Name + "_" + method.ToLowerInvariant(),
                    Summary = op?.Summary ?? f.Name,
                    Description = $"Access: {op?.Access ?? "anyone"}. Authorization level: {f.AuthLevel}.",
                    Tags = new HashSet<OpenApiTagReference> { new(op?.Tag ?? "scheduler", document) },
                    Parameters = RouteParameters(f.Route).Select(IOpenApiParameter (p) => new OpenApiParameter
                    {
                        Name = p, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    }).ToList(),
                    Responses = new OpenApiResponses(),
                };
                if (string.Equals(f.AuthLevel, "Function", StringComparison.OrdinalIgnoreCase) || string.Equals(f.AuthLevel, "Admin", StringComparison.OrdinalIgnoreCase))
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("functionKey", document)] = [] }];
                if (op?.RequestBody is { } body && method is "POST" or "PUT" or "PATCH")
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = schemas.For(body) } },
                    };
                var declared = f.Method.GetCustomAttributes<ApiResponseAttribute>().ToList();
                if (f.Method.GetCustomAttribute<Identity.RequireRoleAttribute>() is { } role)
                    declared.AddRange(new ApiResponseAttribute[]
                    {
                        new(401, "Not signed in, or no function key."),
                        new(403, $"Signed in without the '{role.Role}' role."),
                    }.Where(d => declared.All(x => x.Status != d.Status)));
                foreach (var r in declared.OrderBy(r => r.Status))
                {
                    var response = new OpenApiResponse { Description = r.Description };
                    var mediaType = r.ContentType ?? (r.Status >= 400 ? Problems.ContentType : "application/json");
                    var type = r.Type ?? (r.Status >= 400 ? typeof(Microsoft.AspNetCore.Mvc.ProblemDetails) : null);
                    if (type is not null || r.ContentType is not null)
                        response.Content = new Dictionary<string, IOpenApiMediaType>
                        {
                            [mediaType] = new OpenApiMediaType { Schema = type is null ? new OpenApiSchema { Type = JsonSchemaType.String } : schemas.For(type) },
                        };
                    operation.Responses[r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
                }
                if (operation.Responses.Count == 0) operation.Responses["200"] = new OpenApiResponse { Description = "OK" };
                pathItem.AddOperation(new HttpMethod(method), operation);
            }
        }
        return document;
    }

    public static async Task<string> ToJsonAsync(OpenApiDocument document)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        document.SerializeAsV3(new OpenApiJsonWriter(writer));
        await writer.FlushAsync();
        return writer.ToString();
    }

    private static string RouteToPath(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{([^}:=?]+)[^}]*\}", "{$1}");

    private static IEnumerable<string> RouteParameters(string route) =>
        System.Text.RegularExpressions.Regex.Matches(route, @"\{([^}:=?*]+)[^}]*\}").Select(m => m.Groups[1].Value);

    /// <summary>Turns .NET types into OpenAPI schemas through System.Text.Json's own schema exporter, with the app's JSON options.</summary>
    private sealed class SchemaFactory
    {
        public IOpenApiSchema For(Type type) =>
            Convert(JsonSchemaExporter.GetJsonSchemaAsNode(Json.Options, type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true }));

        private static OpenApiSchema Convert(JsonNode? node)
        {
            var schema = new OpenApiSchema();
            if (node is not JsonObject o) return schema;
            if (o["type"] is JsonNode t)
            {
                var names = t is JsonArray arr ? arr.Select(x => x!.GetValue<string>()) : [t.GetValue<string>()];
                JsonSchemaType? type = null;
                foreach (var n in names)
                {
                    var one = n switch
                    {
                        "object" => JsonSchemaType.Object, "array" => JsonSchemaType.Array, "string" => JsonSchemaType.String,
                        "integer" => JsonSchemaType.Integer, "number" => JsonSchemaType.Number, "boolean" => JsonSchemaType.Boolean,
                        _ => JsonSchemaType.Null,
                    };
                    type = type is null ? one : type | one;
                }
                schema.Type = type;
            }
            if (o["format"] is JsonNode f) schema.Format = f.GetValue<string>();
            if (o["pattern"] is JsonNode p) schema.Pattern = p.GetValue<string>();
            if (o["enum"] is JsonArray e) schema.Enum = e.Select(x => x?.DeepClone()).Where(x => x is not null).Cast<JsonNode>().ToList();
            if (o["properties"] is JsonObject props)
                schema.Properties = props.ToDictionary(kv => kv.Key, kv => (IOpenApiSchema)Convert(kv.Value));
            if (o["required"] is JsonArray req)
                schema.Required = req.Select(x => x!.GetValue<string>()).ToHashSet();
            if (o["items"] is JsonNode items) schema.Items = Convert(items);
            if (o["additionalProperties"] is JsonObject ap) schema.AdditionalProperties = Convert(ap);
            if (o["anyOf"] is JsonArray any) schema.AnyOf = any.Select(x => (IOpenApiSchema)Convert(x)).ToList();
            return schema;
        }
    }
}
