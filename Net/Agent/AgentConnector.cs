using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Agent;

/// <summary>
/// Keeps the agent connected to its master: dial, authenticate, register, serve the master's requests,
/// resend unacknowledged status updates; on any failure wait (growing up to a cap) and dial again.
/// </summary>
internal sealed class AgentConnector(
    AgentService agent, AgentRegistration registration, Func<IReadOnlyList<(string Host, int Port)>> masters,
    HandshakeOptions identity, WireOptions wire, ILogger logger, Routing.RoutingMesh? mesh = null)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private string _agentId = "";
    private int _next;
    private (string Host, int Port)? _leaderHint;

    /// <summary>Set once the master has accepted this agent.</summary>
    public TaskCompletionSource<string> Registered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            // The leader a follower pointed at, else the masters in turn (given, or seen over mDNS).
            var known = masters();
            if (_leaderHint is null && known.Count == 0)
            {
                // Look again every 100 ms: a master found over mDNS is dialled at once (cluster formation, bench/cluster-formation).
                if (_next++ % 100 == 0) logger.LogInformation("no master known yet: waiting for one to appear over mDNS (or give --master)");
                try
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            var (masterHost, masterPort) = _leaderHint ?? known[_next++ % known.Count];
            _leaderHint = null;
            try
            {
                await using var connection = await PeerConnection.ConnectAsync(masterHost, masterPort, identity, wire, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(200);
                if (await ServeAsync(connection, masterHost, masterPort, cancellationToken).ConfigureAwait(false)) continue;
                logger.LogWarning("master {Host}:{Port} closed the connection", masterHost, masterPort);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (HandshakeRefusedException e)
            {
                // Wrong secret or cluster will not fix itself quickly: back off to the cap at once.
                logger.LogError("{Reason}", e.Message);
                backoff = MaxBackoff;
            }
            catch (Exception e) when (e is SocketException or IOException or WireException or ProtocolException or OperationCanceledException)
            {
                logger.LogWarning("cannot reach master {Host}:{Port}: {Error}; retrying in {Delay} ms", masterHost, masterPort, e.Message,
                    (int)backoff.TotalMilliseconds);
            }
            finally
            {
                agent.Publish = null;
                agent.PublishHealth = null;
            }
            try
            {
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>Serves one connection; returns true when the master was not the leader (dial the hint at once).</summary>
    private async Task<bool> ServeAsync(PeerConnection connection, string masterHost, int masterPort, CancellationToken cancellationToken)
    {
        var (tasks, running) = agent.Report();
        await connection.SendAsync(registration.ToMessage(_agentId, tasks, running), cancellationToken).ConfigureAwait(false);
        var answer = await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (answer is NotLeader notLeader)
        {
            logger.LogInformation("master {Host}:{Port} is not the leader; leader: {Leader}", masterHost, masterPort,
                notLeader.Leader.Length > 0 ? notLeader.Leader : "unknown");
            if (notLeader.Leader.Length > 0) _leaderHint = Endpoint.Parse(notLeader.Leader, Defaults.ClusterPort, "leader");
            else await Task.Delay(200, cancellationToken).ConfigureAwait(false); // a new cluster elects within a few hundred ms
            return true;
        }
        if (answer is not AgentRegistered registered)
            throw new ProtocolException("the master's first message must be 'registered' or 'not_leader'");
        _agentId = registered.AgentId;
        logger.LogInformation("registered with master {Host}:{Port} as agent {Agent}", masterHost, masterPort, _agentId);
        Registered.TrySetResult(_agentId);

        agent.Publish = update => SendQuietly(connection, update, cancellationToken);
        foreach (var update in agent.Unacknowledged()) await connection.SendAsync(update, cancellationToken).ConfigureAwait(false);
        agent.PublishHealth = report => SendQuietly(connection, report, cancellationToken);
        foreach (var report in agent.LatestHealth()) await connection.SendAsync(report, cancellationToken).ConfigureAwait(false);
        void ReportMesh() => _ = SendQuietly(connection, MeshStatus(mesh!), cancellationToken);
        if (mesh is not null)
        {
            mesh.StatusChanged += ReportMesh;
            ReportMesh();
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatAsync(connection, stop.Token);
        try
        {
            while (await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } message)
            {
                switch (message)
                {
                    case LaunchTask launch:
                        agent.Launch(launch);
                        break;
                    case KillTask kill:
                        _ = agent.KillAsync(kill);
                        break;
                    case StatusAck ack:
                        _ = agent.AcknowledgeAsync(ack.UpdateId);
                        break;
                    case LogRead read:
                        await connection.SendAsync(agent.ReadLog(read), cancellationToken).ConfigureAwait(false);
                        break;
                    case Ping ping:
                        await connection.SendAsync(new Pong(ping.Sequence), cancellationToken).ConfigureAwait(false);
                        break;
                    case ServiceTableUpdate services:
                        if (mesh is null) break;
                        mesh.Apply(services);
                        ReportMesh(); // the master shows which table version each agent holds
                        break;
                    case UnknownMessage unknown:
                        logger.LogDebug("master sent unknown message '{Type}'", unknown.UnknownType);
                        break;
                }
            }
        }
        finally
        {
            if (mesh is not null) mesh.StatusChanged -= ReportMesh;
            await stop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
        return false;
    }

    private static MeshStatus MeshStatus(Routing.RoutingMesh mesh) =>
        new(mesh.Listening.Count, mesh.TableVersion,
            mesh.Unbound.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value, StringComparer.Ordinal));

    /// <summary>
    /// Pings keep the master's idle timeout from firing and reveal a dead connection, and carry the work dir's disk space;
    /// unacknowledged updates are resent.
    /// </summary>
    private async Task HeartbeatAsync(PeerConnection connection, CancellationToken cancellationToken)
    {
        long sequence = 0;
        try
        {
            // The first ping goes at once: it tells the master the work dir's disk space (shown by /v1/agents) right away.
            var space = agent.WorkDirSpace();
            await connection.SendAsync(new Ping(++sequence, space?.FreeMb, space?.TotalMb), cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(HeartbeatInterval, cancellationToken).ConfigureAwait(false);
                space = agent.WorkDirSpace();
                await connection.SendAsync(new Ping(++sequence, space?.FreeMb, space?.TotalMb), cancellationToken).ConfigureAwait(false);
                foreach (var update in agent.Unacknowledged()) await connection.SendAsync(update, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WireException or ObjectDisposedException)
        {
            // The receive loop notices a broken connection and reconnects.
        }
    }

    private static async Task SendQuietly(PeerConnection connection, WireMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await connection.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WireException or ObjectDisposedException)
        {
            // Kept in the unacknowledged list; the next connection resends it.
        }
    }
}
