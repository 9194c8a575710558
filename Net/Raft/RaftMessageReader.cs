using MiniMesos.Core.Raft;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Raft;

/// <summary>The strict decoding half of <see cref="RaftMessageCodec"/>: field by field, naming the field that is wrong.</summary>
internal static class RaftMessageReader
{
    private const byte MaxKind = (byte)MessageKind.TimeoutNow;

    public static RaftMessage Read(ref MessagePackReader reader)
    {
        if (reader.PeekType() != MessagePackType.Map) throw RaftMessageCodec.Malformed("a message must be a MessagePack map");
        var count = reader.ReadMapHeader();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? type = null;
        ulong? kind = null, from = null, to = null, term = null;
        ulong index = 0, logTerm = 0, commit = 0, rejectHint = 0, context = 0;
        bool reject = false, transfer = false;
        IReadOnlyList<LogEntry> entries = [];
        Snapshot? snapshot = null;
        for (var i = 0; i < count; i++)
        {
            var key = RaftMessageCodec.Key(ref reader);
            if (!seen.Add(key)) throw RaftMessageCodec.Malformed($"key '{key}' appears twice");
            switch (key)
            {
                case "t":
                    if (reader.PeekType() != MessagePackType.String) throw Bad("t", "a string");
                    type = reader.ReadString();
                    break;
                case "kind": kind = UInt(ref reader, key); break;
                case "from": from = UInt(ref reader, key); break;
                case "to": to = UInt(ref reader, key); break;
                case "term": term = UInt(ref reader, key); break;
                case "index": index = UInt(ref reader, key); break;
                case "log_term": logTerm = UInt(ref reader, key); break;
                case "commit": commit = UInt(ref reader, key); break;
                case "reject_hint": rejectHint = UInt(ref reader, key); break;
                case "context": context = UInt(ref reader, key); break;
                case "reject": reject = Bool(ref reader, key); break;
                case "transfer": transfer = Bool(ref reader, key); break;
                case "entries": entries = Entries(ref reader); break;
                case "snapshot": snapshot = ReadSnapshot(ref reader); break;
                default: reader.Skip(); break; // newer peers may add fields
            }
        }
        if (type != RaftMessageCodec.MessageType) throw Bad("t", $"\"{RaftMessageCodec.MessageType}\"");
        if (kind is not { } k || k > MaxKind) throw Bad("kind", $"a message kind (0..{MaxKind})");
        var messageKind = (MessageKind)k;
        if (entries.Count > 0)
        {
            if (messageKind != MessageKind.Append) throw RaftMessageCodec.Malformed($"{messageKind} cannot carry entries");
            if (entries[0].Index != index + 1) throw RaftMessageCodec.Malformed($"first entry {entries[0].Index} does not follow index {index}");
        }
        if ((snapshot is not null) != (messageKind == MessageKind.InstallSnapshot))
        {
            throw RaftMessageCodec.Malformed(snapshot is null ? "InstallSnapshot without a snapshot" : $"{messageKind} cannot carry a snapshot");
        }
        return new RaftMessage(messageKind, from ?? throw Bad("from", "an unsigned integer"), to ?? throw Bad("to", "an unsigned integer"),
            term ?? throw Bad("term", "an unsigned integer"))
        {
            Index = index,
            LogTerm = logTerm,
            Commit = commit,
            Entries = entries,
            Reject = reject,
            RejectHint = rejectHint,
            Context = context,
            Transfer = transfer,
            Snapshot = snapshot,
        };
    }

    private static List<LogEntry> Entries(ref MessagePackReader reader)
    {
        if (reader.PeekType() != MessagePackType.Array) throw Bad("entries", "an array");
        var count = reader.ReadArrayHeader();
        var entries = new List<LogEntry>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            var name = $"entries[{i}]";
            if (reader.PeekType() != MessagePackType.Array || reader.ReadArrayHeader() != 4) throw Bad(name, "an array [index, term, type, data]");
            var index = UInt(ref reader, name + ".index");
            var term = UInt(ref reader, name + ".term");
            var type = UInt(ref reader, name + ".type");
            if (type > (byte)EntryType.Config) throw Bad(name + ".type", "0 (normal) or 1 (config)");
            if (reader.PeekType() != MessagePackType.Binary) throw Bad(name + ".data", "binary data");
            var data = reader.ReadBinary();
            if (i > 0 && index != entries[i - 1].Index + 1) throw RaftMessageCodec.Malformed($"entries are not consecutive at {name}");
            entries.Add(new LogEntry(index, term, (EntryType)type, data.Length == 0 ? LogEntry.Empty : data));
        }
        return entries;
    }

    private static Snapshot ReadSnapshot(ref MessagePackReader reader)
    {
        if (reader.PeekType() != MessagePackType.Map) throw Bad("snapshot", "a map");
        var count = reader.ReadMapHeader();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        ulong? index = null, term = null;
        List<ulong>? voters = null;
        byte[]? data = null;
        for (var i = 0; i < count; i++)
        {
            var key = RaftMessageCodec.Key(ref reader);
            if (!seen.Add(key)) throw RaftMessageCodec.Malformed($"key 'snapshot.{key}' appears twice");
            switch (key)
            {
                case "index": index = UInt(ref reader, "snapshot.index"); break;
                case "term": term = UInt(ref reader, "snapshot.term"); break;
                case "voters":
                    if (reader.PeekType() != MessagePackType.Array) throw Bad("snapshot.voters", "an array of node ids");
                    var n = reader.ReadArrayHeader();
                    voters = new List<ulong>(Math.Min(n, 1024));
                    for (var v = 0; v < n; v++)
                    {
                        var voter = UInt(ref reader, $"snapshot.voters[{v}]");
                        if (voter == 0) throw Bad($"snapshot.voters[{v}]", "a node id (not 0)");
                        voters.Add(voter);
                    }
                    break;
                case "data":
                    if (reader.PeekType() != MessagePackType.Binary) throw Bad("snapshot.data", "binary data");
                    data = reader.ReadBinary();
                    break;
                default: reader.Skip(); break;
            }
        }
        return new Snapshot(new SnapshotMetadata(index ?? throw Bad("snapshot.index", "an unsigned integer"),
                term ?? throw Bad("snapshot.term", "an unsigned integer"),
                new ClusterConfig(voters ?? throw Bad("snapshot.voters", "an array of node ids"))),
            data ?? throw Bad("snapshot.data", "binary data"));
    }

    private static ulong UInt(ref MessagePackReader reader, string name)
    {
        if (reader.PeekType() != MessagePackType.Integer) throw Bad(name, "an unsigned integer");
        return reader.ReadUInt64();
    }

    private static bool Bool(ref MessagePackReader reader, string name)
    {
        if (reader.PeekType() != MessagePackType.Boolean) throw Bad(name, "a boolean");
        return reader.ReadBoolean();
    }

    private static ProtocolException Bad(string name, string what) => RaftMessageCodec.Malformed($"field '{name}' is missing or not {what}");
}
