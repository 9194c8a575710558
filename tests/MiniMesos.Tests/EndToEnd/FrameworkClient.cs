using MiniMesos.Net.Protocol;
using MiniMesos.Net.Security;
using MiniMesos.Net.Wire;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>A C# Framework API client for tests: subscribes, keeps messages it was not waiting for, acknowledges updates.</summary>
internal sealed class FrameworkClient : IAsyncDisposable
{
    private readonly PeerConnection _connection;
    private readonly List<WireMessage> _stash = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeats;

    private FrameworkClient(PeerConnection connection, string id)
    {
        _connection = connection;
        FrameworkId = id;
        _heartbeats = HeartbeatAsync();
    }

    public string FrameworkId { get; }

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
            if (message is FwUpdate { Uuid.Length: > 0 } update) await SendAsync(new FwAcknowledge(update.Uuid, update.TaskId));
            if (message is T typed && match?.Invoke(typed) != false) return typed;
            _stash.Add(message);
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
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
                await SendAsync(new FwHeartbeat());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or WireException)
        {
        }
    }
}
