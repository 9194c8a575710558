using MiniMesos.Net.Protocol;
using MiniMesos.Net.Security;
using MiniMesos.Net.Wire;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>A C# Framework API client for tests: subscribes, keeps messages it was not waiting for, acknowledges updates.</summary>
internal sealed class FrameworkClient : IAsyncDisposable
{
    private readonly PeerConnection _connection;
    private readonly List<WireMessage> _stash = [];
    private readonly List<WireMessage> _received = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeats;

    private FrameworkClient(PeerConnection connection, string id)
    {
        _connection = connection;
        FrameworkId = id;
        _heartbeats = HeartbeatAsync();
    }

    public string FrameworkId { get; }

    /// <summary>Every message received so far but heartbeats, in order (whether a test waited for it or not).</summary>
    public IReadOnlyList<WireMessage> Received => _received;

    public static Task<FrameworkClient> SubscribeAsync(InProcessCluster cluster, string name, double failoverTimeout, string? id = null,
        string role = "*") => SubscribeAsync(cluster.ClusterPort.Port, cluster.Secret, name, failoverTimeout, id, role);

    /// <summary>Subscribes at the master on this loopback cluster port; throws with the answer when it is not <c>subscribed</c>.</summary>
    public static async Task<FrameworkClient> SubscribeAsync(int clusterPort, ClusterSecret secret, string name, double failoverTimeout,
        string? id = null, string role = "*")
    {
        var connection = await PeerConnection.ConnectAsync("127.0.0.1", clusterPort,
            new HandshakeOptions("test-framework", "framework", "test", secret.Key) { Tls = TestTls.Client() }, WireOptions.Cluster, CancellationToken.None);
        await connection.SendAsync(new FwSubscribe(id, name, role, failoverTimeout), CancellationToken.None);
        var reply = await connection.ReceiveAsync(CancellationToken.None);
        if (reply is not FwSubscribed subscribed)
        {
            await connection.DisposeAsync();
            throw new InvalidOperationException($"subscribe answered with {reply}");
        }
        return new FrameworkClient(connection, subscribed.FrameworkId);
    }

    public ValueTask SendAsync(WireMessage message) => _connection.SendAsync(message, CancellationToken.None);

    /// <summary>The next message of type T matching <paramref name="match"/>; updates with a uuid are acknowledged on arrival.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? match = null, double seconds = 20) where T : WireMessage
    {
        var found = _stash.OfType<T>().FirstOrDefault(m => match?.Invoke(m) != false);
        if (found is not null)
        {
            _stash.Remove(found);
            return found;
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var message = await _connection.ReceiveAsync(timeout.Token) ?? throw new IOException("the master closed the connection");
            if (message is FwHeartbeat) continue;
            _received.Add(message);
            if (message is FwUpdate { Uuid.Length: > 0 } update) await SendAsync(new FwAcknowledge(update.Uuid, update.TaskId));
            if (message is T typed && match?.Invoke(typed) != false) return typed;
            _stash.Add(message);
        }
    }

    /// <summary>Reads (and keeps) whatever still arrives until the master closes the connection; a TimeoutException if it does not.</summary>
    public async Task ClosedByMasterAsync(double seconds)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            while (await _connection.ReceiveAsync(timeout.Token) is { } message) _received.Add(message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the master did not close the connection within {seconds} s");
        }
        catch (Exception e) when (e is IOException or WireException)
        {
            // Reset rather than closed cleanly: closed all the same.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeats;
        await _connection.DisposeAsync();
    }

    private async Task HeartbeatAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token); // the protocol: send something at least every 2 s
                await SendAsync(new FwHeartbeat());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or WireException)
        {
        }
    }
}
