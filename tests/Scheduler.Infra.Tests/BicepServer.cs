using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

[assembly: AssemblyFixture(typeof(Scheduler.Infra.Tests.InfraProcesses))]

namespace Scheduler.Infra.Tests;

/// <summary>One diagnostic of a compilation, as the CLI would print it: <c>path(line,column) : Level code: message</c>.</summary>
public sealed record BicepDiagnostic(string File, int Line, int Column, string Level, string Code, string Message)
{
    public bool IsWarningOrError => Level is "Warning" or "Error";

    public override string ToString() => $"{Path.GetRelativePath(Repo.Root, File)}({Line},{Column}) : {Level} {Code}: {Message}";
}

/// <summary>What compiling a template or a parameter file gave: the JSON when it succeeded, and every diagnostic.</summary>
public sealed record BicepCompilation(bool Success, string? Contents, IReadOnlyList<BicepDiagnostic> Diagnostics)
{
    public IReadOnlyList<BicepDiagnostic> WarningsAndErrors => Diagnostics.Where(d => d.IsWarningOrError).ToList();

    public string Describe() => string.Join('\n', Diagnostics);
}

/// <summary>
/// The Bicep CLI (see <see cref="Bicep"/>) in its JSON-RPC mode, <c>bicep jsonrpc --stdio</c>: one process for the
/// whole test run compiles every template and parameter file, instead of a process (and its start-up and warm-up)
/// per file and command. A compilation reports what <c>bicep build</c> and <c>bicep lint</c> print: the compiler's
/// diagnostics and the linter's (rules from the bicepconfig.json nearest the file), for the file and its modules.
/// </summary>
public sealed class BicepServer : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly Lazy<Task<BicepServer>> SharedServer = new(StartAsync);
    private readonly Process _process;
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly StringBuilder _errors = new();
    private int _nextId;

    private BicepServer(Process process)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _output = process.StandardOutput.BaseStream;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_errors) _errors.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
    }

    /// <summary>The test run's server, started on first use and stopped by <see cref="InfraProcesses"/>.</summary>
    public static Task<BicepServer> SharedAsync() => SharedServer.Value;

    internal static bool Started => SharedServer.IsValueCreated;

    private static Task<BicepServer> StartAsync()
    {
        var start = new ProcessStartInfo(Bicep.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        start.ArgumentList.Add("jsonrpc");
        start.ArgumentList.Add("--stdio");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Bicep.ExecutablePath} jsonrpc");
        return Task.FromResult(new BicepServer(process));
    }

    /// <summary>Compiles a .bicep file, as <c>bicep build</c> does.</summary>
    public async Task<BicepCompilation> CompileAsync(string path)
    {
        var result = await CallAsync("bicep/compile", new JsonObject { ["path"] = Path.GetFullPath(path, Repo.Root) });
        return new BicepCompilation(result["success"]!.GetValue<bool>(), result["contents"]?.GetValue<string>(), Diagnostics(result));
    }

    /// <summary>Compiles a .bicepparam file and the template it uses, as <c>bicep build-params</c> does.</summary>
    public async Task<BicepCompilation> CompileParamsAsync(string path)
    {
        var result = await CallAsync("bicep/compileParams",
            new JsonObject { ["path"] = Path.GetFullPath(path, Repo.Root), ["parameterOverrides"] = new JsonObject() });
        return new BicepCompilation(result["success"]!.GetValue<bool>(), result["parameters"]?.GetValue<string>(), Diagnostics(result));
    }

    private static List<BicepDiagnostic> Diagnostics(JsonNode result) =>
        (result["diagnostics"]?.AsArray() ?? []).Select(d => new BicepDiagnostic(
            d!["source"]?.GetValue<string>() ?? "",
            (d["range"]?["start"]?["line"]?.GetValue<int>() ?? -1) + 1,
            (d["range"]?["start"]?["char"]?.GetValue<int>() ?? -1) + 1,
            d["level"]?.GetValue<string>() ?? "",
            d["code"]?.GetValue<string>() ?? "",
            d["message"]?.GetValue<string>() ?? "")).ToList();

    /// <summary>One request and its answer; requests go one at a time, in Content-Length framed messages.</summary>
    private async Task<JsonNode> CallAsync(string method, JsonObject parameters)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _gate.WaitAsync(timeout.Token);
        try
        {
            var id = ++_nextId;
            var body = Encoding.UTF8.GetBytes(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString());
            await _input.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), timeout.Token);
            await _input.WriteAsync(body, timeout.Token);
            await _input.FlushAsync(timeout.Token);
            while (true)
            {
                var message = await ReadMessageAsync(timeout.Token);
                if (message["id"]?.GetValue<int>() != id) continue; // a notification, or not ours
                if (message["error"] is { } error) throw new InvalidOperationException($"bicep {method} failed: {error.ToJsonString()}\n{Errors}");
                return message["result"] ?? throw new InvalidOperationException($"bicep {method} answered without a result.");
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"bicep {method} took longer than {Timeout}.\n{Errors}");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonNode> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var length = -1;
        while (true)
        {
            var line = await ReadHeaderLineAsync(cancellationToken);
            if (line.Length == 0) break;
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (length < 0) throw new InvalidDataException("A message from bicep had no Content-Length.");
        var body = new byte[length];
        await _output.ReadExactlyAsync(body, cancellationToken);
        return JsonNode.Parse(body) ?? throw new InvalidDataException("bicep sent an empty message.");
    }

    private async Task<string> ReadHeaderLineAsync(CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await _output.ReadAsync(one, cancellationToken) == 0) throw new EndOfStreamException($"bicep jsonrpc stopped.\n{Errors}");
            if (one[0] == '\n') return Encoding.ASCII.GetString(bytes.ToArray()).TrimEnd('\r');
            bytes.Add(one[0]);
        }
    }

    private string Errors
    {
        get
        {
            lock (_errors) return _errors.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _input.Close();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        _gate.Dispose();
    }
}

/// <summary>
/// The processes the tests wait for, started together when the test run starts (the Bicep server warming up on
/// main.bicep, the linter over infra/ and over its own sample, the msbuild evaluations), so they overlap instead of
/// running one after another as the tests come to them; the Bicep server is stopped when the run ends.
/// </summary>
public sealed class InfraProcesses : IAsyncLifetime
{
    public ValueTask InitializeAsync()
    {
        // Not awaited: each test awaits what it needs, and sees its failure there.
        _ = CompiledTemplate.MainAsync();
        _ = TemplateBuildTests.LintAll.Value;
        _ = TemplateBuildTests.LintSample.Value;
        _ = PublishTests.Evaluations.Value;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (BicepServer.Started) await (await BicepServer.SharedAsync()).DisposeAsync();
    }
}
