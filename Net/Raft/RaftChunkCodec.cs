using System.Buffers;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Raft;

/// <summary><see cref="RaftChunk"/> to and from <c>{"t":"raft_chunk","id":int,"seq":int,"count":int,"size":int,"data":bin}</c>.</summary>
internal static class RaftChunkCodec
{
    // Room for the map header and the five small fields around the data.
    private const int Overhead = 96;

    public static byte[] Encode(RaftChunk chunk)
    {
        var buffer = new ArrayBufferWriter<byte>(chunk.Data.Length + Overhead);
        Encode(chunk, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Appends the encoded chunk to <paramref name="output"/> (a sender reuses one buffer for all chunks).</summary>
    public static void Encode(RaftChunk chunk, IBufferWriter<byte> output)
    {
        var w = new MessagePackWriter(output);
        MessageCodec.Header(ref w, chunk, 6);
        w.WriteString("id"); w.WriteInt64(chunk.TransferId);
        w.WriteString("seq"); w.WriteInt64(chunk.Sequence);
        w.WriteString("count"); w.WriteInt64(chunk.Count);
        w.WriteString("size"); w.WriteInt64(chunk.TotalBytes);
        w.WriteString("data"); w.WriteBinary(chunk.Data.Span);
    }

    public static RaftChunk Read(WireFields f) =>
        new(f.Int("id"), f.Int32("seq"), f.Int32("count"), f.Int("size"), f.Binary("data"));

    /// <summary>The frame bytes a chunk of <paramref name="dataBytes"/> needs at most.</summary>
    public static int FrameBytes(int dataBytes) => dataBytes + Overhead;
}
