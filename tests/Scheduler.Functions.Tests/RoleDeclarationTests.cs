using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Scheduler.Functions.Identity;
using Scheduler.Functions.Platform;
using Xunit;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Staff and dispatcher endpoints are never anonymous: each declares its role once ([RequireRole]), which the gate
/// enforces in both hosts, and a function that reads the gate's caller cannot be left without the declaration.
/// </summary>
public sealed class RoleDeclarationTests
{
    private static IEnumerable<(MethodInfo Method, HttpTriggerAttribute Trigger)> HttpFunctions() =>
        typeof(ServiceRegistration).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .Select(m => (m, m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Item2 is not null)
            .Select(x => (x.m, x.Item2!));

    [Fact]
    public void Every_staff_dispatch_audit_and_link_endpoint_declares_its_role_and_needs_a_function_key()
    {
        var guarded = HttpFunctions().Where(f => f.Trigger.Route is { } r && (r.StartsWith("staff/") || r.StartsWith("dispatch/") || r.StartsWith("audit") || r.StartsWith("resident-links"))).ToList();
        Assert.True(guarded.Count >= 12, $"only {guarded.Count} guarded endpoints found");
        Assert.All(guarded, f =>
        {
            Assert.True(f.Method.GetCustomAttribute<RequireRoleAttribute>() is not null, $"{f.Method.DeclaringType!.Name}.{f.Method.Name} ({f.Trigger.Route}) declares no role");
            Assert.Equal(AuthorizationLevel.Function, f.Trigger.AuthLevel);
        });
    }

    [Fact]
    public void The_gate_s_caller_is_read_only_by_functions_that_declare_a_role()
    {
        // A function reading RoleGate.Caller without [RequireRole] would fail closed (500) at run time; this finds it first.
        var source = Directory.GetFiles(Path.Combine(Repo.Root, "functions", "Scheduler.Functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.EndsWith("RoleGate.cs"));
        foreach (var file in source)
        {
            var text = File.ReadAllText(file);
            var reads = System.Text.RegularExpressions.Regex.Matches(text, @"RoleGate\.Caller\(").Count;
            var declared = System.Text.RegularExpressions.Regex.Matches(text, @"\[RequireRole\(").Count;
            Assert.True(reads <= declared, $"{Path.GetFileName(file)} reads the gate's caller {reads} times but declares {declared} roles");
        }
    }

    private static class Repo
    {
        public static string Root { get; } = Find(AppContext.BaseDirectory);

        private static string Find(string dir) =>
            File.Exists(Path.Combine(dir, "Scheduler.sln")) ? dir : Find(Directory.GetParent(dir)?.FullName ?? throw new DirectoryNotFoundException("Scheduler.sln not found above the test's folder."));
    }
}
