using System.Net;
using System.Net.Sockets;

namespace MiniMesos.Tests;

/// <summary>
/// A TCP relay on a loopback address that forwards to a port on 127.0.0.1. It can be cut (every connection dropped,
/// new ones closed at once: a network partition on that path), healed, or told to drop what it carries (the peers dial
/// again and handshake anew); and it can record every byte it carries, both ways (a wiretap).
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient In, TcpClient Out)> _open = [];
    private readonly List<Task> _pumps = [];
    private readonly MemoryStream? _recorded;
    private readonly Task _accepting;
    private volatile bool _cut;

    public TcpRelay(IPAddress address, int port, int targetPort, bool record = false)
    {
        _listener = new TcpListener(address, port);
        _listener.Start();
        if (record) _recorded = new MemoryStream();
        _accepting = AcceptAsync(targetPort);
    }

    /// <summary>A wiretap on loopback: a free port, every byte recorded.</summary>
    public static TcpRelay Recording(int targetPort) => new(IPAddress.Loopback, 0, targetPort, record: true);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every byte carried so far, both directions in arrival order (empty unless recording).</summary>
    public byte[] Recorded
    {
        get
        {
            if (_recorded is null) return [];
            lock (_recorded) return _recorded.ToArray();
        }
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
            while ((n = await from.GetStream().ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (_recorded is not null)
                {
                    lock (_recorded) _recorded.Write(buffer, 0, n);
                }
                await to.GetStream().WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
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
