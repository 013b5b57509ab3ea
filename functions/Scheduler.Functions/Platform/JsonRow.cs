using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Azure.Data.Tables;

namespace Scheduler.Functions.Platform;

/// <summary>
/// How one kind of stored JSON reads and writes: its current schema version and how to bring an older row up to it.
/// Each upgrade step takes a row of version <c>v</c> to <c>v + 1</c>.
/// </summary>
public sealed record RowSchema<T>(string Name, int Current, params Func<JsonObject, JsonObject>[] Upgrades)
{
    /// <summary>Rows written before rows carried a version are version 1.</summary>
    public const int Unversioned = 1;
}

/// <summary>
/// The one way a value is kept as JSON in a table row: column <c>Json</c> with the value and column <c>Schema</c>
/// with its version. Reading refuses properties the type does not know (a renamed parameter fails loudly instead
/// of losing data), upgrades older rows step by step, and refuses rows written by newer code.
/// </summary>
public static class JsonRow
{
    public const string JsonColumn = "Json";
    public const string SchemaColumn = "Schema";

    private static readonly JsonSerializerOptions Strict = new(Json.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static TableEntity Write<T>(TableEntity entity, RowSchema<T> schema, T value)
    {
        entity[JsonColumn] = JsonSerializer.Serialize(value, Json.Options);
        entity[SchemaColumn] = schema.Current;
        return entity;
    }

    public static T Read<T>(TableEntity entity, RowSchema<T> schema) => Read(entity.GetString(JsonColumn), entity.GetInt32(SchemaColumn), schema);

    public static T Read<T>(string? json, int? version, RowSchema<T> schema)
    {
        if (string.IsNullOrEmpty(json)) throw new InvalidDataException($"A {schema.Name} row has no JSON.");
        var v = version ?? RowSchema<T>.Unversioned;
        if (v > schema.Current) throw new InvalidDataException($"A {schema.Name} row has schema {v}; this code reads up to {schema.Current}.");
        if (v < schema.Current)
        {
            var node = JsonNode.Parse(json)!.AsObject();
            for (; v < schema.Current; v++) node = schema.Upgrades[v - 1](node);
            json = node.ToJsonString();
        }
        return JsonSerializer.Deserialize<T>(json, Strict) ?? throw new InvalidDataException($"A {schema.Name} row holds null.");
    }
}
