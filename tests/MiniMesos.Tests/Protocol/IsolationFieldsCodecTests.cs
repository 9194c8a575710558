using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Protocol;

/// <summary>Ports, user and network ride as trailing fields; entries and snapshots without them still decode.</summary>
public sealed class IsolationFieldsCodecTests
{
    private static readonly Dictionary<string, string> NoEnv = new();
    private static readonly PortRanges Ports = PortRanges.Parse("[4000-4010,5000]");

    [Fact]
    public void SubmitAndAddAgentCarryTheNewFieldsAndOldFieldCountsStillDecode()
    {
        var spec = new TaskSpec("t", ["true"], NoEnv, new Resources(0.1, 16), Ports: 2, User: "alice", Network: "none");
        var submit = (SubmitTask)CommandCodec.Decode(CommandCodec.Encode(new SubmitTask(1, "t.1", spec)));
        Assert.Equal((2, "alice", "none", (string?)null), (submit.Spec.Ports, submit.Spec.User, submit.Spec.Network, submit.Spec.AppId));

        var plain = CommandCodec.Encode(new SubmitTask(1, "t.2", spec with { Ports = 0, User = null, Network = null }));
        Assert.Equal(0x98, plain[2]); // fixarray of 8: an older master reads it
        Assert.Equal(0, ((SubmitTask)CommandCodec.Decode(plain)).Spec.Ports);

        var agent = new AgentRecord("a1", "pi1", new Resources(2, 512), NoEnv, 3, Ports);
        Assert.Equal(Ports, ((AddAgent)CommandCodec.Decode(CommandCodec.Encode(new AddAgent(1, agent)))).Agent.Ports);
        var old = CommandCodec.Encode(new AddAgent(1, agent with { Ports = null }));
        Assert.Equal(0x98, old[2]);
        Assert.Null(((AddAgent)CommandCodec.Decode(old)).Agent.Ports);
    }

    [Fact]
    public void SnapshotKeepsAgentPortsAndTaskFields()
    {
        var state = new ClusterState();
        state.Apply(new AddAgent(0, new AgentRecord("a1", "pi1", new Resources(2, 512), NoEnv, 0, Ports)));
        state.Apply(new AddAgent(0, new AgentRecord("a2", "pi2", new Resources(2, 512), NoEnv, 0)));
        state.Apply(new SubmitTask(1, "t.1", new TaskSpec("t", ["true"], NoEnv, new Resources(0.1, 16), Ports: 1, User: "bob", Network: "none")));
        state.Apply(new AssignTask(2, "t.1", "a1"));
        var copy = new ClusterState();
        StateSnapshotCodec.Restore(copy, StateSnapshotCodec.Encode(state));
        Assert.Equal(Ports, copy.Agents["a1"].Ports);
        Assert.Null(copy.Agents["a2"].Ports);
        var t = copy.Tasks["t.1"].Spec;
        Assert.Equal((1, "bob", "none", "4000"), (t.Ports, t.User, t.Network, t.Env["PORT0"]));
    }

    [Fact]
    public void RegisterCarriesPortsAndAnOldRegisterHasNone()
    {
        var register = new RegisterAgent("a1", "pi1", 4, 3800, 100, NoEnv, [], Ports);
        Assert.Equal(Ports, ((RegisterAgent)MessageCodec.Decode(MessageCodec.Encode(register), MessagePackLimits.Default)).Ports);
        Assert.Null(((RegisterAgent)MessageCodec.Decode(MessageCodec.Encode(register with { Ports = null }), MessagePackLimits.Default)).Ports);
    }
}
