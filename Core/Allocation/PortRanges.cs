using System.Collections.Immutable;
using System.Globalization;

namespace MiniMesos.Core.Allocation;

/// <summary>
/// A set of ports as sorted, disjoint, non-adjacent inclusive ranges (the "ports" resource of Mesos).
/// Immutable value: every operation returns a normalised new set, so equality is structural.
/// </summary>
internal readonly struct PortRanges : IEquatable<PortRanges>
{
    private readonly ImmutableArray<PortRange> _ranges;

    private PortRanges(ImmutableArray<PortRange> normalised) => _ranges = normalised;

    public static PortRanges Empty => default;

    public ImmutableArray<PortRange> Ranges => _ranges.IsDefault ? ImmutableArray<PortRange>.Empty : _ranges;

    public bool IsEmpty => Ranges.Length == 0;

    public long Count
    {
        get
        {
            long count = 0;
            foreach (var r in Ranges) count += r.Count;
            return count;
        }
    }

    public static PortRanges Of(params PortRange[] ranges) => Normalise(ranges);

    public static PortRanges Of(IEnumerable<int> ports)
    {
        var ranges = new List<PortRange>();
        foreach (var p in ports) ranges.Add(new PortRange(p, p));
        return Normalise(ranges);
    }

    /// <summary>Parses "31000-32000,8080" (spaces and brackets allowed); throws FormatException naming the bad part.</summary>
    public static PortRanges Parse(string text)
    {
        var parts = text.Trim().Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ranges = new List<PortRange>();
        foreach (var part in parts)
        {
            var dash = part.IndexOf('-');
            var (a, b) = dash < 0 ? (part, part) : (part[..dash].Trim(), part[(dash + 1)..].Trim());
            if (!int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var begin) ||
                !int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var end) ||
                begin > end || end > 65535)
                throw new FormatException($"'{part}' is not a port range (expected N or N-M with N <= M <= 65535)");
            ranges.Add(new PortRange(begin, end));
        }
        return Normalise(ranges);
    }

    public bool Contains(int port)
    {
        foreach (var r in Ranges)
            if (r.Contains(port)) return true;
        return false;
    }

    /// <summary>True when every port of <paramref name="other"/> is in this set.</summary>
    public bool Contains(PortRanges other) => other.Subtract(this).IsEmpty;

    public PortRanges Add(PortRanges other) => Normalise([.. Ranges, .. other.Ranges]);

    public PortRanges Subtract(PortRanges other)
    {
        var result = new List<PortRange>();
        foreach (var range in Ranges)
        {
            var pieces = new List<PortRange> { range };
            foreach (var cut in other.Ranges)
            {
                var next = new List<PortRange>();
                foreach (var p in pieces)
                {
                    if (cut.End < p.Begin || cut.Begin > p.End) { next.Add(p); continue; }
                    if (cut.Begin > p.Begin) next.Add(new PortRange(p.Begin, cut.Begin - 1));
                    if (cut.End < p.End) next.Add(new PortRange(cut.End + 1, p.End));
                }
                pieces = next;
            }
            result.AddRange(pieces);
        }
        return Normalise(result);
    }

    /// <summary>The lowest <paramref name="count"/> ports, or null when there are fewer.</summary>
    public IReadOnlyList<int>? Take(int count)
    {
        var ports = new List<int>(count);
        foreach (var r in Ranges)
        {
            for (var p = r.Begin; p <= r.End && ports.Count < count; p++) ports.Add(p);
            if (ports.Count == count) break;
        }
        return ports.Count == count ? ports : null;
    }

    public IEnumerable<int> Ports
    {
        get
        {
            foreach (var r in Ranges)
                for (var p = r.Begin; p <= r.End; p++) yield return p;
        }
    }

    public bool Equals(PortRanges other) => Ranges.AsSpan().SequenceEqual(other.Ranges.AsSpan());

    public override bool Equals(object? obj) => obj is PortRanges other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var r in Ranges) hash.Add(r);
        return hash.ToHashCode();
    }

    public static bool operator ==(PortRanges a, PortRanges b) => a.Equals(b);

    public static bool operator !=(PortRanges a, PortRanges b) => !a.Equals(b);

    public override string ToString() => IsEmpty ? "[]" : "[" + string.Join(",", Ranges) + "]";

    // Plain loops rather than LINQ here and above: each LINQ operator over this struct is its own compiled copy
    // (docs/size.md).
    private static PortRanges Normalise(IEnumerable<PortRange> ranges)
    {
        var sorted = new List<PortRange>();
        foreach (var r in ranges)
            if (r.Begin <= r.End) sorted.Add(r);
        sorted.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        var merged = ImmutableArray.CreateBuilder<PortRange>();
        foreach (var r in sorted)
        {
            // Adjacent ranges merge too (1-2 and 3-4 are 1-4) so one set has one spelling.
            if (merged.Count > 0 && r.Begin <= merged[^1].End + 1)
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, r.End) };
            else
                merged.Add(r);
        }
        return new PortRanges(merged.ToImmutable());
    }
}
