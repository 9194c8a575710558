using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using MiniMesos.Net.Wire;

namespace MiniMesos.Tests.Wire;

/// <summary>Two connected streams: real loopback TCP sockets or an in-memory pipe pair.</summary>
internal sealed class TestTransport : IAsyncDisposable
{
    public const string Tcp = "tcp";
    public const string Pipe = "pipe";

    private readonly List<IDisposable> _owned = [];

    private TestTransport(Stream client, Stream server)
    {
        ClientStream = client;
        ServerStream = server;
    }

    public Stream ClientStream { get; }

    public Stream ServerStream { get; }

    public static async Task<TestTransport> CreateAsync(string kind)
    {
        if (kind == Pipe)
        {
            var toServer = new System.IO.Pipelines.Pipe();
            var toClient = new System.IO.Pipelines.Pipe();
            return new TestTransport(new DuplexPipeStream(toClient.Reader, toServer.Writer), new DuplexPipeStream(toServer.Reader, toClient.Writer));
        }
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var client = new TcpClient { NoDelay = true };
            Task<TcpClient> accept = listener.AcceptTcpClientAsync();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            TcpClient server = await accept;
            server.NoDelay = true;
            var t = new TestTransport(client.GetStream(), server.GetStream());
            t._owned.Add(client);
            t._owned.Add(server);
            return t;
        }
        finally
        {
            listener.Stop();
        }
    }

    public (FramedConnection Client, FramedConnection Server) Connections(WireOptions? options = null) =>
        (new FramedConnection(ClientStream, options ?? WireOptions.Default), new FramedConnection(ServerStream, options ?? WireOptions.Default));

    public async ValueTask DisposeAsync()
    {
        await ClientStream.DisposeAsync();
        await ServerStream.DisposeAsync();
        foreach (IDisposable d in _owned)
            d.Dispose();
    }

    /// <summary>A bidirectional stream over two pipes; disposing it completes both ends so the peer sees EOF.</summary>
    private sealed class DuplexPipeStream(PipeReader input, PipeWriter output) : Stream
    {
        private readonly Stream _in = input.AsStream();
        private readonly Stream _out = output.AsStream();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _in.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _out.WriteAsync(buffer, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => _out.FlushAsync(cancellationToken);
        public override void Flush() => _out.Flush();
        public override int Read(byte[] buffer, int offset, int count) => _in.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => _out.Write(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _in.Dispose();
                _out.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
