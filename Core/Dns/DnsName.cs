using System.Text;

namespace MiniMesos.Core.Dns;

/// <summary>
/// A domain name as its labels (a label may hold dots or spaces, as DNS-SD instance names do).
/// Compares case-insensitively, as DNS does.
/// </summary>
internal sealed class DnsName : IEquatable<DnsName>
{
    public const int MaxLabelBytes = 63;
    public const int MaxNameBytes = 255;

    public static readonly DnsName Root = new([]);

    private readonly string[] _labels;

    public DnsName(IReadOnlyList<string> labels)
    {
        _labels = [.. labels];
        // Wire length: one length byte per label plus its bytes, plus the root byte.
        var total = 1;
        foreach (var label in _labels)
        {
            var n = Encoding.UTF8.GetByteCount(label);
            if (n == 0) throw new DnsFormatException("empty label in a name");
            if (n > MaxLabelBytes) throw new DnsFormatException($"label longer than {MaxLabelBytes} bytes");
            total += 1 + n;
        }
        if (total > MaxNameBytes) throw new DnsFormatException($"name longer than {MaxNameBytes} bytes");
        WireLength = total;
    }

    public IReadOnlyList<string> Labels => _labels;

    public int WireLength { get; }

    /// <summary>Parses dotted text; use the label constructor when a label itself contains a dot.</summary>
    public static DnsName Parse(string dotted)
    {
        var trimmed = dotted.EndsWith('.') ? dotted[..^1] : dotted;
        return trimmed.Length == 0 ? Root : new DnsName(trimmed.Split('.'));
    }

    /// <summary>This name with one more label in front, e.g. an instance label before a service type.</summary>
    public DnsName Prepend(string label) => new([label, .. _labels]);

    /// <summary>The name without its first <paramref name="count"/> labels.</summary>
    public DnsName Suffix(int count) => new(_labels[count..]);

    public bool EndsWith(DnsName suffix)
    {
        if (suffix._labels.Length > _labels.Length) return false;
        var offset = _labels.Length - suffix._labels.Length;
        for (var i = 0; i < suffix._labels.Length; i++)
        {
            if (!string.Equals(_labels[offset + i], suffix._labels[i], StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    public bool Equals(DnsName? other) =>
        other is not null && other._labels.Length == _labels.Length && EndsWith(other);

    public override bool Equals(object? obj) => Equals(obj as DnsName);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var label in _labels) hash.Add(label, StringComparer.OrdinalIgnoreCase);
        return hash.ToHashCode();
    }

    /// <summary>Dotted form with a trailing dot; dots and backslashes inside labels are escaped.</summary>
    public override string ToString()
    {
        if (_labels.Length == 0) return ".";
        var sb = new StringBuilder();
        foreach (var label in _labels)
        {
            sb.Append(label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(".", "\\.", StringComparison.Ordinal));
            sb.Append('.');
        }
        return sb.ToString();
    }

    public static bool operator ==(DnsName? a, DnsName? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(DnsName? a, DnsName? b) => !(a == b);
}
