using System.Buffers.Binary;

namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>A client write: set Key to Value. (ClientId, Seq) makes retries idempotent in the state machine.</summary>
internal readonly record struct KvCommand(int ClientId, int Seq, int Key, ulong Value)
{
    public const int Size = 20;

    public byte[] Encode()
    {
        var b = new byte[Size];
        BinaryPrimitives.WriteInt32LittleEndian(b, ClientId);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), Seq);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(8), Key);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(12), Value);
        return b;
    }

    public static KvCommand Decode(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadInt32LittleEndian(b),
        BinaryPrimitives.ReadInt32LittleEndian(b[4..]),
        BinaryPrimitives.ReadInt32LittleEndian(b[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[12..]));
}
