using System.Net;
using System.Net.Sockets;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// A TCP relay on a loopback address that forwards to a port on 127.0.0.1, and can be cut (every connection dropped,
/// new ones closed at once: a network partition on that path), healed, or told to drop what it carries (the peers dial
/// again and handshake anew).
/// </summary>
internal sealed class CuttableRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient In, TcpClient Out)> _open = [];
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private volatile bool _cut;

    public CuttableRelay(IPAddress address, int port, int targetPort)
    {
        _listener = new TcpListener(address, port);
        _listener.Start();
        _accepting = AcceptAsync(targetPort);
    }

    public void Cut()
    {
        _cut = true;
        DropAll();
    }

    public void Heal() => _cut = false;

    public void DropAll()
    {
        lock (_open)
        {
            foreach (var (inbound, outbound) in _open)
            {
                inbound.Dispose();
                outbound.Dispose();
            }
            _open.Clear();
        }
    }

    private async Task AcceptAsync(int targetPort)
    {
        try
        {
            while (true)
            {
                var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
                if (_cut)
                {
                    inbound.Dispose();
                    continue;
                }
                var outbound = new TcpClient();
                try
                {
                    await outbound.ConnectAsync(IPAddress.Loopback, targetPort, _stop.Token);
                }
                catch (SocketException)
                {
                    inbound.Dispose();
                    outbound.Dispose();
                    continue;
                }
                lock (_open)
                {
                    _open.Add((inbound, outbound));
                    _pumps.Add(PumpAsync(inbound, outbound));
                    _pumps.Add(PumpAsync(outbound, inbound));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await from.GetStream().ReadAsync(buffer, _stop.Token)) > 0) await to.GetStream().WriteAsync(buffer.AsMemory(0, n), _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        DropAll();
        Task[] pumps;
        lock (_open) pumps = [.. _pumps];
        await Task.WhenAll(pumps).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
