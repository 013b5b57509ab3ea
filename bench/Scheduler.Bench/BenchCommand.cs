namespace Scheduler.Bench;

/// <summary>One benchmark command: <c>Scheduler.Bench &lt;name&gt; --option value ...</c>.</summary>
public interface IBenchCommand
{
    string Name { get; }
    string Summary { get; }
    Task<int> RunAsync(BenchArgs args);
}

public sealed class BenchUsageException(string message) : Exception(message);

/// <summary>Options as <c>--name value</c> (a name may repeat, and take several values until the next option).</summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public static BenchArgs Parse(IEnumerable<string> args)
    {
        var parsed = new BenchArgs();
        List<string>? current = null;
        foreach (var a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var name = a[2..];
                if (!parsed._values.TryGetValue(name, out current)) parsed._values[name] = current = [];
            }
            else if (current is null) throw new BenchUsageException($"unexpected argument {a}");
            else current.Add(a);
        }
        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public string? Get(string name) => _values.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;

    public string Required(string name) => Get(name) ?? throw new BenchUsageException($"--{name} is required");

    public double Number(string name, double fallback) =>
        Get(name) is { } s ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public T Enum<T>(string name, T fallback) where T : struct, System.Enum =>
        Get(name) is { } s ? System.Enum.Parse<T>(s, ignoreCase: true) : fallback;
}
