using System.Collections.Concurrent;
using System.Reflection;

namespace Scheduler.Functions.Platform;

/// <summary>
/// What a function method declares by attribute (<see cref="RateLimitedAttribute"/>,
/// <see cref="Identity.RequireRoleAttribute"/>), read once per method: the gates ask on every request, and reading
/// an attribute by reflection makes a new instance each time.
/// </summary>
public static class Declared
{
    private static readonly ConcurrentDictionary<(MethodInfo, Type), Attribute?> Attributes = new();

    public static T? Attribute<T>(MethodInfo method) where T : Attribute =>
        (T?)Attributes.GetOrAdd((method, typeof(T)), static key => key.Item1.GetCustomAttribute(key.Item2));
}
