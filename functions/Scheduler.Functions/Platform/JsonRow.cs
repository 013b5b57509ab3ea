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

    /// <summary>A string property holds at most 32K UTF-16 characters; longer JSON continues in <c>Json1</c>, <c>Json2</c>, ...</summary>
    public const int PartChars = 30_000;

    public static TableEntity Write<T>(TableEntity entity, RowSchema<T> schema, T value)
    {
        var json = JsonSerializer.Serialize(value, Json.Options);
        entity[JsonColumn] = json.Length <= PartChars ? json : json[..PartChars];
        for (var part = 1; part * PartChars < json.Length; part++)
            entity[$"{JsonColumn}{part}"] = json.Substring(part * PartChars, Math.Min(PartChars, json.Length - part * PartChars));
        entity[SchemaColumn] = schema.Current;
        return entity;
    }

    /// <summary>
    /// The same value in a second row (an index that carries a copy): the JSON and schema columns of a row
    /// <see cref="Write{T}"/> made, without serialising the value again.
    /// </summary>
    public static TableEntity Copy(TableEntity written, TableEntity entity)
    {
        entity[JsonColumn] = written[JsonColumn];
        for (var part = 1; written.TryGetValue($"{JsonColumn}{part}", out var more); part++) entity[$"{JsonColumn}{part}"] = more;
        entity[SchemaColumn] = written[SchemaColumn];
        return entity;
    }

    public static T Read<T>(TableEntity entity, RowSchema<T> schema) => Read(JsonOf(entity), entity.GetInt32(SchemaColumn), schema);

    /// <summary>The row's JSON, its continuation parts appended.</summary>
    private static string? JsonOf(TableEntity entity)
    {
        var json = entity.GetString(JsonColumn);
        if (json is null || !entity.ContainsKey($"{JsonColumn}1")) return json;
        var all = new System.Text.StringBuilder(json);
        for (var part = 1; entity.GetString($"{JsonColumn}{part}") is { } more; part++) all.Append(more);
        return all.ToString();
    }

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
