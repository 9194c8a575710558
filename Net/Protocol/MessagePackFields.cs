using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>Field helpers shared by the positional codecs (commands, snapshots): maps of strings, optional ints, required strings.</summary>
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

    public static void WriteOptionalInt(ref MessagePackWriter w, int? value)
    {
        if (value is { } v) w.WriteInt64(v);
        else w.WriteNil();
    }

    public static int? ReadOptionalInt(ref MessagePackReader r) => r.TryReadNil() ? null : r.ReadInt32();

    public static string RequiredString(ref MessagePackReader r, string what) =>
        r.ReadString() ?? throw new ProtocolException($"{what}: a required string is nil");
}
