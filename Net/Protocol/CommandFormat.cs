using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// One replicated command's codec, registered once in <see cref="CommandRegistry"/>: its tag, its versions (the field
/// counts of its array, atMs included, see <see cref="RecordVersions"/>), which version a command needs, and its fields
/// after atMs. Every command's array starts with atMs, written and read here, not by each command.
/// </summary>
internal sealed class CommandFormat
{
    private readonly Func<ClusterCommand, int> _version;
    private readonly CommandFieldsWriter<ClusterCommand> _write;
    private readonly CommandFieldsReader<ClusterCommand> _read;

    private CommandFormat(byte tag, Type type, RecordVersions versions, Func<ClusterCommand, int> version,
        CommandFieldsWriter<ClusterCommand> write, CommandFieldsReader<ClusterCommand> read, bool large)
    {
        (Tag, Type, Versions, Large) = (tag, type, versions, large);
        (_version, _write, _read) = (version, write, read);
    }

    public byte Tag { get; }

    public Type Type { get; }

    public RecordVersions Versions { get; }

    /// <summary>As large as a Raft snapshot (a restored state): read with <see cref="LargeMessageLimits"/>.</summary>
    public bool Large { get; }

    /// <param name="fieldCounts">The field count of each version, oldest first (atMs included).</param>
    /// <param name="version">The oldest version that holds a command's values (older masters read it).</param>
    public static CommandFormat Of<T>(byte tag, int[] fieldCounts, Func<T, int> version, CommandFieldsWriter<T> write, CommandFieldsReader<T> read,
        bool large = false) where T : ClusterCommand =>
        new(tag, typeof(T), new RecordVersions($"command {typeof(T).Name}", fieldCounts), c => version((T)c),
            (ref MessagePackWriter w, ClusterCommand c, int v) => write(ref w, (T)c, v),
            (ref MessagePackReader r, long at, int v) => read(ref r, at, v), large);

    /// <summary>A command with one layout (version 1).</summary>
    public static CommandFormat Of<T>(byte tag, int fields, CommandFieldsWriter<T> write, CommandFieldsReader<T> read, bool large = false)
        where T : ClusterCommand => Of(tag, [fields], _ => 1, write, read, large);

    public void Write(ref MessagePackWriter w, ClusterCommand command)
    {
        var version = _version(command);
        Versions.WriteHeader(ref w, version);
        w.WriteInt64(command.AtMs);
        _write(ref w, command, version);
    }

    /// <summary>Reads the fields of a command whose array header said <paramref name="fields"/>.</summary>
    public ClusterCommand Read(ref MessagePackReader r, int fields)
    {
        var version = Versions.Of(fields);
        return _read(ref r, r.ReadInt64(), version);
    }
}
