using System.Text;

namespace MiniMesos.Core.Dns;

/// <summary>A TXT record: a list of character-strings (each at most 255 bytes), compared by value.</summary>
internal sealed record TxtRecordData : DnsRecordData
{
    public TxtRecordData(IReadOnlyList<byte[]> strings)
    {
        foreach (var s in strings)
        {
            if (s.Length > 255) throw new DnsFormatException("TXT string longer than 255 bytes");
        }
        Strings = strings;
    }

    public IReadOnlyList<byte[]> Strings { get; }

    public override ushort Type => DnsType.Txt;

    /// <summary>DNS-SD key=value pairs (RFC 6763 §6); an empty map is one empty string, as the RFC asks.</summary>
    public static TxtRecordData FromPairs(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var strings = pairs.Select(p => Encoding.UTF8.GetBytes($"{p.Key}={p.Value}")).ToList();
        if (strings.Count == 0) strings.Add([]);
        return new TxtRecordData(strings);
    }

    /// <summary>Reads key=value pairs; the first occurrence of a key wins (RFC 6763 §6.4); keys without '=' map to "".</summary>
    public IReadOnlyDictionary<string, string> ToPairs()
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in Strings)
        {
            if (s.Length == 0) continue;
            var text = Encoding.UTF8.GetString(s);
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? text : text[..eq];
            if (key.Length == 0) continue;
            result.TryAdd(key, eq < 0 ? "" : text[(eq + 1)..]);
        }
        return result;
    }

    public override void Write(DnsWriter writer)
    {
        foreach (var s in Strings)
        {
            writer.WriteByte((byte)s.Length);
            writer.WriteBytes(s);
        }
    }

    public bool Equals(TxtRecordData? other) =>
        other is not null && other.Strings.Count == Strings.Count &&
        Strings.Zip(other.Strings).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    public override int GetHashCode() => HashCode.Combine(Type, Strings.Count);
}
