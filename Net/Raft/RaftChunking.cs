using System.Buffers;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Raft;

/// <summary>How an encoded Raft message larger than one frame is cut into <see cref="RaftChunk"/>s.</summary>
internal static class RaftChunking
{
    /// <summary>Data per chunk: small enough to keep memory per frame low, big enough to keep the overhead negligible.</summary>
    public const int DefaultChunkBytes = 4 * 1024 * 1024;

    /// <summary>Data per chunk for a connection whose frames are at most <paramref name="maxFrameBytes"/>.</summary>
    public static int ChunkBytes(int maxFrameBytes)
    {
        var room = maxFrameBytes - RaftChunkCodec.FrameBytes(0);
        if (room < 1) throw new ArgumentOutOfRangeException(nameof(maxFrameBytes), maxFrameBytes, "too small to carry a raft chunk");
        return Math.Min(DefaultChunkBytes, room);
    }

    /// <summary>The chunks of one transfer, in sending order; each slices <paramref name="payload"/> (no copy).</summary>
    public static IEnumerable<RaftChunk> Split(ReadOnlyMemory<byte> payload, long transferId, int chunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        if (payload.Length == 0 || payload.Length > LargeMessageLimits.MaxBytes)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"a chunked message has 1 to {LargeMessageLimits.MaxBytes} bytes");
        var count = (int)((payload.Length + (long)chunkBytes - 1) / chunkBytes);
        for (var i = 0; i < count; i++)
        {
            var start = i * (long)chunkBytes;
            var length = (int)Math.Min(chunkBytes, payload.Length - start);
            yield return new RaftChunk(transferId, i, count, payload.Length, payload.Slice((int)start, length));
        }
    }

    /// <summary>
    /// Sends <paramref name="payload"/> (an encoded Raft message) as one transfer of chunks, back to back, encoding each
    /// into one reused buffer; <paramref name="between"/> runs after each chunk (the transport's keep-alive). Returns the chunk count.
    /// </summary>
    public static async Task<int> SendAsync(PeerConnection connection, ReadOnlyMemory<byte> payload, long transferId,
        Func<Task> between, CancellationToken ct)
    {
        var chunkBytes = ChunkBytes(connection.MaxFrameBytes);
        var frame = new ArrayBufferWriter<byte>(RaftChunkCodec.FrameBytes(chunkBytes));
        var count = 0;
        foreach (var chunk in Split(payload, transferId, chunkBytes))
        {
            frame.Clear();
            RaftChunkCodec.Encode(chunk, frame);
            await connection.SendEncodedAsync(frame.WrittenMemory, ct).ConfigureAwait(false);
            await between().ConfigureAwait(false);
            count++;
        }
        return count;
    }
}
