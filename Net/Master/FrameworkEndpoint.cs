using Microsoft.Extensions.Logging;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Master;

/// <summary>
/// Serves one connection with handshake role "framework" (docs/protocol.md, "Framework API"). Invalid messages are
/// answered with an error naming the field; the connection carries on.
/// </summary>
internal sealed class FrameworkEndpoint(MasterService master, ILogger logger, Func<string> leaderHint)
{
    public async Task ServeAsync(PeerConnection connection, CancellationToken cancellationToken)
    {
        WireMessage? first;
        try
        {
            first = await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProtocolException e)
        {
            await connection.SendAsync(ErrorOf(e), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (first is not FwSubscribe subscribe)
        {
            if (first is not null)
                await connection.SendAsync(new FwError(first.Type, "t", "a framework's first message must be 'subscribe'"), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (!master.IsLeader)
        {
            await connection.SendAsync(new NotLeader(leaderHint()), cancellationToken).ConfigureAwait(false);
            return;
        }
        FrameworkSession? session = null;
        string? id;
        FwError? error;
        try
        {
            (id, error) = await master.SubscribeFrameworkAsync(subscribe, async fid =>
            {
                await connection.SendAsync(new FwSubscribed(fid, MasterService.FrameworkHeartbeat.TotalSeconds), cancellationToken).ConfigureAwait(false);
                return session = new FrameworkSession(connection, fid);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotLeaderException)
        {
            // Leadership was lost while the registration was being committed: the framework retries at the new leader.
            await connection.SendAsync(new NotLeader(leaderHint()), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (error is not null)
        {
            await connection.SendAsync(error, cancellationToken).ConfigureAwait(false);
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = HeartbeatAsync(session!, stop.Token);
        try
        {
            while (await NextAsync(connection, session!, cancellationToken).ConfigureAwait(false) is { } message)
            {
                if (!await HandleAsync(id!, session!, message, cancellationToken).ConfigureAwait(false)) break;
            }
        }
        catch (NotLeaderException)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await heartbeats.ConfigureAwait(false);
            master.FrameworkDisconnected(session!);
        }
    }

    /// <summary>The next valid message (invalid ones are answered with an error), or null at the end of the connection.</summary>
    private static async Task<WireMessage?> NextAsync(PeerConnection connection, FrameworkSession session, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ProtocolException e)
            {
                await session.SendAsync(ErrorOf(e)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Handles one message; false when the framework tore down.</summary>
    private async Task<bool> HandleAsync(string id, FrameworkSession session, WireMessage message, CancellationToken cancellationToken)
    {
        try
        {
            switch (message)
            {
                case FwAccept accept:
                    if (await master.AcceptOffersAsync(id, accept, cancellationToken).ConfigureAwait(false) is { } refused)
                    {
                        logger.LogInformation("framework {Framework}: accept refused: {Reason}", id, refused.Reason);
                        await session.SendAsync(refused).ConfigureAwait(false);
                    }
                    break;
                case FwDecline decline:
                    if (master.DeclineOffers(id, decline) is { } why) await session.SendAsync(new FwError("decline", "offer_ids", why)).ConfigureAwait(false);
                    break;
                case FwAcknowledge ack:
                    master.AcknowledgeUpdate(id, ack);
                    break;
                case FwKill kill:
                    if (!master.OwnsTask(id, kill.TaskId))
                        await session.SendAsync(new FwError("kill_task", "task_id", $"task '{kill.TaskId}' was not launched by this framework")).ConfigureAwait(false);
                    else if (!await master.KillAsync(kill.TaskId, cancellationToken).ConfigureAwait(false))
                        foreach (var update in master.Reconcile(id, [kill.TaskId])) await session.SendAsync(update).ConfigureAwait(false);
                    break;
                case FwReconcile reconcile:
                    foreach (var update in master.Reconcile(id, reconcile.TaskIds)) await session.SendAsync(update).ConfigureAwait(false);
                    break;
                case FwSuppress or FwRevive:
                    master.SuppressOffers(id, message is FwSuppress);
                    break;
                case FwTeardown:
                    await master.RemoveFrameworkAsync(id, "torn down by the framework", cancellationToken).ConfigureAwait(false);
                    return false;
                case FwHeartbeat:
                    break;
                case Ping ping:
                    await session.SendAsync(new Pong(ping.Sequence)).ConfigureAwait(false);
                    break;
                case FwSubscribe:
                    await session.SendAsync(new FwError("subscribe", "t", "already subscribed on this connection")).ConfigureAwait(false);
                    break;
                default:
                    await session.SendAsync(new FwError(message.Type, "t", $"message type '{message.Type}' is not part of the Framework API")).ConfigureAwait(false);
                    break;
            }
        }
        catch (InvalidOperationException e)
        {
            // The allocator no longer knows the framework (this master is changing leadership): say so, keep serving.
            await session.SendAsync(new FwError(message.Type, "", e.Message)).ConfigureAwait(false);
        }
        return true;
    }

    private static async Task HeartbeatAsync(FrameworkSession session, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(MasterService.FrameworkHeartbeat, cancellationToken).ConfigureAwait(false);
                await session.SendAsync(new FwHeartbeat()).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static FwError ErrorOf(ProtocolException e) => new(e.MessageType ?? "", e.Field ?? "", e.Message);
}
