using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace MiniMesos.Tests.Discovery;

/// <summary>
/// A python-zeroconf helper running inside a lab host under `timeout`; its JSON lines are collected as they
/// arrive. Closing stdin asks it to finish (goodbye); dispose kills it if it did not.
/// </summary>
internal sealed class OracleProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
    private readonly List<string> _log = [];

    public OracleProcess(string netns, string script, params string[] args)
    {
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in (string[])["netns", "exec", netns, "timeout", "90", LabFixture.Python, LabFixture.OraclePath(script), .. args])
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_log) _log.Add(e.Data);
            try
            {
                using var doc = JsonDocument.Parse(e.Data);
                _lines.Writer.TryWrite(doc.RootElement.Clone());
            }
            catch (JsonException)
            {
                // not a protocol line; kept in the log for failure messages
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_log) _log.Add("stderr: " + e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Log
    {
        get
        {
            lock (_log) return string.Join('\n', _log);
        }
    }

    /// <summary>The next line with this event (and matching <paramref name="where"/>); fails with the log on timeout.</summary>
    public async Task<JsonElement> WaitForAsync(string evt, TimeSpan timeout, Func<JsonElement, bool>? where = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                if (line.TryGetProperty("event", out var e) && e.GetString() == evt && (where is null || where(line))) return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {evt} within {timeout.TotalSeconds} s; helper output:\n{Log}");
        }
    }

    public void CloseInput() => _process.StandardInput.Close();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                CloseInput();
                if (!_process.WaitForExit(3000)) _process.Kill(entireProcessTree: true);
            }
            _process.WaitForExit(3000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
