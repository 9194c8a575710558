using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master;

/// <summary>The master's side of one external framework's connection (after SUBSCRIBED).</summary>
internal sealed class FrameworkSession(PeerConnection connection, string frameworkId)
{
    public string FrameworkId => frameworkId;

    public string Remote => connection.Remote;

    /// <summary>Sends without throwing: a dead connection is noticed by the receive loop, which ends the session.</summary>
    public async Task SendAsync(WireMessage message)
    {
        try
        {
            await connection.SendAsync(message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or Wire.WireException)
        {
        }
    }

    /// <summary>Drops the connection (replaced by a newer subscription, torn down, or this master stopped leading).</summary>
    public void Disconnect() => _ = connection.DisposeAsync().AsTask();
}
