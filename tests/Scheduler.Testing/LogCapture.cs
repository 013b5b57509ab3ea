using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scheduler.Testing;

/// <summary>
/// Keeps every log entry the app writes (categories under <c>Scheduler</c>, at any level) as the text a log sink would
/// get: the formatted message, each structured value and the exception. Register it on a host with <see cref="AddTo"/>.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Text)> _entries = new();

    public IReadOnlyList<(string Category, string Text)> Entries => _entries.ToList();

    /// <summary>Adds this provider to a host's services, below the host's own minimum level, for the app's categories.</summary>
    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(this);
        services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(typeof(LogCapture).FullName, "Scheduler", LogLevel.Trace, null)));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" | ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            entries.Enqueue((category, $"{formatter(state, exception)} || {values} || {exception}"));
        }
    }
}
