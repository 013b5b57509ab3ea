using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Scheduler.DevHost;

/// <summary>Something the local run cannot do without; the message says what and how to fix it.</summary>
public sealed class DevHostSetupException(string message) : Exception(message);

/// <summary>The three Azurite ports.</summary>
public sealed record AzuritePorts(int Blob, int Queue, int Table)
{
    public static AzuritePorts Default { get; } = new(10000, 10001, 10002);

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{Blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{Queue}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{Table}/devstoreaccount1;";

    /// <summary>Three ports the operating system says are free now.</summary>
    public static AzuritePorts Free()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        listeners.ForEach(l => l.Stop());
        return new AzuritePorts(ports[0], ports[1], ports[2]);
    }
}

/// <summary>
/// Runs Azurite, the storage emulator, from the repository's npm packages. Restores them with <c>npm ci</c> when
/// missing; uses an Azurite that already answers on the ports; refuses ports held by something else. Used by the
/// dev host and by the test fixtures alike.
/// </summary>
public sealed class AzuriteLauncher : IAsyncDisposable
{
    private Process? _process;

    /// <summary>The processor time Azurite has used so far, when this launcher started it (null otherwise); for benchmarks.</summary>
    public TimeSpan? ProcessorTime
    {
        get
        {
            if (_process is not { HasExited: false } p) return null;
            p.Refresh();
            return p.TotalProcessorTime;
        }
    }

    private AzuriteLauncher(AzuritePorts ports, bool started)
    {
        Ports = ports;
        StartedHere = started;
    }

    public AzuritePorts Ports { get; }

    /// <summary>False when an Azurite that was already running is used.</summary>
    public bool StartedHere { get; }

    public string ConnectionString => Ports.ConnectionString;

    /// <param name="dataDirectory">Where Azurite keeps its data; null keeps it in memory only.</param>
    public static async Task<AzuriteLauncher> StartAsync(string repositoryRoot, AzuritePorts ports, string? dataDirectory,
        Action<string> log, CancellationToken cancellationToken)
    {
        var states = new List<(int Port, PortState State)>();
        foreach (var port in new[] { ports.Blob, ports.Queue, ports.Table })
            states.Add((port, await ProbeAsync(port, cancellationToken)));
        if (states.All(s => s.State == PortState.Azurite))
        {
            log($"Azurite is already running on ports {ports.Blob}, {ports.Queue}, {ports.Table}; using it.");
            return new AzuriteLauncher(ports, started: false);
        }
        foreach (var (port, state) in states.Where(s => s.State != PortState.Free))
            throw new DevHostSetupException(
                $"Port {port} on 127.0.0.1 is already in use by {(state == PortState.Azurite ? "an Azurite that does not serve all three services" : "another program")}. " +
                "Stop it, or run Azurite on ports 10000-10002 yourself.");

        var script = await EnsureInstalledAsync(repositoryRoot, log, cancellationToken);
        var node = FindOnPath("node") ?? throw new DevHostSetupException("Node.js is not installed (no 'node' on PATH). Install Node.js 20 or later.");
        var args = new List<string>
        {
            script, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", ports.Blob.ToString(), "--queuePort", ports.Queue.ToString(), "--tablePort", ports.Table.ToString(),
        };
        if (dataDirectory is null)
        {
            args.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(dataDirectory);
            args.AddRange(["--location", dataDirectory]);
        }
        var info = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        args.ForEach(info.ArgumentList.Add);
        var process = Process.Start(info) ?? throw new DevHostSetupException("Azurite could not be started.");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var launcher = new AzuriteLauncher(ports, started: true) { _process = process };

        var waiting = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                string text;
                lock (errors) text = errors.ToString().Trim();
                throw new DevHostSetupException($"Azurite stopped as it started (exit code {process.ExitCode}). {LastLines(text, 5)}");
            }
            var ready = true;
            foreach (var port in new[] { ports.Blob, ports.Queue, ports.Table })
                ready &= await ProbeAsync(port, cancellationToken) == PortState.Azurite;
            if (ready) break;
            if (waiting.Elapsed > TimeSpan.FromSeconds(60))
            {
                await launcher.DisposeAsync();
                throw new DevHostSetupException("Azurite did not answer within 60 seconds.");
            }
            await Task.Delay(200, cancellationToken);
        }
        log($"Azurite started on ports {ports.Blob}, {ports.Queue}, {ports.Table}" + (dataDirectory is null ? " (in memory)." : $", data in {dataDirectory}."));
        return launcher;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            try
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
            }
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Kills Azurite at once; for process-exit handlers that cannot await.</summary>
    public void Kill()
    {
        try
        {
            if (_process is { HasExited: false } p) p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task<string> EnsureInstalledAsync(string root, Action<string> log, CancellationToken cancellationToken)
    {
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (File.Exists(script)) return script;
        if (!File.Exists(Path.Combine(root, "package-lock.json")))
            throw new DevHostSetupException($"No package-lock.json in {root}: cannot restore Azurite.");
        var npm = FindOnPath("npm") ?? throw new DevHostSetupException("npm is not installed (no 'npm' on PATH). Install Node.js 20 or later, which brings npm.");
        log("Restoring npm packages (Azurite) with 'npm ci'...");
        var info = new ProcessStartInfo(npm) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 || !File.Exists(script))
            throw new DevHostSetupException($"'npm ci' failed (exit code {process.ExitCode}): {LastLines(await stderr, 5)}");
        return script;
    }

    private enum PortState { Free, Azurite, Other }

    private static async Task<PortState> ProbeAsync(int port, CancellationToken cancellationToken)
    {
        using (var client = new TcpClient())
        {
            try
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                connectTimeout.CancelAfter(TimeSpan.FromSeconds(1));
                await client.ConnectAsync(IPAddress.Loopback, port, connectTimeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return PortState.Free;
            }
        }
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/devstoreaccount1?comp=properties&restype=service", cancellationToken);
            return response.Headers.Server.ToString().Contains("Azurite", StringComparison.OrdinalIgnoreCase) ? PortState.Azurite : PortState.Other;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return PortState.Other;
        }
    }

    internal static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static string LastLines(string text, int n) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(n));
}
