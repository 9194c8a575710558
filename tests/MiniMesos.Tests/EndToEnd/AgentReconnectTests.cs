using MiniMesos.Net.Http;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Wire;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// The master's side of an agent that reconnects while a task placed on it is still STAGING (what every agent
/// does after a leader failover): a scripted agent speaks the wire protocol to a real master.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AgentReconnectTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RegisteredComesBeforeTheResentLaunch()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        using var client = cluster.Client();
        var identity = new HandshakeOptions("scripted-agent", "agent", "test", cluster.Secret.Key) { Tls = TestTls.Client() };

        await using (var first = await RegisterAsync(cluster, identity))
        {
            Assert.IsType<AgentRegistered>(await ReceiveAsync(first));
            var task = await client.SubmitAsync(new TaskSubmitRequest(["/bin/true"], null, "staging", 0.1, 32, null), CancellationToken.None);
            var launch = Assert.IsType<LaunchTask>(await ReceiveAsync(first));
            Assert.Equal(task.Id, launch.TaskId);
            // No status update: the task stays STAGING on this agent, as when a leader died before the agent answered.
        }

        await using var second = await RegisterAsync(cluster, identity);
        // The agent drops a connection whose first message is anything but 'registered' (it did, in a loop, after failovers).
        Assert.IsType<AgentRegistered>(await ReceiveAsync(second));
        Assert.IsType<LaunchTask>(await ReceiveAsync(second));
    }

    private static async Task<PeerConnection> RegisterAsync(InProcessCluster cluster, HandshakeOptions identity)
    {
        var connection = await PeerConnection.ConnectAsync("127.0.0.1", cluster.ClusterPort.Port, identity, WireOptions.Cluster, CancellationToken.None);
        await connection.SendAsync(new RegisterAgent("scripted-agent", "scripted", 1, 256, 256, new Dictionary<string, string>(), []),
            CancellationToken.None);
        return connection;
    }

    /// <summary>The next message other than the routing mesh's service table, which the master pushes to every agent.</summary>
    private static async Task<WireMessage?> ReceiveAsync(PeerConnection connection)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var message = await connection.ReceiveAsync(timeout.Token);
            if (message is not ServiceTableUpdate) return message;
        }
    }
}
