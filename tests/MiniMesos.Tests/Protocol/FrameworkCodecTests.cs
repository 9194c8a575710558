using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Protocol;

public sealed class FrameworkCodecTests
{
    /// <summary>The SUBSCRIBE example of docs/protocol.md ("Framework API"), byte for byte.</summary>
    public const string SubscribeHex =
        "85 a1 74 a9 73 75 62 73 63 72 69 62 65 ac 66 72 61 6d 65 77 6f 72 6b 5f 69 64 c0 a4 6e 61 6d 65 a9 70 79 2d 6f 72 61 63 6c 65 " +
        "a4 72 6f 6c 65 a1 2a b0 66 61 69 6c 6f 76 65 72 5f 74 69 6d 65 6f 75 74 cb 40 3e 00 00 00 00 00 00";

    private static readonly WireMessage[] Messages =
    [
        new FwSubscribe("fw-1", "py", "analytics", 30),
        new FwSubscribed("fw-1", 2),
        new FwOffers([new FwOffer("o1", "a1", "pi1", new Dictionary<string, string> { ["rack"] = "r1" }, 1.5, 512, 100, [(31000, 31010)])]),
        new FwAccept(["o1"], [new FwTaskInfo("t1", "t", ["sh", "-c", "true"], new Dictionary<string, string> { ["K"] = "V" }, 0.5, 64, 0, [31000])], 5),
        new FwAcceptRefused(["o1"], "cpus: 3 requested, 2 available"),
        new FwDecline(["o1", "o2"], null),
        new FwRescind("o1", "offer timeout"),
        new FwUpdate("u-1", "t1", "TASK_FINISHED", "a1", 0, null),
        new FwUpdate("u-2", "t2", "TASK_KILLED", "a1", null, "killed", 15),
        new FwAcknowledge("u-1", "t1"),
        new FwKill("t1"),
        new FwReconcile([]),
        new FwSuppress(), new FwRevive(), new FwTeardown(), new FwHeartbeat(),
        new FwError("accept", "offer_ids", "missing"),
    ];

    [Fact]
    public void SubscribeEncodesAsDocumented()
    {
        var bytes = MessageCodec.Encode(new FwSubscribe(null, "py-oracle", "*", 30));
        Assert.Equal(SubscribeHex, Convert.ToHexStringLower(bytes).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + " " + b));
        Assert.Equal(0x4b, bytes.Length);

        // The document itself, found by walking up from the test binaries to the repository.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "protocol.md"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var doc = File.ReadAllText(Path.Combine(dir.FullName, "docs", "protocol.md")).Replace("\n", " ");
        Assert.Contains(SubscribeHex, string.Join(' ', doc.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void MessagesRoundTrip()
    {
        foreach (var message in Messages)
        {
            var bytes = MessageCodec.Encode(message);
            var decoded = MessageCodec.Decode(bytes, MessagePackLimits.Default);
            Assert.Equal(message.GetType(), decoded.GetType());
            Assert.Equal(bytes, MessageCodec.Encode(decoded));
        }
    }

    [Fact]
    public void NestedBadFieldsAreNamedWithTheirPath()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        w.WriteMapHeader(3);
        w.WriteString("t"); w.WriteString("accept");
        w.WriteString("offer_ids"); w.WriteArrayHeader(1); w.WriteString("o1");
        w.WriteString("tasks"); w.WriteArrayHeader(1); w.WriteMapHeader(3);
        w.WriteString("task_id"); w.WriteString("t1");
        w.WriteString("argv"); w.WriteArrayHeader(0);
        w.WriteString("cpus"); w.WriteString("lots");
        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(buffer.WrittenSpan, MessagePackLimits.Default));
        Assert.Equal(("accept", "tasks[0].cpus"), (error.MessageType, error.Field));
    }

    [Fact]
    public void FrameworkCommandsRoundTripApplyAndSurviveASnapshot()
    {
        ClusterCommand[] commands =
        [
            new AddAgent(1, new AgentRecord("a1", "pi1", new Resources(2, 1024, 0), new Dictionary<string, string>(), 1)),
            new RegisterFramework(2, new FrameworkRecord("fw-1", "py", "*", 30, 2)),
            new SubmitTask(3, "t1", new TaskSpec("t1", ["true"], new Dictionary<string, string>(), new Resources(0.5, 64, 0))),
            new LinkTask(4, "t1", "fw-1"),
            new RegisterFramework(5, new FrameworkRecord("fw-2", "gone", "batch", 0, 5)),
            new RemoveFramework(6, "fw-2", "torn down"),
        ];
        var state = new ClusterState();
        foreach (var command in commands)
        {
            var bytes = CommandCodec.Encode(command);
            var decoded = CommandCodec.Decode(bytes);
            Assert.Equal(bytes, CommandCodec.Encode(decoded));
            Assert.True(state.Apply(decoded), $"{command} applies");
        }
        Assert.False(state.Apply(new LinkTask(7, "t1", "fw-1")));
        Assert.False(state.Apply(new LinkTask(7, "no-task", "fw-1")));
        var restored = new ClusterState();
        StateSnapshotCodec.Restore(restored, StateSnapshotCodec.Encode(state));
        Assert.Equal(new FrameworkRecord("fw-1", "py", "*", 30, 2), Assert.Single(restored.Frameworks.Values));
        Assert.Equal("fw-1", restored.TaskFrameworks["t1"]);
    }

    [Fact]
    public void AVersion2SnapshotWithoutFrameworksIsStillRead()
    {
        var state = new ClusterState();
        state.Apply(new AddAgent(1, new AgentRecord("a1", "pi1", new Resources(2, 1024, 0), new Dictionary<string, string>(), 1)));
        var v4 = StateSnapshotCodec.Encode(state);
        Assert.Equal([0x92, 0x90, 0x80, 0x90, 0x90, 0x90], v4[^6..]); // [frameworks: [], links: {}], agent health: [], jobs: [], role weights: []
        var v2 = v4[..^6];
        v2[0] = 2;
        Assert.Equal(0x97, v2[1]);
        v2[1] = 0x93;
        var restored = new ClusterState();
        restored.RestoreFrameworks([new FrameworkRecord("stale", "x", "*", 1, 1)], []);
        StateSnapshotCodec.Restore(restored, v2);
        Assert.Equal("a1", Assert.Single(restored.Agents.Keys));
        Assert.Empty(restored.Frameworks);
    }
}
