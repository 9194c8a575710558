using System.Net;
using System.Net.Sockets;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Protocol;

/// <summary>An authenticated connection that carries application messages.</summary>
internal sealed class PeerConnection : IAsyncDisposable
{
    private readonly FramedConnection _frames;
    private readonly MessagePackLimits _limits;
    private readonly IDisposable? _socket;

    private PeerConnection(FramedConnection frames, PeerInfo peer, EndPoint? remote, IDisposable? socket, MessagePackLimits limits)
    {
        _frames = frames;
        Peer = peer;
        Remote = remote?.ToString() ?? "?";
        _socket = socket;
        _limits = limits;
    }

    public PeerInfo Peer { get; }
    public string Remote { get; }

    /// <summary>Dials <paramref name="endpoint"/> and runs the client side of the handshake.</summary>
    public static async Task<PeerConnection> ConnectAsync(string host, int port, HandshakeOptions local, WireOptions options,
        CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(options.ReadTimeout);
                await client.ConnectAsync(host, port, connectTimeout.Token).ConfigureAwait(false);
            }
            var frames = new FramedConnection(client.GetStream(), options);
            var peer = await Handshake.ClientAsync(frames, local, cancellationToken).ConfigureAwait(false);
            return new PeerConnection(frames, peer, client.Client.RemoteEndPoint, client, Limits(options));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Runs the server side of the handshake on an accepted socket.</summary>
    public static async Task<PeerConnection> AcceptAsync(Socket socket, HandshakeOptions local, WireOptions options,
        CancellationToken cancellationToken)
    {
        socket.NoDelay = true;
        var frames = new FramedConnection(new NetworkStream(socket, ownsSocket: true), options);
        try
        {
            var peer = await Handshake.ServerAsync(frames, local, cancellationToken).ConfigureAwait(false);
            return new PeerConnection(frames, peer, socket.RemoteEndPoint, null, Limits(options));
        }
        catch
        {
            await frames.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask SendAsync(WireMessage message, CancellationToken cancellationToken) =>
        _frames.SendFrameAsync(MessageCodec.Encode(message), cancellationToken);

    /// <summary>Sends an already encoded message (one frame, at most <see cref="MaxFrameBytes"/>).</summary>
    public ValueTask SendEncodedAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        _frames.SendFrameAsync(payload, cancellationToken);

    public int MaxFrameBytes => _frames.Options.MaxFrameBytes;

    /// <summary>The next message, or null when the peer closed the connection cleanly.</summary>
    public async ValueTask<WireMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var frame = await _frames.ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
        return frame is null ? null : MessageCodec.Decode(frame, _limits);
    }

    public async ValueTask DisposeAsync()
    {
        await _frames.DisposeAsync().ConfigureAwait(false);
        _socket?.Dispose();
    }

    private static MessagePackLimits Limits(WireOptions options) => MessagePackLimits.Default with { MaxFrameBytes = options.MaxFrameBytes };
}
