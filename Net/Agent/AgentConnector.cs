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
    AgentService agent, AgentRegistration registration, string masterHost, int masterPort,
    HandshakeOptions identity, WireOptions wire, ILogger logger)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private string _agentId = "";

    /// <summary>Set once the master has accepted this agent.</summary>
    public TaskCompletionSource<string> Registered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await PeerConnection.ConnectAsync(masterHost, masterPort, identity, wire, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(200);
                await ServeAsync(connection, cancellationToken).ConfigureAwait(false);
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

    private async Task ServeAsync(PeerConnection connection, CancellationToken cancellationToken)
    {
        await connection.SendAsync(registration.ToMessage(_agentId), cancellationToken).ConfigureAwait(false);
        if (await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false) is not AgentRegistered registered)
            throw new ProtocolException("the master's first message must be 'registered'");
        _agentId = registered.AgentId;
        logger.LogInformation("registered with master {Host}:{Port} as agent {Agent}", masterHost, masterPort, _agentId);
        Registered.TrySetResult(_agentId);

        agent.Publish = update => SendQuietly(connection, update, cancellationToken);
        foreach (var update in agent.Unacknowledged()) await connection.SendAsync(update, cancellationToken).ConfigureAwait(false);

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
                        agent.Acknowledge(ack.UpdateId);
                        break;
                    case LogRead read:
                        await connection.SendAsync(agent.ReadLog(read), cancellationToken).ConfigureAwait(false);
                        break;
                    case Ping ping:
                        await connection.SendAsync(new Pong(ping.Sequence), cancellationToken).ConfigureAwait(false);
                        break;
                    case UnknownMessage unknown:
                        logger.LogDebug("master sent unknown message '{Type}'", unknown.UnknownType);
                        break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
    }

    /// <summary>Pings keep the master's idle timeout from firing and reveal a dead connection; unacknowledged updates are resent.</summary>
    private async Task HeartbeatAsync(PeerConnection connection, CancellationToken cancellationToken)
    {
        long sequence = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(HeartbeatInterval, cancellationToken).ConfigureAwait(false);
                await connection.SendAsync(new Ping(++sequence), cancellationToken).ConfigureAwait(false);
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
