using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Scheduler.Functions;
using Scheduler.Functions.Identity;
using Scheduler.Functions.Platform;

namespace Scheduler.DevHost;

/// <summary>
/// <c>dotnet run --project functions/Scheduler.DevHost</c>: the local centre. Starts Azurite with its data under
/// <c>.data/</c> (or uses one already running), runs the function app on http://localhost:7071, and stops Azurite
/// again on Ctrl-C.
/// </summary>
public static class DevHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        AzuriteLauncher? azurite = null;
        try
        {
            var root = LocalSettings.FindRepositoryRoot();
            var (settings, source) = LocalSettings.Load(root);
            var data = Path.Combine(root, ".data");
            var keys = FunctionKeys.LoadOrCreate(Path.Combine(data, "devhost-keys.json"));
            var port = int.TryParse(Environment.GetEnvironmentVariable("DEVHOST_PORT"), out var p) ? p : 7071;

            Console.WriteLine($"Settings from {Path.GetRelativePath(root, source)}");
            azurite = await AzuriteLauncher.StartAsync(root, AzuritePorts.Default, Path.Combine(data, "azurite"), Console.WriteLine, CancellationToken.None);
            var launched = azurite;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => launched.Kill();

            var app = await DevHostApp.BuildAsync(new DevHostOptions
            {
                FunctionsAssembly = typeof(ServiceRegistration).Assembly,
                Metadata = new GeneratedFunctionMetadataProvider(),
                ConfigureServices = (services, configuration) => services.AddScheduler(configuration),
                BeforeHttpFunction = RoleGate.BeforeHttpFunctionAsync,
                HostJsonPath = Path.Combine(AppContext.BaseDirectory, "host.json"),
                Settings = settings,
                Keys = keys,
                Urls = $"http://localhost:{port}",
            });
            app.Lifetime.ApplicationStarted.Register(() => PrintWelcome(port, keys));
            await app.RunAsync();
            return 0;
        }
        catch (DevHostSetupException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine($"error: the dev host's port is already in use ({e.Message}). Stop the other program or set DEVHOST_PORT.");
            return 2;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            Console.Error.WriteLine($"error: settings are not valid: {string.Join("; ", e.Failures)}");
            return 2;
        }
        finally
        {
            if (azurite is not null) await azurite.DisposeAsync();
        }
    }

    private static void PrintWelcome(int port, FunctionKeys keys)
    {
        var b = $"http://localhost:{port}";
        Console.WriteLine($"""

            Scheduler is running: two demo centres (湖里区政务服务中心, the default, and 思明区中华街道便民服务中心) on Azurite.
              Book (residents) {b}/api/pages/book    (Siming: {b}/api/pages/book?centre=siming)
              Dispatch         {b}/.auth/login, then {b}/api/pages/dispatch?code={keys.FunctionKey}
              Health           {b}/api/health
              API document     {b}/api/openapi.json
              The centre       {b}/api/centre
              Staff sign-in    {b}/.auth/login
              Function key     {keys.FunctionKey}    (header x-functions-key, or ?code=)
              Master key       {keys.MasterKey}    (POST {b}/admin/functions/<name>)
            Press Ctrl-C to stop; Azurite stops with it.

            """);
    }
}
