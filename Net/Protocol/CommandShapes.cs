using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>The shapes several commands share, each written by one codec: [atMs, string(, string)], [atMs, bin...], [atMs, record].</summary>
internal static class CommandShapes
{
    private const string What = "command";

    /// <summary>[atMs, a]: an id.</summary>
    public static CommandFormat OneString<T>(byte tag, Func<T, string> field, Func<long, string, T> make) where T : ClusterCommand =>
        CommandFormat.Of<T>(tag, 2, (ref MessagePackWriter w, T c, int _) => w.WriteString(field(c)),
            (ref MessagePackReader r, long at, int _) => make(at, MessagePackFields.RequiredString(ref r, What)));

    /// <summary>[atMs, a, b]: an id and a reason, or two ids.</summary>
    public static CommandFormat TwoStrings<T>(byte tag, Func<T, (string A, string B)> fields, Func<long, string, string, T> make) where T : ClusterCommand =>
        CommandFormat.Of<T>(tag, 3,
            (ref MessagePackWriter w, T c, int _) =>
            {
                var (a, b) = fields(c);
                w.WriteString(a);
                w.WriteString(b);
            },
            (ref MessagePackReader r, long at, int _) => make(at, MessagePackFields.RequiredString(ref r, What), MessagePackFields.RequiredString(ref r, What)));

    /// <summary>[atMs, bin...]: sealed secrets, certificates, a whole state.</summary>
    public static CommandFormat Binaries<T>(byte tag, int count, Func<T, byte[][]> fields, Func<long, byte[][], T> make, bool large = false)
        where T : ClusterCommand =>
        CommandFormat.Of<T>(tag, count + 1,
            (ref MessagePackWriter w, T c, int _) =>
            {
                foreach (var field in fields(c)) w.WriteBinary(field);
            },
            (ref MessagePackReader r, long at, int _) =>
            {
                var values = new byte[count][];
                for (var i = 0; i < count; i++) values[i] = r.ReadBinary();
                return make(at, values);
            }, large);

    /// <summary>[atMs, record]: a record written by its own codec.</summary>
    public static CommandFormat Record<T, TRecord>(byte tag, RecordWriter<TRecord> write, RecordReader<TRecord> read, Func<T, TRecord> field,
        Func<long, TRecord, T> make) where T : ClusterCommand =>
        CommandFormat.Of<T>(tag, 2, (ref MessagePackWriter w, T c, int _) => write(ref w, field(c)),
            (ref MessagePackReader r, long at, int _) => make(at, read(ref r)));
}
