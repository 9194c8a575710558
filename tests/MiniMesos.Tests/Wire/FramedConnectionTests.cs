using System.Buffers.Binary;
using System.Diagnostics;
using MiniMesos.Net.Wire;
using Xunit;

namespace MiniMesos.Tests.Wire;

public sealed class FramedConnectionTests
{
    private readonly CancellationToken Ct = TestContext.Timeout(20);

    [Theory]
    [InlineData(TestTransport.Tcp)]
    [InlineData(TestTransport.Pipe)]
    public async Task FramesRoundTripIncludingEmptyAndLarge(string kind)
    {
        await using var t = await TestTransport.CreateAsync(kind);
        var (client, server) = t.Connections();
        int[] sizes = [0, 1, 300, 65_536, 70_000, 1 << 20];
        Task send = Task.Run(async () =>
        {
            foreach (int n in sizes)
                await client.SendFrameAsync(Pattern(n, (byte)n), Ct);
        });
        foreach (int n in sizes)
        {
            byte[]? frame = await server.ReceiveFrameAsync(Ct);
            Assert.NotNull(frame);
            Assert.Equal(Pattern(n, (byte)n), frame);
        }
        await send;
        await client.DisposeAsync();
        Assert.Null(await server.ReceiveFrameAsync(Ct)); // clean EOF between frames
    }

    [Theory]
    [InlineData(TestTransport.Tcp)]
    [InlineData(TestTransport.Pipe)]
    public async Task ConcurrentSendersNeverInterleaveFrames(string kind)
    {
        await using var t = await TestTransport.CreateAsync(kind);
        var (client, server) = t.Connections();
        const int senders = 8, perSender = 40;
        Task all = Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            for (int i = 0; i < perSender; i++)
                await client.SendFrameAsync(Pattern(100 + 997 * ((s + i) % 90), (byte)s), Ct);
        })));
        var counts = new int[senders];
        for (int i = 0; i < senders * perSender; i++)
        {
            byte[] frame = (await server.ReceiveFrameAsync(Ct))!;
            byte s = frame[0];
            // Each frame must be one sender's pattern from start to end.
            Assert.Equal(Pattern(frame.Length, s), frame);
            counts[s]++;
        }
        await all;
        Assert.All(counts, c => Assert.Equal(perSender, c));
    }

    [Theory]
    [InlineData(TestTransport.Tcp)]
    [InlineData(TestTransport.Pipe)]
    public async Task OversizeFrameIsRejectedBeforeAllocation(string kind)
    {
        await using var t = await TestTransport.CreateAsync(kind);
        var options = new WireOptions { MaxFrameBytes = 1024 };
        var server = new FramedConnection(t.ServerStream, options);
        var client = new FramedConnection(t.ClientStream, options);
        var e = await Assert.ThrowsAsync<WireException>(async () => await client.SendFrameAsync(new byte[1025], Ct));
        Assert.Contains("limit is 1024", e.Message);

        await t.ClientStream.WriteAsync(Header(uint.MaxValue), Ct);
        await t.ClientStream.FlushAsync(Ct);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e2 = await Assert.ThrowsAsync<WireException>(async () => await server.ReceiveFrameAsync(Ct));
        Assert.Contains("frame of 4294967295 bytes, over the limit of 1024", e2.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        // The connection is broken afterwards.
        await Assert.ThrowsAsync<WireException>(async () => await server.ReceiveFrameAsync(Ct));
    }

    [Theory]
    [InlineData(TestTransport.Tcp, 2, 0, "inside a frame header (2 of 4 bytes)")]
    [InlineData(TestTransport.Pipe, 2, 0, "inside a frame header (2 of 4 bytes)")]
    [InlineData(TestTransport.Tcp, 4, 3, "inside a frame (3 of 10 payload bytes)")]
    [InlineData(TestTransport.Pipe, 4, 3, "inside a frame (3 of 10 payload bytes)")]
    public async Task TruncatedFrameFailsClearly(string kind, int headerBytes, int bodyBytes, string expected)
    {
        await using var t = await TestTransport.CreateAsync(kind);
        var server = new FramedConnection(t.ServerStream, WireOptions.Default);
        byte[] partial = [.. Header(10)[..headerBytes], .. new byte[bodyBytes]];
        await t.ClientStream.WriteAsync(partial, Ct);
        await t.ClientStream.FlushAsync(Ct);
        t.ClientStream.Dispose();
        var e = await Assert.ThrowsAsync<WireException>(async () => await server.ReceiveFrameAsync(Ct));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(TestTransport.Tcp)]
    [InlineData(TestTransport.Pipe)]
    public async Task SlowBodyHitsReadTimeoutAndSilenceHitsIdleTimeout(string kind)
    {
        await using var t = await TestTransport.CreateAsync(kind);
        var options = new WireOptions { ReadTimeout = TimeSpan.FromMilliseconds(300), IdleTimeout = TimeSpan.FromMilliseconds(400) };
        var server = new FramedConnection(t.ServerStream, options);
        var sw = Stopwatch.StartNew();
        var idle = await Assert.ThrowsAsync<WireException>(async () => await server.ReceiveFrameAsync(Ct));
        Assert.Contains("timed out waiting for a frame", idle.Message);
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.3, 5);

        await using var t2 = await TestTransport.CreateAsync(kind);
        var server2 = new FramedConnection(t2.ServerStream, options);
        await t2.ClientStream.WriteAsync(Header(100), Ct);
        await t2.ClientStream.WriteAsync(new byte[10], Ct);
        await t2.ClientStream.FlushAsync(Ct);
        sw.Restart();
        var slow = await Assert.ThrowsAsync<WireException>(async () => await server2.ReceiveFrameAsync(Ct));
        Assert.Contains("timed out reading a frame", slow.Message);
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.2, 5);
    }

    [Fact]
    public async Task CallerCancellationIsNotReportedAsTimeout()
    {
        await using var t = await TestTransport.CreateAsync(TestTransport.Pipe);
        var server = new FramedConnection(t.ServerStream, WireOptions.Default);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await server.ReceiveFrameAsync(cts.Token));
    }

    [Fact]
    public async Task GarbageStreamsOnlyYieldFramesNullOrWireException()
    {
        int seed = Environment.TickCount;
        var rng = new Random(seed);
        var options = new WireOptions { MaxFrameBytes = 256, ReadTimeout = TimeSpan.FromSeconds(5) };
        var sw = Stopwatch.StartNew();
        int frames = 0, errors = 0, eofs = 0;
        for (int i = 0; i < 1500; i++)
        {
            byte[] garbage = new byte[rng.Next(0, 600)];
            rng.NextBytes(garbage);
            if (rng.Next(2) == 0 && garbage.Length >= 4) // often a plausible small length
                BinaryPrimitives.WriteUInt32BigEndian(garbage, (uint)rng.Next(0, 300));
            if (i % 4 == 0) // well-formed frames, so clean end-of-stream is exercised too
                garbage = [.. Header(3), 1, 2, 3, .. Header(0)];
            var conn = new FramedConnection(new MemoryStream(garbage, writable: false), options, "fuzz");
            try
            {
                for (int n = 0; n < 10; n++)
                {
                    byte[]? f = await conn.ReceiveFrameAsync(Ct);
                    if (f is null) { eofs++; break; }
                    Assert.InRange(f.Length, 0, 256);
                    frames++;
                }
            }
            catch (WireException)
            {
                errors++;
            }
        }
        Assert.True(frames > 100 && errors > 100 && eofs > 10, $"seed {seed}: {frames} frames, {errors} errors, {eofs} eofs");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"seed {seed}: took {sw.Elapsed}");
    }

    internal static byte[] Pattern(int n, byte first)
    {
        var b = new byte[n];
        for (int i = 0; i < n; i++)
            b[i] = (byte)(first + i * 7);
        if (n > 0) b[0] = first;
        return b;
    }

    private static byte[] Header(uint length)
    {
        var h = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(h, length);
        return h;
    }
}
