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
                var forCentre = !NotForACentre.Any(r => f.Route.StartsWith(r, StringComparison.Ordinal));
                if (forCentre)
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = RoleGate.CentreQuery, In = ParameterLocation.Query, Required = false,
                        Description = "The centre the request is for (ADR 0018); the deployment's default centre when absent. A resident's link is for its own centre; staff serve the centres their roles name.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[a-z0-9][a-z0-9-]{0,39}$" },
                    });
                if (string.Equals(f.AuthLevel, "Function", StringComparison.OrdinalIgnoreCase) || string.Equals(f.AuthLevel, "Admin", StringComparison.OrdinalIgnoreCase))
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("functionKey", document)] = [] }];
                if (op?.RequestBody is { } body && method is "POST" or "PUT" or "PATCH")
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = schemas.For(body) } },
                    };
                var declared = f.Method.GetCustomAttributes<ApiResponseAttribute>().ToList();
                if (operation.RequestBody is not null)
                    declared.AddRange(new ApiResponseAttribute[]
                    {
                        new(400, "The body is not valid JSON for this request, or a field is not valid."),
                        new(413, $"The body is larger than {RequestBody.MaxBytes} bytes."),
                        new(415, "The body is not application/json."),
                    }.Where(d => declared.All(x => x.Status != d.Status)));
                if (f.Method.GetCustomAttribute<RateLimitedAttribute>() is not null && declared.All(x => x.Status != 429))
                    declared.Add(new ApiResponseAttribute(429, "Too many requests from this address or for this mobile; Retry-After says when to try again.")
                    {
                        // A page answers a page in the reader's language (Pages.TooManyPage), an API problem+json.
                        ContentType = f.Route.StartsWith("pages/", StringComparison.Ordinal) ? "text/html" : null,
                    });
                if (f.Method.GetCustomAttribute<Identity.RequireRoleAttribute>() is { } role)
                    declared.AddRange(new ApiResponseAttribute[]
                    {
                        new(401, "Not signed in, or no function key."),
                        new(403, $"Signed in without the '{role.Role}' role."),
                    }.Where(d => declared.All(x => x.Status != d.Status)));
                if (forCentre)
                {
                    if (declared.All(x => x.Status != 404)) declared.Add(new ApiResponseAttribute(404, "No centre of that id (code unknown-centre)."));
                    if (declared.All(x => x.Status != 403)) declared.Add(new ApiResponseAttribute(403, "A resident's link or a member of staff of another centre (code wrong-centre)."));
                }
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
        document.SerializeAsV31(new OpenApiJsonWriter(writer));
        await writer.FlushAsync();
        return writer.ToString();
    }

    private static string RouteToPath(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{([^}:=?]+)[^}]*\}", "{$1}");

    /// <summary>Routes whose centre is not the caller's to name: the platform's own, Twilio's callbacks, and links whose token names it.</summary>
    private static readonly string[] NotForACentre = ["health", "openapi.json", "assets/", "sms/", "local/", "calendar/", "l/", "me"];

    private static IEnumerable<string> RouteParameters(string route) =>
        System.Text.RegularExpressions.Regex.Matches(route, @"\{([^}:=?*]+)[^}]*\}").Select(m => m.Groups[1].Value);

    /// <summary>
    /// Turns .NET types into OpenAPI 3.1 schemas (JSON Schema 2020-12) through System.Text.Json's own schema exporter,
    /// with the app's JSON options, and says what the exporter cannot know: NodaTime values are strings of a given
    /// form, a field the app leaves out when it is null is not required, a request body requires what its
    /// <see cref="ApiBodyAttribute"/> names, and error answers are the app's problem details.
    /// </summary>
    internal sealed class SchemaFactory
    {
        public IOpenApiSchema For(Type type)
        {
            var root = NodeFor(type);
            return Convert(root, root, []);
        }

        public static JsonNode NodeFor(Type type) =>
            JsonSchemaExporter.GetJsonSchemaAsNode(Json.Options, type, new JsonSchemaExporterOptions
            {
                TreatNullObliviousAsNonNullable = true,
                TransformSchemaNode = Transform,
            });

        private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode node)
        {
            var type = context.PropertyInfo?.PropertyType ?? context.TypeInfo.Type;
            var underlying = Nullable.GetUnderlyingType(type);
            if (type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails)) return ProblemSchema();
            if (NodaSchema(underlying ?? type) is { } noda)
            {
                if (underlying is not null) noda["type"] = new JsonArray("string", "null");
                return noda;
            }
            if (node is not JsonObject o) return node;
            if (context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(ApiStringAttribute), true).FirstOrDefault() is ApiStringAttribute text)
            {
                if (text.Format is { } format) o["format"] = format;
                if (text.Pattern is { } pattern) o["pattern"] = pattern;
            }
            Require(context, o);
            return o;
        }

        /// <summary>
        /// Required fields: those an <see cref="ApiBodyAttribute"/> names; otherwise those the exporter found
        /// required, less the ones that may be null (the app never writes a null, so they may be missing).
        /// </summary>
        private static void Require(JsonSchemaExporterContext context, JsonObject o)
        {
            if (context.TypeInfo.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object) return;
            // NodaTime properties once more from the parent: a nullable one with a default value reaches the exporter
            // as an empty schema with only "default".
            foreach (var p in context.TypeInfo.Properties)
                if (o["properties"] is JsonObject fields && NodaSchema(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) is { } noda)
                {
                    if (Nullable.GetUnderlyingType(p.PropertyType) is not null) noda["type"] = new JsonArray("string", "null");
                    fields[p.Name] = noda;
                }
            var body = context.TypeInfo.Type.GetCustomAttribute<ApiBodyAttribute>();
            var names = body is not null
                ? body.Required.ToList()
                : (o["required"] as JsonArray)?.Select(x => x!.GetValue<string>())
                    .Where(n => context.TypeInfo.Properties.FirstOrDefault(p => p.Name == n) is { } p && !p.IsGetNullable && !IsNullableValue(p.PropertyType))
                    .ToList() ?? [];
            o.Remove("required");
            if (names.Count > 0) o["required"] = new JsonArray(names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray());
            // A required field must also hold a value: null is as good as missing.
            foreach (var n in names)
                if (o["properties"]?[n] is JsonObject field && field["type"] is JsonArray types && types.Any(x => x?.GetValue<string>() == "null"))
                    field["type"] = new JsonArray(types.Where(x => x?.GetValue<string>() != "null").Select(x => (JsonNode)JsonValue.Create(x!.GetValue<string>())).ToArray());
            if (body is { ExactlyOneOf.Length: > 0 })
                o["oneOf"] = new JsonArray(body.ExactlyOneOf.Select(n => (JsonNode)new JsonObject
                {
                    ["required"] = new JsonArray(JsonValue.Create(n)),
                    ["properties"] = new JsonObject { [n] = new JsonObject { ["type"] = "string", ["minLength"] = 1 } },
                }).ToArray());
        }

        private static bool IsNullableValue(Type t) => Nullable.GetUnderlyingType(t) is not null;

        /// <summary>NodaTime values as the app writes them (NodaTime's ISO patterns).</summary>
        private static JsonObject? NodaSchema(Type type)
        {
            if (type == typeof(NodaTime.LocalDate)) return new JsonObject { ["type"] = "string", ["format"] = "date" };
            if (type == typeof(NodaTime.Instant)) return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
            if (type == typeof(NodaTime.LocalTime))
                return new JsonObject { ["type"] = "string", ["pattern"] = "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?$" };
            if (type == typeof(NodaTime.LocalDateTime))
                return new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?$" };
            if (type == typeof(NodaTime.Duration))
                return new JsonObject { ["type"] = "string", ["pattern"] = "^-?[0-9]+:[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?$" };
            if (type.Namespace == "NodaTime" && !type.IsEnum) return new JsonObject { ["type"] = "string" };
            return null;
        }

        /// <summary>Every error answer (RFC 9457), with the app's extensions; <c>type</c> is <see cref="Problems.TypeUri"/> of the status.</summary>
        private static JsonObject ProblemSchema() => new()
        {
            ["type"] = "object",
            ["required"] = new JsonArray("type", "title", "status", "detail"),
            ["properties"] = new JsonObject
            {
                ["type"] = new JsonObject { ["type"] = "string", ["pattern"] = Problems.TypePattern },
                ["title"] = new JsonObject { ["type"] = "string" },
                ["status"] = new JsonObject { ["type"] = "integer", ["minimum"] = 400, ["maximum"] = 599 },
                ["detail"] = new JsonObject { ["type"] = "string" },
                ["instance"] = new JsonObject { ["type"] = "string" },
                ["field"] = new JsonObject { ["type"] = new JsonArray("string", "null") },
                ["code"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z0-9]+(-[a-z0-9]+)*$" },
                ["errors"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } } },
                ["alternatives"] = new JsonObject { ["type"] = "array" },
            },
        };

        /// <summary>
        /// One exported schema node as an OpenAPI schema. A type met a second time is exported as a <c>$ref</c> to
        /// where it was met first (a JSON pointer into <paramref name="root"/>): it is written out again in full, except
        /// inside itself (a recursive type), where it stays an object.
        /// </summary>
        private static OpenApiSchema Convert(JsonNode? node, JsonNode root, HashSet<string> inside)
        {
            var schema = new OpenApiSchema();
            if (node is not JsonObject o) return schema;
            if (o["$ref"] is JsonNode reference)
            {
                var pointer = reference.GetValue<string>();
                if (!inside.Add(pointer)) return new OpenApiSchema { Type = JsonSchemaType.Object };
                try
                {
                    JsonNode? target = root;
                    foreach (var part in pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var key = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                        target = target is JsonArray a && int.TryParse(key, out var i) ? a[i] : target?[key];
                    }
                    return Convert(target, root, inside);
                }
                finally
                {
                    inside.Remove(pointer);
                }
            }
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
            if (o["minLength"] is JsonNode minLength) schema.MinLength = minLength.GetValue<int>();
            if (o["minimum"] is JsonNode minimum) schema.Minimum = minimum.ToJsonString();
            if (o["maximum"] is JsonNode maximum) schema.Maximum = maximum.ToJsonString();
            if (o["enum"] is JsonArray e) schema.Enum = e.Select(x => x?.DeepClone()).Where(x => x is not null).Cast<JsonNode>().ToList();
            if (o["properties"] is JsonObject props)
                schema.Properties = props.ToDictionary(kv => kv.Key, kv => (IOpenApiSchema)Convert(kv.Value, root, inside));
            if (o["required"] is JsonArray req)
                schema.Required = req.Select(x => x!.GetValue<string>()).ToHashSet();
            if (o["items"] is JsonNode items) schema.Items = Convert(items, root, inside);
            if (o["additionalProperties"] is JsonObject ap) schema.AdditionalProperties = Convert(ap, root, inside);
            if (o["anyOf"] is JsonArray any) schema.AnyOf = any.Select(x => (IOpenApiSchema)Convert(x, root, inside)).ToList();
            if (o["oneOf"] is JsonArray oneOf) schema.OneOf = oneOf.Select(x => (IOpenApiSchema)Convert(x, root, inside)).ToList();
            return schema;
        }
    }
}
