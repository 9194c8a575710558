using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MiniMesos.Net.Routing;
using Xunit;

namespace MiniMesos.Tests.Routing;

/// <summary>The mesh's relay with real loopback sockets, through splice(2) and through the buffer copy fallback: every byte
/// arrives in order both ways, past socket buffers smaller than a splice (the splice into a full socket takes its waiting
/// path), and a half-close passes through.</summary>
[Trait("Category", "Slow")]
public sealed class TcpPumpTests
{
    private static async Task<(Socket Near, Socket Far)> PairAsync(int? buffers = null)
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var near = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (buffers is { } b) (near.SendBufferSize, near.ReceiveBufferSize) = (b, b);
        await near.ConnectAsync(listener.LocalEndPoint!);
        var far = await listener.AcceptAsync();
        far.NoDelay = true;
        if (buffers is { } c) (far.SendBufferSize, far.ReceiveBufferSize) = (c, c);
        return (near, far);
    }

    private static async Task<byte[]> ReadToEndAsync(Socket s)
    {
        using var all = new MemoryStream();
        var buffer = new byte[7000];
        for (var i = 0; i < 1_000_000; i++)
        {
            var n = await s.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0) return all.ToArray();
            all.Write(buffer, 0, n);
        }
        throw new InvalidOperationException("no end of stream");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RelaysEveryByteBothWaysAndPassesAHalfCloseThrough(bool splice)
    {
        TcpPump.UseSplice = splice;
        try
        {
            var (client, meshSide) = await PairAsync();
            // Socket buffers far below the relay's 256 KiB pipe: splicing into the upstream socket finds it full.
            var (upstream, backend) = await PairAsync(buffers: 32 * 1024);
            using (client)
            using (backend)
            {
                var relay = TcpPump.RunAsync(meshSide, upstream, CancellationToken.None);
                var request = RandomNumberGenerator.GetBytes(4 * 1024 * 1024 + 123);
                var received = ReadToEndAsync(backend);    // ends when the client's half-close has passed through
                await client.SendAsync(request, SocketFlags.None);
                client.Shutdown(SocketShutdown.Send);
                Assert.Equal(SHA256.HashData(request), SHA256.HashData(await received.WaitAsync(TimeSpan.FromSeconds(60))));

                var reply = RandomNumberGenerator.GetBytes(1024 * 1024 + 7);
                var back = ReadToEndAsync(client);
                await backend.SendAsync(reply, SocketFlags.None);
                backend.Shutdown(SocketShutdown.Send);
                Assert.Equal(SHA256.HashData(reply), SHA256.HashData(await back.WaitAsync(TimeSpan.FromSeconds(60))));
                await relay.WaitAsync(TimeSpan.FromSeconds(10));   // both directions ended: the relay closes its sockets
            }
        }
        finally
        {
            TcpPump.UseSplice = true;
        }
    }

    [Fact]
    public async Task EndsWhenStoppedOrResetWhileWaitingForRoomTowardAnInstanceThatReadsNothing()
    {
        foreach (var reset in new[] { false, true })
        {
            var (client, meshSide) = await PairAsync();
            var (upstream, backend) = await PairAsync(buffers: 32 * 1024);
            using var stop = new CancellationTokenSource();
            using (client)
            using (backend)
            {
                var relay = TcpPump.RunAsync(meshSide, upstream, stop.Token);
                // The backend reads nothing: its window and the relay's send buffer fill, the relay waits for room.
                _ = client.SendAsync(new byte[8 * 1024 * 1024], SocketFlags.None);
                await WaitUntilAsync(() => backend.Available >= 32 * 1024);
                Assert.False(relay.IsCompleted);
                if (reset) backend.LingerState = new LingerOption(true, 0);
                if (reset) backend.Close();
                else await stop.CancelAsync();
                await relay.WaitAsync(TimeSpan.FromSeconds(30));   // the wait ended, the relay closed both its sockets
                Assert.Equal(0, await ReceiveOrResetAsync(client).WaitAsync(TimeSpan.FromSeconds(30)));   // the client's connection ended too
            }
        }
    }

    private static async Task<int> ReceiveOrResetAsync(Socket s)
    {
        try
        {
            return await s.ReceiveAsync(new byte[1], SocketFlags.None);
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
