using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Protocol;

/// <summary>
/// Golden vectors: the bytes of every command layout and snapshot format, as the release before the per-record codecs
/// wrote them (Fixtures/codec-golden.txt, one "name hex" line each). A master must never write bytes a master of the
/// released version cannot read, and every data dir must replay to the same state: any change of these bytes fails here.
/// Each vector also decodes, and re-encodes to itself.
/// </summary>
public sealed class CodecGoldenTests
{
    private static readonly Lazy<Dictionary<string, string>> Golden = new(() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Protocol", "Fixtures", "codec-golden.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' ', 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal));

    internal static byte[] Vector(string name) =>
        Convert.FromHexString(Golden.Value.TryGetValue(name, out var hex) ? hex : throw new KeyNotFoundException($"no golden vector '{name}'"));

    public static TheoryData<string> CommandNames() => new(CodecSamples.Commands.Select(c => c.Name));

    public static TheoryData<string> SnapshotNames() => new(Snapshots.Keys);

    private static readonly Dictionary<string, Func<ClusterState>> Snapshots = new(StringComparer.Ordinal)
    {
        ["snapshot.empty"] = () => new ClusterState(),
        ["snapshot.format4"] = CodecSamples.Format4State,
        ["snapshot.format5"] = () => CodecSamples.Format5State(9),
        ["snapshot.format5.agentSecret"] = () => CodecSamples.Format5State(10),
        ["snapshot.format5.adminRotation"] = () => CodecSamples.Format5State(11),
        ["snapshot.format5.adminOnly"] = CodecSamples.Format5AdminOnlyState,
    };

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void ACommandKeepsItsBytes(string name)
    {
        var command = CodecSamples.Commands.Single(c => c.Name == name).Command;
        var golden = Vector("command." + name);
        Assert.Equal(Convert.ToHexStringLower(golden), Convert.ToHexStringLower(CommandCodec.Encode(command)));
        var decoded = CommandCodec.Decode(golden);
        Assert.Equal(command.GetType(), decoded.GetType());
        Assert.Equal(golden, CommandCodec.Encode(decoded));
    }

    [Theory]
    [MemberData(nameof(SnapshotNames))]
    public void ASnapshotKeepsItsBytes(string name)
    {
        var golden = Vector(name);
        Assert.Equal(Convert.ToHexStringLower(golden), Convert.ToHexStringLower(StateSnapshotCodec.Encode(Snapshots[name]())));
        var restored = new ClusterState();
        StateSnapshotCodec.Restore(restored, golden);
        Assert.Equal(golden, StateSnapshotCodec.Encode(restored));
    }

    /// <summary>Older snapshot formats are read, and re-encoded as the release before the per-record codecs did.</summary>
    [Theory]
    [InlineData("read.snapshot.format1")]
    [InlineData("read.snapshot.format3")]
    public void AnOlderSnapshotFormatIsRead(string name)
    {
        var restored = new ClusterState();
        StateSnapshotCodec.Restore(restored, Vector(name));
        Assert.Equal(Convert.ToHexStringLower(Vector(name + ".encoded")), Convert.ToHexStringLower(StateSnapshotCodec.Encode(restored)));
    }

    [Fact]
    public void EveryCommandTypeHasAVector()
    {
        var sampled = CodecSamples.Commands.Select(c => c.Command.GetType()).ToHashSet();
        var all = typeof(ClusterCommand).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ClusterCommand)) && !t.IsAbstract);
        Assert.Empty(all.Where(t => !sampled.Contains(t)).Select(t => t.Name));
    }

    /// <summary>Writes this build's vectors (MINIMESOS_WRITE_GOLDEN=path): how the fixture was made from the released code.</summary>
    [Fact]
    public void WritesTheVectorsWhenAsked()
    {
        if (Environment.GetEnvironmentVariable("MINIMESOS_WRITE_GOLDEN") is not { Length: > 0 } path) return;
        var lines = CodecSamples.Commands.Select(c => $"command.{c.Name} {Convert.ToHexStringLower(CommandCodec.Encode(c.Command))}")
            .Concat(Snapshots.Select(s => $"{s.Key} {Convert.ToHexStringLower(StateSnapshotCodec.Encode(s.Value()))}"))
            .Concat(Golden.Value.Keys.Where(k => k.StartsWith("read.snapshot.", StringComparison.Ordinal) && !k.EndsWith(".encoded", StringComparison.Ordinal))
                .Select(k =>
                {
                    var restored = new ClusterState();
                    StateSnapshotCodec.Restore(restored, Vector(k));
                    return $"{k}.encoded {Convert.ToHexStringLower(StateSnapshotCodec.Encode(restored))}";
                }));
        File.WriteAllLines(path, lines);
    }
}
