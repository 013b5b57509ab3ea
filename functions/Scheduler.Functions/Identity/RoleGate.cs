using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;

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

/// <summary>
/// Checks a function's <see cref="RequireRoleAttribute"/> for a request and finds the centre it is for
/// (<see cref="CentreScope"/>: the <c>centre</c> query parameter, a resident link's centre, the centres a member of
/// staff serves, else the default centre), and hands the function both.
/// </summary>
public sealed class RoleGate(CallerResolver callers, CentreDirectory centres, IOptions<SchedulerOptions> options)
{
    private static readonly object CallerKey = new();
    private static readonly object CentreKey = new();

    /// <summary>The query parameter naming the centre a request is for.</summary>
    public const string CentreQuery = "centre";

    /// <summary>Null when the request may go on to the function (its caller and centre kept for it), else the problem to answer with.</summary>
    public async Task<IActionResult?> CheckAsync(HttpContext http, MethodInfo function)
    {
        var request = http.Request;
        var required = Declared.Attribute<RequireRoleAttribute>(function);
        Caller? caller = null;
        if (required is not null)
        {
            var (staff, denied) = callers.RequireRole(request, required.Role);
            if (denied is not null) return denied;
            http.Items[CallerKey] = caller = staff;
        }
        var named = request.Query[CentreQuery];
        var requested = named.Count == 0 ? null : named.ToString();
        // A token offered names a centre; a bad one is the function's to answer (each says it in its own words).
        caller ??= callers.Resolve(request).Caller ?? AnonymousCaller.Instance;
        var resolved = CentreScope.Resolve(requested, caller, options.Value.CentreId, required is not null);
        if (resolved.Error is { } refused) return Outcomes.Problem(refused);
        var centre = resolved.Value!;
        if (requested is not null && !await centres.IsListedAsync(centre, http.RequestAborted))
            return Outcomes.Problem(Problem.UnknownCentre(centre));
        http.Items[CentreKey] = centre;
        return null;
    }

    /// <summary>
    /// The caller the gate let through. A function declared with <see cref="RequireRoleAttribute"/> that runs without
    /// the gate having run fails here rather than serving anyone.
    /// </summary>
    public static StaffCaller Caller(HttpRequest request) =>
        request.HttpContext.Items[CallerKey] as StaffCaller
        ?? throw new InvalidOperationException("The role gate did not run for this function; it is refused.");

    /// <summary>The centre the gate found the request to be for. A function that runs without the gate fails here rather than serve the wrong centre.</summary>
    public static string Centre(HttpRequest request) =>
        request.HttpContext.Items[CentreKey] as string
        ?? throw new InvalidOperationException("The gate did not run for this function; it is refused.");

    /// <summary>
    /// The dev host's hook: the same checks before an HTTP function runs (the per-address rate limit of an anonymous
    /// function, then the role of a staff function and the centre), the problem written when one refuses.
    /// </summary>
    public static async Task<bool> BeforeHttpFunctionAsync(IServiceProvider services, HttpContext http, MethodInfo function)
    {
        var refused = await CheckAsync(services, http, function);
        if (refused is null) return true;
        await refused.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
        return false;
    }

    /// <summary>Both hosts' checks, in order: the rate limit, then the role and the centre.</summary>
    internal static async Task<IActionResult?> CheckAsync(IServiceProvider services, HttpContext http, MethodInfo function)
    {
        if (Declared.Attribute<RateLimitedAttribute>(function) is not null
            && await services.GetRequiredService<RateGate>().CheckAsync(http, function) is { } limited)
            return limited;
        // A request that declares no role and names no centre, link or member of staff is for the default centre: the gate
        // (and what it depends on, such as the link-signing key) is not needed, so health and the documents answer
        // whatever else fails.
        if (Declared.Attribute<RequireRoleAttribute>(function) is null && !http.Request.Query.ContainsKey(CentreQuery)
            && !http.Request.Query.ContainsKey(CallerResolver.TokenQuery) && !http.Request.Headers.ContainsKey(CallerResolver.TokenHeader)
            && !http.Request.Headers.ContainsKey(CallerResolver.PrincipalHeader))
        {
            http.Items[CentreKey] = services.GetRequiredService<IOptions<SchedulerOptions>>().Value.CentreId;
            return null;
        }
        return await services.GetRequiredService<RoleGate>().CheckAsync(http, function);
    }
}

/// <summary>The Functions host's side of <see cref="RateGate"/> and <see cref="RoleGate"/>: worker middleware in front of every HTTP function.</summary>
public sealed class RoleGateMiddleware : IFunctionsWorkerMiddleware
{
    private static readonly ConcurrentDictionary<string, MethodInfo?> Methods = new();

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http && Method(context.FunctionDefinition.EntryPoint) is { } method
            && await RoleGate.CheckAsync(context.InstanceServices, http, method) is { } refused)
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
