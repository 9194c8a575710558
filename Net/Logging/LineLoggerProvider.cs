using Microsoft.Extensions.Logging;

namespace MiniMesos.Net.Logging;

/// <summary>
/// One line per event on stderr: `2026-11-22T10:00:00.123Z INFO  master: message`. Plain text that greps
/// well and reads well under journald; no background queue.
/// </summary>
internal sealed class LineLoggerProvider(string node, LogLevel minimum, TextWriter? output = null) : ILoggerProvider
{
    private readonly TextWriter _output = output ?? Console.Error;
    private readonly object _gate = new();

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    public void Dispose() { }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var name = category.StartsWith("MiniMesos", StringComparison.Ordinal) ? node : category;
        var line = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {Label(level)} {name}: {message}";
        // Only unexpected failures carry an exception; its type and message are enough on one line.
        if (exception is not null) line += $" ({exception.GetType().Name}: {exception.Message})";
        lock (_gate) _output.WriteLine(line);
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO ",
        LogLevel.Warning => "WARN ",
        LogLevel.Error => "ERROR",
        _ => "FATAL",
    };

    private sealed class LineLogger(LineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) provider.Write(logLevel, category, formatter(state, exception), exception);
        }
    }

    private LogLevel Minimum => minimum;
}
