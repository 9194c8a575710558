using System.Buffers;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Protocol;

public sealed class LaunchTasksCodecTests
{
    private delegate void Fields(ref MessagePackWriter w);

    private static readonly Dictionary<string, string> Env = new() { ["PORTS"] = "31000,31001", ["HOST"] = "pi1" };

    private static readonly PlacedLaunch[] Launches =
    [
        new("web.1", new TaskSpec("web", ["sh", "-c", "serve"], Env, new Resources(0.25, 64, 10), "/web", "v1"), "a1"),
        new("fw-task", new TaskSpec("x", ["true"], new Dictionary<string, string>(), new Resources(1, 128)), "a2", "fw-1"),
        new("oneshot", new TaskSpec("o", ["true"], new Dictionary<string, string>(), new Resources(0.1, 8), Ports: 2, User: "nobody",
            Network: "none"), "a1"),
    ];

    [Fact]
    public void RoundTripsEveryLaunchWithItsSpecAgentAndFramework()
    {
        var command = new LaunchTasks(42, Launches);
        var bytes = CommandCodec.Encode(command);
        var decoded = Assert.IsType<LaunchTasks>(CommandCodec.Decode(bytes));

        Assert.Equal(42, decoded.AtMs);
        Assert.Equal(Launches.Length, decoded.Launches.Count);
        for (var i = 0; i < Launches.Length; i++)
        {
            var (want, got) = (Launches[i], decoded.Launches[i]);
            Assert.Equal((want.TaskId, want.AgentId, want.FrameworkId), (got.TaskId, got.AgentId, got.FrameworkId));
            Assert.Equal(want.Spec.Argv, got.Spec.Argv);
            Assert.Equal(want.Spec.Env, got.Spec.Env);
            Assert.Equal((want.Spec.Resources, want.Spec.AppId, want.Spec.AppVersion, want.Spec.Ports, want.Spec.User, want.Spec.Network),
                (got.Spec.Resources, got.Spec.AppId, got.Spec.AppVersion, got.Spec.Ports, got.Spec.User, got.Spec.Network));
        }
        Assert.Equal(bytes, CommandCodec.Encode(decoded));
        Assert.Equal(20, bytes[0]);
    }

    [Fact]
    public void AnEmptyBatchRoundTrips() =>
        Assert.Empty(Assert.IsType<LaunchTasks>(CommandCodec.Decode(CommandCodec.Encode(new LaunchTasks(1, [])))).Launches);

    [Fact]
    public void MalformedBatchesAreRefusedNamingThePart()
    {
        Assert.Contains("LaunchTasks has 4 fields", Decode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(4);
            w.WriteInt64(1);
            w.WriteArrayHeader(0);
            w.WriteBoolean(true);
            w.WriteNil();
        }));
        Assert.Contains("launch 0 has 2 fields", Decode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.WriteInt64(1);
            w.WriteArrayHeader(1);
            w.WriteArrayHeader(2);
            w.WriteString("a1");
            w.WriteNil();
        }));
        Assert.Contains("launch 0's task has 4 fields", Decode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.WriteInt64(1);
            w.WriteArrayHeader(1);
            w.WriteArrayHeader(3);
            w.WriteString("a1");
            w.WriteNil();
            w.WriteArrayHeader(4);
            for (var i = 0; i < 4; i++) w.WriteNil();
        }));
        var truncated = CommandCodec.Encode(new LaunchTasks(42, Launches))[..^3];
        Assert.Throws<ProtocolException>(() => CommandCodec.Decode(truncated));
    }

    /// <summary>Entries written before batches existed: SubmitTask, LinkTask, AssignTask bytes built by hand, as older masters wrote them.</summary>
    [Fact]
    public void OlderSingleLaunchEntriesStillDecodeAndApply()
    {
        var state = new ClusterState();
        Assert.True(state.Apply(new AddAgent(0, new AgentRecord("a1", "pi1", new Resources(2, 512), new Dictionary<string, string>(), 0))));
        Assert.True(state.Apply(new RegisterFramework(0, new FrameworkRecord("fw-1", "fw", "*", 60, 0))));
        var submit = Entry(3, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(8);
            w.WriteInt64(5);
            w.WriteString("t.1");
            w.WriteString("t");
            w.WriteArrayHeader(1);
            w.WriteString("true");
            w.WriteMapHeader(0);
            w.WriteDouble(0.5);
            w.WriteInt64(64);
            w.WriteInt64(0);
        });
        var link = Entry(19, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(3);
            w.WriteInt64(6);
            w.WriteString("t.1");
            w.WriteString("fw-1");
        });
        var assign = Entry(4, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(3);
            w.WriteInt64(7);
            w.WriteString("t.1");
            w.WriteString("a1");
        });
        foreach (var entry in new[] { submit, link, assign }) Assert.True(state.Apply(CommandCodec.Decode(entry)));

        var task = state.Tasks["t.1"];
        Assert.Equal(("a1", TaskState.Staging, 0.5, 64L), (task.AgentId, task.State, task.Spec.Resources.Cpus, task.Spec.Resources.MemMb));
        Assert.Equal("fw-1", state.TaskFrameworks["t.1"]);
        Assert.Equal(new Resources(1.5, 448), state.Free("a1"));
    }

    private static string Decode(Fields write) =>
        Assert.Throws<ProtocolException>(() => CommandCodec.Decode(Entry(20, write))).Message;

    private static byte[] Entry(byte tag, Fields write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write([tag, CommandCodec.Version]);
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        return buffer.WrittenSpan.ToArray();
    }
}
