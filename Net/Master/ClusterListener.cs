using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master.Status;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Master;

/// <summary>
/// The master's cluster port (default 5051): authenticates every connection, then serves agents. A peer
/// that fails the handshake gets one log line and nothing else.
/// </summary>
internal sealed class ClusterListener(
    MasterService master, HandshakeOptions identity, WireOptions wire, ILogger logger,
    Func<string> leaderHint, Func<PeerConnection, CancellationToken, Task> serveMaster)
{
    /// <summary>Binds at once (so "address in use" surfaces to the caller), then accepts until cancelled.</summary>
    public Task RunAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endpoint);
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return AcceptAsync(listener, cancellationToken);
    }

    private async Task AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        using var owned = listener;
        var sessions = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
                sessions.RemoveAll(t => t.IsCompleted);
                sessions.Add(ServeAsync(socket, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(sessions).ConfigureAwait(false);
    }

    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        PeerConnection connection;
        try
        {
            connection = await PeerConnection.AcceptAsync(socket, identity, wire, cancellationToken).ConfigureAwait(false);
        }
        catch (HandshakeRefusedException e)
        {
            logger.LogWarning("{Reason}", e.Message);
            return;
        }
        catch (Exception e) when (e is WireException or IOException or SocketException or OperationCanceledException or ProtocolException)
        {
            if (!cancellationToken.IsCancellationRequested) logger.LogWarning("connection from {Remote} dropped during the handshake: {Error}", remote, e.Message);
            socket.Dispose();
            return;
        }
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                switch (connection.Peer.Role)
                {
                    case "agent":
                        await ServeAgentAsync(connection, cancellationToken).ConfigureAwait(false);
                        break;
                    case "framework":
                        await new FrameworkEndpoint(master, logger, leaderHint).ServeAsync(connection, cancellationToken).ConfigureAwait(false);
                        break;
                    case "master":
                        await serveMaster(connection, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        logger.LogWarning("connection from {Remote} ({Role} {Node}) closed: unknown role", remote, connection.Peer.Role, connection.Peer.NodeId);
                        break;
                }
            }
            catch (Exception e) when (e is WireException or IOException or SocketException or ProtocolException
                                           or NotLeaderException) // an agent registering as leadership moves: it reconnects
            {
                logger.LogWarning("connection from {Remote} closed: {Error}", remote, e.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private async Task ServeAgentAsync(PeerConnection connection, CancellationToken cancellationToken)
    {
        if (await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false) is not RegisterAgent register)
            throw new ProtocolException("an agent's first message must be 'register'");
        if (!master.IsLeader)
        {
            // Agents talk to the leader only: tell this one where to go.
            await connection.SendAsync(new NotLeader(leaderHint()), cancellationToken).ConfigureAwait(false);
            return;
        }
        var agentId = register.AgentId.Length > 0 ? register.AgentId : connection.Peer.NodeId;
        var session = new AgentSession(connection) { AllowedUsers = register.AllowedUsers };
        if (register.IsolationMissing.Count > 0)
            logger.LogWarning("agent {Agent}: isolation incomplete: {Missing}", agentId, string.Join("; ", register.IsolationMissing));
        var reason = "connection closed";
        var acks = new StatusAckQueue((id, ct) => connection.SendAsync(new StatusAck(id), ct).AsTask(), session.Disconnect);
        try
        {
            // The session is among the connected agents from here on, so launches may already be queued on it; they
            // wait for Open: the agent's first message must be 'registered'. Any failure from here on (the commit
            // refused because this master stopped leading, the send failing) still ends in the finally below, so
            // the session never stays behind as a connected agent.
            await master.AgentConnectedAsync(new AgentRecord(agentId, register.Hostname, new Resources(register.Cpus, register.Mem, register.Disk),
                register.Attributes, 0, register.Ports), session, cancellationToken,
                register.Tasks is null ? null : new AgentReport(register.Tasks.ToHashSet(StringComparer.Ordinal), (register.Running ?? []).ToHashSet(StringComparer.Ordinal)))
                .ConfigureAwait(false);
            await connection.SendAsync(new AgentRegistered(agentId), cancellationToken).ConfigureAwait(false);
            session.Open();
            while (await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } message)
            {
                master.Heard(agentId);
                switch (message)
                {
                    case StatusUpdate update:
                        // Queued for its commit in the order sent, and acknowledged in that order once committed, or when it
                        // can never apply (stale, duplicate): resending would not help. The next message is read meanwhile.
                        if (acks.IsWaiting(update.UpdateId)) break; // resent while its first copy commits
                        await acks.WaitForRoomAsync().ConfigureAwait(false);
                        Task committed = Task.CompletedTask;
                        if (TaskStates.TryParseWire(update.State, out var state))
                            committed = await master.QueueStatusUpdateAsync(agentId, update.TaskId, state, update.ExitCode, update.Signal, update.Message,
                                cancellationToken).ConfigureAwait(false);
                        else
                            logger.LogWarning("agent {Agent} sent unknown task state '{State}'", agentId, update.State);
                        acks.Add(update.UpdateId, committed, cancellationToken);
                        break;
                    case LogData data:
                        session.Complete(data);
                        break;
                    case HealthReport health:
                        master.HealthReported(agentId, health.Health);
                        break;
                    case MeshStatus mesh:
                        master.MeshReported(agentId, mesh);
                        break;
                    case Ping ping:
                        if (ping.DiskFreeMb is { } free && ping.DiskTotalMb is { } total) master.DiskReported(agentId, session, free, total);
                        await connection.SendAsync(new Pong(ping.Sequence), cancellationToken).ConfigureAwait(false);
                        break;
                    case UnknownMessage unknown:
                        logger.LogDebug("agent {Agent} sent unknown message '{Type}'", agentId, unknown.UnknownType);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WireException or IOException or ProtocolException or NotLeaderException or ObjectDisposedException)
        {
            // Not the leader any more: closing sends the agent on to the new one; its unacknowledged updates go there.
            reason = e.Message;
        }
        finally
        {
            acks.Abandon();
            session.Close();
            await master.AgentDisconnectedAsync(agentId, session, cancellationToken.IsCancellationRequested ? "master shutting down" : reason)
                .ConfigureAwait(false);
        }
    }
}
