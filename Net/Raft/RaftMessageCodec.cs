using System.Buffers;
using System.Text;
using MiniMesos.Core.Raft;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Raft;

/// <summary>
/// <see cref="RaftMessage"/> to and from the application message map <c>{"t":"raft", ...}</c> (docs/protocol.md,
/// "Raft messages"). Defaults (0, false, no entries, no snapshot) are left out on the wire. Decoding is strict:
/// anything that is not a well-formed Raft message throws <see cref="ProtocolException"/> and nothing else.
/// </summary>
internal static class RaftMessageCodec
{
    public const string MessageType = "raft";

    public static byte[] Encode(RaftMessage message) => EncodeMemory(message).ToArray();

    /// <summary>As <see cref="Encode(RaftMessage)"/> without the final copy (a snapshot may be large).</summary>
    public static ReadOnlyMemory<byte> EncodeMemory(RaftMessage message)
    {
        // Room for every field besides the entry and snapshot bytes, so a large snapshot is never copied to grow the buffer.
        var buffer = new ArrayBufferWriter<byte>(256 + message.Entries.Sum(e => e.Data.Length + 24) + (message.Snapshot?.Data.Length ?? 0));
        Encode(message, buffer);
        return buffer.WrittenMemory;
    }

    public static void Encode(RaftMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        var w = new MessagePackWriter(output);
        var fields = 5 + (message.Index != 0 ? 1 : 0) + (message.LogTerm != 0 ? 1 : 0) + (message.Commit != 0 ? 1 : 0)
            + (message.Entries.Count != 0 ? 1 : 0) + (message.Reject ? 1 : 0) + (message.RejectHint != 0 ? 1 : 0)
            + (message.Context != 0 ? 1 : 0) + (message.Transfer ? 1 : 0) + (message.Snapshot is not null ? 1 : 0);
        w.WriteMapHeader(fields);
        w.WriteString("t");
        w.WriteString(MessageType);
        UInt(ref w, "kind", (byte)message.Kind);
        UInt(ref w, "from", message.From);
        UInt(ref w, "to", message.To);
        UInt(ref w, "term", message.Term);
        if (message.Index != 0) UInt(ref w, "index", message.Index);
        if (message.LogTerm != 0) UInt(ref w, "log_term", message.LogTerm);
        if (message.Commit != 0) UInt(ref w, "commit", message.Commit);
        if (message.Entries.Count != 0)
        {
            w.WriteString("entries");
            w.WriteArrayHeader(message.Entries.Count);
            foreach (var entry in message.Entries)
            {
                w.WriteArrayHeader(4);
                w.WriteUInt64(entry.Index);
                w.WriteUInt64(entry.Term);
                w.WriteUInt64((byte)entry.Type);
                w.WriteBinary(entry.Data);
            }
        }
        if (message.Reject)
        {
            w.WriteString("reject");
            w.WriteBoolean(true);
        }
        if (message.RejectHint != 0) UInt(ref w, "reject_hint", message.RejectHint);
        if (message.Context != 0) UInt(ref w, "context", message.Context);
        if (message.Transfer)
        {
            w.WriteString("transfer");
            w.WriteBoolean(true);
        }
        if (message.Snapshot is { } snapshot)
        {
            w.WriteString("snapshot");
            w.WriteMapHeader(4);
            UInt(ref w, "index", snapshot.Metadata.Index);
            UInt(ref w, "term", snapshot.Metadata.Term);
            w.WriteString("voters");
            w.WriteArrayHeader(snapshot.Metadata.Config.Voters.Count);
            foreach (var voter in snapshot.Metadata.Config.Voters) w.WriteUInt64(voter);
            w.WriteString("data");
            w.WriteBinary(snapshot.Data);
        }
    }

    /// <summary>Decodes one payload (without the frame length); throws <see cref="ProtocolException"/> saying what is wrong.</summary>
    public static RaftMessage Decode(ReadOnlySpan<byte> payload, MessagePackLimits? limits = null)
    {
        try
        {
            var reader = new MessagePackReader(payload, limits ?? MessagePackLimits.Default);
            var message = RaftMessageReader.Read(ref reader);
            if (!reader.End) throw Malformed("trailing bytes after the message");
            return message;
        }
        catch (MessagePackException e)
        {
            throw Malformed(e.Message);
        }
    }

    internal static ProtocolException Malformed(string detail) => new($"malformed raft: {detail}");

    private static void UInt(ref MessagePackWriter w, string key, ulong value)
    {
        w.WriteString(key);
        w.WriteUInt64(value);
    }

    internal static string Key(ref MessagePackReader reader)
    {
        if (reader.PeekType() != MessagePackType.String) throw Malformed("map keys must be strings");
        return Encoding.UTF8.GetString(reader.ReadStringUtf8());
    }
}
