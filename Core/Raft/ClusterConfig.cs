using System.Buffers.Binary;

namespace MiniMesos.Core.Raft;

/// <summary>
/// The set of voters. Changed one server at a time (§6 / dissertation §4.1): any two majorities of consecutive
/// configurations then overlap, so no joint consensus is needed.
/// </summary>
internal sealed class ClusterConfig : IEquatable<ClusterConfig>
{
    public static readonly ClusterConfig None = new([]);

    private readonly ulong[] _voters;

    public ClusterConfig(IEnumerable<ulong> voters)
    {
        // Sorted and distinct, by hand: LINQ over ulong instantiates its iterators for it (docs/size.md).
        var sorted = new List<ulong>(voters);
        sorted.Sort();
        var distinct = 0;
        for (var i = 0; i < sorted.Count; i++)
            if (i == 0 || sorted[i] != sorted[i - 1]) sorted[distinct++] = sorted[i];
        _voters = sorted.GetRange(0, distinct).ToArray();
        if (Array.IndexOf(_voters, 0UL) >= 0)
        {
            throw new ArgumentException("node id 0 means 'none' and cannot be a voter", nameof(voters));
        }
    }

    public IReadOnlyList<ulong> Voters => _voters;

    public int Quorum => _voters.Length / 2 + 1;

    public bool Contains(ulong id) => Array.BinarySearch(_voters, id) >= 0;

    public ClusterConfig With(ConfigChange change) => change.Kind switch
    {
        ConfigChangeKind.AddVoter => new ClusterConfig(WithVoter(change.NodeId)),
        ConfigChangeKind.RemoveVoter => new ClusterConfig(Array.FindAll(_voters, v => v != change.NodeId)),
        _ => throw new ArgumentOutOfRangeException(nameof(change)),
    };

    private ulong[] WithVoter(ulong id)
    {
        var voters = new ulong[_voters.Length + 1];
        _voters.CopyTo(voters, 0);
        voters[^1] = id;
        return voters;
    }

    /// <summary>Little-endian u64 per voter: the payload of a config log entry.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[_voters.Length * 8];
        for (var i = 0; i < _voters.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), _voters[i]);
        }
        return bytes;
    }

    public static ClusterConfig Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length % 8 != 0)
        {
            throw new FormatException("config entry length is not a multiple of 8");
        }
        var voters = new ulong[data.Length / 8];
        for (var i = 0; i < voters.Length; i++)
        {
            voters[i] = BinaryPrimitives.ReadUInt64LittleEndian(data[(i * 8)..]);
        }
        return new ClusterConfig(voters);
    }

    public bool Equals(ClusterConfig? other) => other is not null && _voters.AsSpan().SequenceEqual(other._voters);

    public override bool Equals(object? obj) => Equals(obj as ClusterConfig);

    public override int GetHashCode() => _voters.Length == 0 ? 0 : HashCode.Combine(_voters.Length, _voters[0], _voters[^1]);

    public override string ToString() => "{" + string.Join(",", _voters) + "}";
}
