using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Protocol;

/// <summary>An authenticated connection that carries application messages: TLS 1.3, then the handshake bound to it.</summary>
internal sealed class PeerConnection : IAsyncDisposable
{
    /// <summary>The first byte of a TLS handshake record: anything else on the cluster port is a plain-text client.</summary>
    private const byte TlsHandshakeRecord = 0x16;

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

    /// <summary>Dials <paramref name="host"/>, checks the server's certificate, and runs the client side of the handshake.</summary>
    public static async Task<PeerConnection> ConnectAsync(string host, int port, HandshakeOptions local, WireOptions options,
        CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(options.ReadTimeout);
            await client.ConnectAsync(host, port, connectTimeout.Token).ConfigureAwait(false);
            Stream stream = client.GetStream();
            byte[]? binding = null;
            string? caSeen = null;
            if (local.Tls is { } tls)
            {
                string? refusal = null;
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                try
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = host,
                        EnabledSslProtocols = SslProtocols.Tls13,
                        CertificateChainPolicy = Security.CaTrust.ChainPolicy(),
                        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                            (refusal = tls.Trust.Check(certificate, chain, out caSeen)) is null,
                    }, connectTimeout.Token).ConfigureAwait(false);
                }
                catch (AuthenticationException e)
                {
                    await ssl.DisposeAsync().ConfigureAwait(false);
                    throw new WireException(refusal is null ? $"TLS with {host}:{port} failed: {e.Message}" : $"refusing {host}:{port}: {refusal}");
                }
                catch (IOException e)
                {
                    await ssl.DisposeAsync().ConfigureAwait(false);
                    throw new WireException($"TLS with {host}:{port} failed: {e.Message} (a minimesos older than TLS on the cluster port, or not a minimesos master?)");
                }
                binding = SHA256.HashData(ssl.RemoteCertificate!.GetRawCertData());
            }
            var frames = new FramedConnection(stream, options, client.Client.RemoteEndPoint?.ToString());
            var peer = await Handshake.ClientAsync(frames, local, cancellationToken, binding).ConfigureAwait(false);
            // Pinned only now: a man in the middle on first contact has a certificate of its own, which the proofs cover.
            local.Tls?.Trust.Remember(caSeen);
            return new PeerConnection(frames, peer, client.Client.RemoteEndPoint, client, Limits(options));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Runs TLS (when this node serves it) and the server side of the handshake on an accepted socket.</summary>
    public static async Task<PeerConnection> AcceptAsync(Socket socket, HandshakeOptions local, WireOptions options,
        CancellationToken cancellationToken)
    {
        socket.NoDelay = true;
        var remote = socket.RemoteEndPoint?.ToString();
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        byte[]? binding = null;
        if (local.Tls?.Server is { } server)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(local.Timeout);
            try
            {
                var first = new byte[1];
                var n = await socket.ReceiveAsync(first, SocketFlags.Peek, timeout.Token).ConfigureAwait(false);
                if (n == 0) throw new WireException($"{remote} closed the connection before TLS");
                if (first[0] != TlsHandshakeRecord) await RefusePlainTextAsync(stream, local, options, remote, timeout.Token).ConfigureAwait(false);
                var issued = server.Current;
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = issued.Context,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    ClientCertificateRequired = false,
                }, timeout.Token).ConfigureAwait(false);
                binding = issued.Binding;
            }
            catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                if (e is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
                throw new WireException($"TLS with {remote} failed: {e.Message}");
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        var frames = new FramedConnection(stream, options, remote);
        try
        {
            var peer = await Handshake.ServerAsync(frames, local, cancellationToken, binding).ConfigureAwait(false);
            return new PeerConnection(frames, peer, socket.RemoteEndPoint, null, Limits(options));
        }
        catch
        {
            await frames.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A plain-text client (an older minimesos, or a framework that skipped TLS) gets one plain "refused" frame saying
    /// why, not a TLS alert it cannot read or a hang; then the connection is closed.
    /// </summary>
    private static async Task RefusePlainTextAsync(Stream stream, HandshakeOptions local, WireOptions options, string? remote, CancellationToken ct)
    {
        const string reason = "this cluster port speaks TLS 1.3 only (docs/protocol.md, \"TLS\"): a plain-text client is refused; upgrade minimesos on this node";
        var frames = new FramedConnection(stream, options, remote);
        try
        {
            await frames.SendFrameAsync(new HandshakeMessage(HandshakeMessage.Refused) { Reason = reason, Node = local.NodeId, Role = local.Role }.Encode(), ct)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is WireException or IOException or OperationCanceledException)
        {
        }
        await frames.DisposeAsync().ConfigureAwait(false);
        throw new HandshakeRefusedException(remote ?? "?", null, null, "a plain-text (non-TLS) client was refused", refusedByPeer: false);
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
