using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Core.Identity;

namespace Scheduler.Functions.Identity;

/// <summary>
/// The one declaration of who may call an HTTP function: a signed-in member of staff holding <see cref="Role"/>.
/// <see cref="RoleGate"/> enforces it before the function runs (401 when nobody is signed in, 403 without the role),
/// in the Functions host through <see cref="RoleGateMiddleware"/> and in the dev host through its hook; the OpenAPI
/// document lists the 401 and 403 answers from it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequireRoleAttribute(string role) : Attribute
{
    public string Role { get; } = role;
}

/// <summary>Checks a function's <see cref="RequireRoleAttribute"/> for a request, and hands the function its caller.</summary>
public sealed class RoleGate(CallerResolver callers)
{
    private static readonly object CallerKey = new();

    /// <summary>Null when the request may go on to the function (its caller kept for it), else the problem to answer with.</summary>
    public IActionResult? Check(HttpContext http, MethodInfo function)
    {
        if (Declared.Attribute<RequireRoleAttribute>(function) is not { } required) return null;
        var (caller, denied) = callers.RequireRole(http.Request, required.Role);
        if (denied is not null) return denied;
        http.Items[CallerKey] = caller;
        return null;
    }

    /// <summary>
    /// The caller the gate let through. A function declared with <see cref="RequireRoleAttribute"/> that runs without
    /// the gate having run fails here rather than serving anyone.
    /// </summary>
    public static StaffCaller Caller(HttpRequest request) =>
        request.HttpContext.Items[CallerKey] as StaffCaller
        ?? throw new InvalidOperationException("The role gate did not run for this function; it is refused.");

    /// <summary>
    /// The dev host's hook: the same checks before an HTTP function runs (the per-address rate limit of an anonymous
    /// function, then the role of a staff function), the problem written when one refuses.
    /// </summary>
    public static async Task<bool> BeforeHttpFunctionAsync(IServiceProvider services, HttpContext http, MethodInfo function)
    {
        if (Declared.Attribute<RateLimitedAttribute>(function) is not null
            && await services.GetRequiredService<RateGate>().CheckAsync(http, function) is { } limited)
        {
            await limited.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
            return false;
        }
        // Only a declared function needs the gate (and what it depends on, such as the link-signing key).
        if (Declared.Attribute<RequireRoleAttribute>(function) is null) return true;
        var refused = services.GetRequiredService<RoleGate>().Check(http, function);
        if (refused is null) return true;
        await refused.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
        return false;
    }
}

/// <summary>The Functions host's side of <see cref="RateGate"/> and <see cref="RoleGate"/>: worker middleware in front of every HTTP function.</summary>
public sealed class RoleGateMiddleware : IFunctionsWorkerMiddleware
{
    private static readonly ConcurrentDictionary<string, MethodInfo?> Methods = new();

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } limitedHttp && Method(context.FunctionDefinition.EntryPoint) is { } limitedMethod
            && Declared.Attribute<RateLimitedAttribute>(limitedMethod) is not null
            && await context.InstanceServices.GetRequiredService<RateGate>().CheckAsync(limitedHttp, limitedMethod) is { } limited)
        {
            await limited.ExecuteResultAsync(new ActionContext(limitedHttp, limitedHttp.GetRouteData(), new ActionDescriptor()));
            return;
        }
        if (context.GetHttpContext() is { } http && Method(context.FunctionDefinition.EntryPoint) is { } method
            && Declared.Attribute<RequireRoleAttribute>(method) is not null
            && context.InstanceServices.GetRequiredService<RoleGate>().Check(http, method) is { } refused)
        {
            await refused.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
            return;
        }
        await next(context);
    }

    /// <summary>The method an entry point ("Namespace.Type.Method") names, in this app.</summary>
    private static MethodInfo? Method(string entryPoint) => Methods.GetOrAdd(entryPoint, e =>
    {
        var dot = e.LastIndexOf('.');
        return dot < 0 ? null : typeof(RoleGate).Assembly.GetType(e[..dot])?.GetMethod(e[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static);
    });
}
