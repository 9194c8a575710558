using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;
using MiniMesos.Net.Wire;

namespace MiniMesos.Bench;

/// <summary>
/// Sends one InstallSnapshot of --mb MiB over an authenticated loopback connection the way RaftTransport does
/// (encode once, then RaftChunking.SendAsync) and joins it on the other side the way
/// RaftTransport.ServeAsync does (RaftChunkAssembler, then the raft decoder). Prints the time and the memory.
/// </summary>
internal static class SnapshotTransferBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mb = args.Length == 2 && args[0] == "--mb" && int.TryParse(args[1], out var m) && m > 0 ? m : 50;
        var secret = RandomNumberGenerator.GetBytes(32);
        var data = RandomNumberGenerator.GetBytes(mb * 1024 * 1024);
        var message = new RaftMessage(MessageKind.InstallSnapshot, 1, 2, 3)
        {
            Snapshot = new Snapshot(new SnapshotMetadata(1000, 3, new ClusterConfig([1, 2, 3])), data),
        };

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepting = Task.Run(async () => await PeerConnection.AcceptAsync(await listener.AcceptSocketAsync(), Identity("2", secret),
            WireOptions.Cluster, CancellationToken.None));
        await using var sender = await PeerConnection.ConnectAsync("127.0.0.1", port, Identity("1", secret), WireOptions.Cluster, CancellationToken.None);
        await using var receiver = await accepting;

        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(5);
            }
        });
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var receiving = Task.Run(async () =>
        {
            var assembler = new RaftChunkAssembler();
            while (await receiver.ReceiveAsync(CancellationToken.None) is { } received)
            {
                if (received is RaftChunk chunk && assembler.Add(chunk) is { } whole)
                    return (RaftMessageCodec.Decode(whole, LargeMessageLimits.Reader), whole.Length);
            }
            throw new InvalidOperationException("the connection closed before the transfer ended");
        });
        var payload = RaftMessageCodec.EncodeMemory(message);
        var chunks = await RaftChunking.SendAsync(sender, payload, 1, () => Task.CompletedTask, CancellationToken.None);
        var (joined, bytes) = await receiving;
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;
        if (!joined.Snapshot!.Data.AsSpan().SequenceEqual(data)) throw new InvalidOperationException("the joined snapshot differs");
        const double MiB = 1024 * 1024;
        Console.WriteLine($"snapshot {mb} MiB, raft payload {bytes} bytes in {chunks} chunks: {clock.Elapsed.TotalMilliseconds:0} ms " +
            $"({bytes / MiB / clock.Elapsed.TotalSeconds:0} MiB/s)");
        Console.WriteLine($"managed heap: {baseline / MiB:0} MiB before (the source snapshot), peak {peak / MiB:0} MiB " +
            $"(+{(peak - baseline) / MiB:0} MiB for sender and receiver together, garbage not yet collected included), allocated {(GC.GetTotalAllocatedBytes(true) - allocatedBefore) / MiB:0} MiB");
        return 0;
    }

    private static HandshakeOptions Identity(string node, byte[] secret) => new(node, "master", "bench", secret);
}
