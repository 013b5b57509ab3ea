using System.Reflection;
using Azure.Core.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Scheduler.DevHost;

/// <summary>What a trigger hands to a function: the request, a queue message's text, or timer information.</summary>
public sealed record TriggerInput(HttpContext? Http = null, string? QueueMessage = null, TimerInfo? Timer = null);

/// <summary>
/// Calls a function method the way the isolated worker does: a new instance per invocation from the service
/// provider (constructor injection), the trigger value bound to the trigger parameter, route values to
/// parameters of the same name, the cancellation token passed through.
/// </summary>
public sealed class FunctionInvoker(IServiceScopeFactory scopes)
{
    /// <summary>
    /// What each function method needs on every call, worked out on its first: the factory of its class, its
    /// parameters and how to await what it returns. Reflection once per method, not per invocation (a property read
    /// by reflection on each call's task also made the runtime emit and compile a fresh stub again and again).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<MethodInfo, Plan> _plans = new();

    private sealed record Plan(ObjectFactory? Factory, ParameterInfo[] Parameters, Func<object?, Task<object?>> Unwrap);

    public async Task<object?> InvokeAsync(FunctionEntry function, TriggerInput input, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var method = function.Method;
        var plan = _plans.GetOrAdd(method, PlanFor);
        var instance = method.IsStatic ? null
            : plan.Factory is { } factory ? factory(services, null) : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        try
        {
            var args = new object?[plan.Parameters.Length];
            for (var i = 0; i < args.Length; i++) args[i] = Bind(function, plan.Parameters[i], input, services, cancellationToken);
            object? result;
            try
            {
                result = method.Invoke(instance, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
            return await plan.Unwrap(result);
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable ad: await ad.DisposeAsync(); break;
                case IDisposable d: d.Dispose(); break;
            }
        }
    }

    private static Plan PlanFor(MethodInfo method)
    {
        ObjectFactory? factory = null;
        if (!method.IsStatic)
        {
            // The same constructor ActivatorUtilities.CreateInstance would take; a class it cannot make a factory for
            // (several constructors, none marked) is made per call as before.
            try { factory = ActivatorUtilities.CreateFactory(method.DeclaringType!, Type.EmptyTypes); }
            catch (InvalidOperationException) { }
        }
        var returns = method.ReturnType;
        Func<object?, Task<object?>> unwrap =
            returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>)
                ? typeof(FunctionInvoker).GetMethod(nameof(AwaitTask), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(returns.GetGenericArguments()[0]).CreateDelegate<Func<object?, Task<object?>>>()
            : returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(ValueTask<>)
                ? typeof(FunctionInvoker).GetMethod(nameof(AwaitValueTask), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(returns.GetGenericArguments()[0]).CreateDelegate<Func<object?, Task<object?>>>()
            : returns == typeof(Task) ? AwaitVoidAsync
            : UnwrapAsync;
        return new Plan(factory, method.GetParameters(), unwrap);
    }

    /// <summary>Writes what an HTTP function returned to the response, as the ASP.NET Core integration does.</summary>
    public static async Task WriteResultAsync(HttpContext context, object? result)
    {
        switch (result)
        {
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case IResult r:
                await r.ExecuteAsync(context);
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                await new ObjectResult(result).ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
        }
    }

    private static object? Bind(FunctionEntry function, ParameterInfo p, TriggerInput input, IServiceProvider services, CancellationToken cancellationToken)
    {
        var type = p.ParameterType;
        if (type == typeof(CancellationToken)) return cancellationToken;
        if (type == typeof(HttpRequest)) return input.Http?.Request ?? throw Unsupported(function, p);
        if (type == typeof(HttpContext)) return input.Http ?? throw Unsupported(function, p);
        if (type == typeof(TimerInfo)) return input.Timer ?? throw Unsupported(function, p);
        if (type == typeof(FunctionContext)) throw Unsupported(function, p);

        var trigger = function switch
        {
            QueueFunctionEntry q => q.TriggerParameter,
            TimerFunctionEntry t => t.TriggerParameter,
            HttpFunctionEntry h => h.TriggerParameter,
            _ => "",
        };
        if (p.Name == trigger && input.QueueMessage is { } message)
        {
            if (type == typeof(string)) return message;
            if (type == typeof(BinaryData)) return BinaryData.FromString(message);
            if (type == typeof(byte[])) return System.Text.Encoding.UTF8.GetBytes(message);
            var serializer = services.GetRequiredService<IOptions<WorkerOptions>>().Value.Serializer ?? new JsonObjectSerializer();
            return serializer.Deserialize(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message)), type, cancellationToken);
        }
        if (input.Http is { } http && http.GetRouteValue(p.Name!) is { } routeValue)
        {
            var text = Convert.ToString(routeValue, System.Globalization.CultureInfo.InvariantCulture);
            var target = Nullable.GetUnderlyingType(type) ?? type;
            if (target == typeof(string)) return text;
            if (string.IsNullOrEmpty(text)) return null;
            return target == typeof(Guid) ? Guid.Parse(text) : Convert.ChangeType(text, target, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (p.HasDefaultValue) return p.DefaultValue;
        if (!type.IsValueType || Nullable.GetUnderlyingType(type) is not null) return null;
        throw Unsupported(function, p);
    }

    private static DevHostSetupException Unsupported(FunctionEntry function, ParameterInfo p) =>
        new($"Function '{function.Name}': the dev host cannot bind parameter '{p.Name}' of type {p.ParameterType.Name}.");

    private static async Task<object?> UnwrapAsync(object? result)
    {
        switch (result)
        {
            case Task task:
                await task;
                var type = task.GetType();
                return type.IsGenericType && type.GetProperty("Result") is { } prop && prop.PropertyType.Name != "VoidTaskResult" ? prop.GetValue(task) : null;
            case ValueTask vt:
                await vt;
                return null;
            default:
                if (result?.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>))
                    return await (Task<object?>)typeof(FunctionInvoker).GetMethod(nameof(AwaitValueTask), BindingFlags.NonPublic | BindingFlags.Static)!
                        .MakeGenericMethod(t.GetGenericArguments()[0]).Invoke(null, [result])!;
                return result;
        }
    }

    private static async Task<object?> AwaitVoidAsync(object? task)
    {
        await (Task)task!;
        return null;
    }

    private static async Task<object?> AwaitTask<T>(object? task) => await (Task<T>)task!;

    private static async Task<object?> AwaitValueTask<T>(object? task) => await (ValueTask<T>)task!;
}
