using System.Net;

namespace MiniMesos.Tests.Fetch;

/// <summary>A loopback HTTP server serving byte arrays by path (null: 404); a stalled path never answers.</summary>
internal sealed class LoopbackFiles : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]?> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stalled = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _port = EndToEnd.InProcessCluster.FreePort();

    public LoopbackFiles()
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
        _ = LoopAsync();
    }

    public string Url(string path) => $"http://127.0.0.1:{_port}{path}";

    public void Serve(string path, byte[]? content)
    {
        lock (_files) _files[path] = content;
    }

    public void Stall(string path)
    {
        lock (_files) _stalled.Add(path);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                byte[]? body;
                bool stalled;
                lock (_files)
                {
                    body = _files.GetValueOrDefault(context.Request.Url!.AbsolutePath);
                    stalled = _stalled.Contains(context.Request.Url!.AbsolutePath);
                }
                try
                {
                    if (stalled) await Task.Delay(Timeout.Infinite, _stop.Token);
                    context.Response.StatusCode = body is null ? 404 : 200;
                    if (body is not null) await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
                catch (Exception)
                {
                    // stopped, or the client went away
                }
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
