using System.Text;
using MiniMesos.Core.State;
using MiniMesos.Net.Http;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.State;

/// <summary>Role weights in the replicated state: the command, its codec, the snapshot section and the validation rules.</summary>
public sealed class RoleWeightTests
{
    [Fact]
    public void AWeightIsSetReplacedAndRefusedWhenInvalid()
    {
        var state = new ClusterState();
        Assert.Equal(1.0, state.RoleWeight("prod"));
        Assert.True(state.Apply(new PutRoleWeight(1, "prod", 3)));
        Assert.True(state.Apply(new PutRoleWeight(2, "prod", 0.5)));
        Assert.Equal(0.5, state.RoleWeight("prod"));
        // An entry that slipped past validation (an older or buggy master) changes nothing, the same on every master.
        Assert.False(state.Apply(new PutRoleWeight(3, "prod", 0)));
        Assert.False(state.Apply(new PutRoleWeight(4, "prod", double.NaN)));
        Assert.False(state.Apply(new PutRoleWeight(5, "prod", RoleRules.MaxWeight * 2)));
        Assert.False(state.Apply(new PutRoleWeight(6, "two words", 2)));
        Assert.Equal(new Dictionary<string, double> { ["prod"] = 0.5 }, state.RoleWeights);
    }

    [Fact]
    public void TheCommandRoundTripsWithItsOwnTag()
    {
        var command = new PutRoleWeight(42, "analytics/batch", 2.5);
        var bytes = CommandCodec.Encode(command);
        Assert.Equal(23, bytes[0]);
        Assert.Equal(command, CommandCodec.Decode(bytes));
        var truncated = bytes.ToArray();
        truncated[2] = 0x92; // two fields instead of three
        Assert.Contains("PutRoleWeight has 2 fields", Assert.Throws<ProtocolException>(() => CommandCodec.Decode(truncated[..^9])).Message);
    }

    [Fact]
    public void Format4SnapshotsKeepWeightsAndFormat3IsStillRead()
    {
        var state = new ClusterState();
        Assert.True(state.Apply(new PutRoleWeight(1, "prod", 3)));
        Assert.True(state.Apply(new PutRoleWeight(2, "*", 0.25)));
        var bytes = StateSnapshotCodec.Encode(state);
        Assert.Equal(4, bytes[0]);
        var copy = new ClusterState();
        StateSnapshotCodec.Restore(copy, bytes);
        Assert.Equal(state.RoleWeights, copy.RoleWeights);
        Assert.Equal(bytes, StateSnapshotCodec.Encode(copy));

        // Format 3 is the same without the last section: it restores with no weights, replacing whatever was there.
        var empty = StateSnapshotCodec.Encode(new ClusterState());
        Assert.Equal([0x97], empty[1..2]);
        Assert.Equal(0x90, empty[^1]);
        var v3 = empty[..^1];
        v3[0] = 3;
        v3[1] = 0x96;
        StateSnapshotCodec.Restore(copy, v3);
        Assert.Empty(copy.RoleWeights);

        // A snapshot section holding an impossible weight is refused, naming the role.
        var bad = new ClusterState();
        bad.Apply(new PutRoleWeight(1, "r", 2));
        var badBytes = StateSnapshotCodec.Encode(bad);
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(badBytes.AsSpan(badBytes.Length - 8), -2.0);
        Assert.Contains("role 'r' weight -2", Assert.Throws<ProtocolException>(() => StateSnapshotCodec.Restore(new ClusterState(), badBytes)).Message);
    }

    [Theory]
    [InlineData("""{"weight":2.5}""", 2.5, null)]
    [InlineData("""{"weight":1000}""", 1000.0, null)]
    [InlineData("""{"weight":0}""", 0.0, "weight")]
    [InlineData("""{"weight":-1}""", 0.0, "weight")]
    [InlineData("""{"weight":1000.5}""", 0.0, "weight")]
    [InlineData("""{"weight":"2"}""", 0.0, "weight")]
    [InlineData("""{"weight":1e999}""", 0.0, "weight")]
    [InlineData("""{}""", 0.0, "weight")]
    [InlineData("""{"weight":2,"role":"x"}""", 0.0, "role")]
    [InlineData("""[2]""", 0.0, "")]
    [InlineData("""{"weight":""", 0.0, "")]
    [InlineData("", 0.0, "")]
    public void ThePutBodyIsCheckedFieldByField(string body, double weight, string? field)
    {
        var (parsed, error) = RoleEndpoints.ParseWeight(Encoding.UTF8.GetBytes(body));
        Assert.Equal(field, error?.Field);
        if (field is null) Assert.Equal(weight, parsed);
        else Assert.False(string.IsNullOrEmpty(error!.Reason));
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("prod", true)]
    [InlineData("team-a/batch", true)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("a b", false)]
    [InlineData("tab\there", false)]
    [InlineData("bell\u0007", false)]
    public void RoleNamesFollowTheSubscribeRules(string role, bool valid)
    {
        Assert.Equal(valid, RoleRules.RoleProblem(role) is null);
        Assert.Null(RoleRules.RoleProblem(new string('r', 64)));
        Assert.NotNull(RoleRules.RoleProblem(new string('r', 65)));
    }
}
