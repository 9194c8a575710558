namespace MiniMesos.Net.Raft;

/// <summary>
/// Master -> master: one piece of a Raft message too large for one frame (a big InstallSnapshot or Append).
/// The pieces of one transfer go in order on one connection; the receiver joins them and decodes the whole as a
/// "raft" payload (docs/protocol.md, "Chunked Raft messages"; <see cref="RaftChunkAssembler"/>).
/// </summary>
internal sealed record RaftChunk(long TransferId, int Sequence, int Count, long TotalBytes, ReadOnlyMemory<byte> Data)
    : Protocol.WireMessage
{
    public const string MessageType = "raft_chunk";

    public override string Type => MessageType;
}
