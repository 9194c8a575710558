using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>Field helpers shared by the positional record codecs: lists, maps of strings, optional values, required strings.</summary>
internal static class MessagePackFields
{
    /// <summary>Keys in ordinal order, so equal maps always encode to equal bytes.</summary>
    public static void WriteStringMap(ref MessagePackWriter w, IReadOnlyDictionary<string, string> map)
    {
        w.WriteMapHeader(map.Count);
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteString(k);
            w.WriteString(v);
        }
    }

    public static Dictionary<string, string> ReadStringMap(ref MessagePackReader r, string what)
    {
        var count = r.ReadMapHeader();
        var map = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++) map[RequiredString(ref r, what)] = RequiredString(ref r, what);
        return map;
    }

    /// <summary>A map of strings, or nil.</summary>
    public static void WriteOptionalMap(ref MessagePackWriter w, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null) w.WriteNil();
        else WriteStringMap(ref w, map);
    }

    public static Dictionary<string, string>? ReadOptionalMap(ref MessagePackReader r, string what) =>
        r.TryReadNil() ? null : ReadStringMap(ref r, what);

    /// <summary>An array of strings, or nil.</summary>
    public static void WriteStrings(ref MessagePackWriter w, IReadOnlyList<string>? values)
    {
        if (values is null) w.WriteNil();
        else WriteList(ref w, values, (ref MessagePackWriter w, string v) => w.WriteString(v));
    }

    public static List<string>? ReadStrings(ref MessagePackReader r, string what)
    {
        if (r.TryReadNil()) return null;
        var list = new List<string>();
        for (var n = r.ReadArrayHeader(); n > 0; n--) list.Add(RequiredString(ref r, what));
        return list;
    }

    /// <summary>An array of records, each written by <paramref name="write"/>: the count is the collection's.</summary>
    public static void WriteList<T>(ref MessagePackWriter w, IReadOnlyCollection<T> items, RecordWriter<T> write)
    {
        w.WriteArrayHeader(items.Count);
        foreach (var item in items) write(ref w, item);
    }

    public static List<T> ReadList<T>(ref MessagePackReader r, RecordReader<T> read)
    {
        var count = r.ReadArrayHeader();
        var list = new List<T>(Math.Min(count, 4096));
        for (var i = 0; i < count; i++) list.Add(read(ref r));
        return list;
    }

    public static void WriteOptionalInt(ref MessagePackWriter w, long? value)
    {
        if (value is { } v) w.WriteInt64(v);
        else w.WriteNil();
    }

    public static int? ReadOptionalInt(ref MessagePackReader r) => r.TryReadNil() ? null : r.ReadInt32();

    public static long? ReadOptionalLong(ref MessagePackReader r) => r.TryReadNil() ? null : r.ReadInt64();

    public static string RequiredString(ref MessagePackReader r, string what) =>
        r.ReadString() ?? throw new ProtocolException($"{what}: a required string is nil");
}
