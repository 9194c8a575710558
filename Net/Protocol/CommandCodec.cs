using System.Buffers;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// Cluster commands as replicated log entries: one tag byte, one format-version byte, then a MessagePack array of the
/// fields, written by the command's codec (<see cref="CommandRegistry"/>). The tag lets a master refuse a command type it
/// does not know instead of misreading it (mixed-version clusters); tags are never reused. A command's own versions
/// are its field counts (<see cref="RecordVersions"/>); the format-version byte has stayed 1.
/// </summary>
internal static class CommandCodec
{
    public const byte Version = 1;

    public static byte[] Encode(ClusterCommand command)
    {
        var format = CommandRegistry.For(command);
        var buffer = new ArrayBufferWriter<byte>(128);
        buffer.Write([format.Tag, Version]);
        var w = new MessagePackWriter(buffer);
        format.Write(ref w, command);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a log entry; throws <see cref="ProtocolException"/> for an unknown tag or version, naming it.</summary>
    public static ClusterCommand Decode(ReadOnlySpan<byte> entry)
    {
        if (entry.Length < 2) throw new ProtocolException("command entry shorter than its 2-byte header");
        if (entry[1] != Version) throw new ProtocolException($"command tag {entry[0]} has format version {entry[1]}; this master reads version {Version}: upgrade it");
        var format = CommandRegistry.ForTag(entry[0])
            ?? throw new ProtocolException($"unknown command tag {entry[0]}: written by a newer master? upgrade this one");
        var name = format.Type.Name;
        try
        {
            // A restored state may be as large as a Raft snapshot; every other command fits the default limits.
            var r = new MessagePackReader(entry[2..], format.Large ? LargeMessageLimits.Reader : null);
            var command = format.Read(ref r, r.ReadArrayHeader());
            if (!r.End) throw new ProtocolException($"command {name}: trailing bytes");
            return command;
        }
        catch (MessagePackException e)
        {
            throw new ProtocolException($"command {name}: {e.Message}");
        }
    }
}
