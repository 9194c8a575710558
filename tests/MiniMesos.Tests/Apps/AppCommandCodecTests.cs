using System.Buffers;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Apps;

public sealed class AppCommandCodecTests
{
    private static readonly AppSpec Full = new("/web/api", Cmd: "python3 -m http.server $PORT0", Env: new Dictionary<string, string> { ["A"] = "1" },
        Cpus: 0.25, Mem: 64, Disk: 10, Ports: 1, Instances: 3, User: "nobody", Labels: new Dictionary<string, string> { ["team"] = "x" },
        Constraints: [["hostname", "UNIQUE"], ["rack", "GROUP_BY", "2"]],
        HealthChecks: [new HealthCheckSpec("HTTP", null, "/", 0, 10, 5, 2, 3)], BackoffSeconds: 2, BackoffFactor: 1.5,
        MaxLaunchDelaySeconds: 60, UpgradeStrategy: new UpgradeStrategy(0.5, 0), Version: "2026-11-22T05:00:00.000Z");

    [Fact]
    public void PutAppRoundTripsEveryField()
    {
        var decoded = Assert.IsType<PutApp>(CommandCodec.Decode(CommandCodec.Encode(new PutApp(9, Full))));
        Assert.Equal(9, decoded.AtMs);
        var app = decoded.App;
        Assert.Equal(Full.Id, app.Id);
        Assert.Equal(Full.Cmd, app.Cmd);
        Assert.Null(app.Args);
        Assert.Equal("1", app.Env!["A"]);
        Assert.Equal([0.25, 64, 10], [app.Cpus, app.Mem, app.Disk]);
        Assert.Equal(3, app.Instances);
        Assert.Equal("nobody", app.User);
        Assert.Equal("x", app.Labels!["team"]);
        Assert.Equal(["rack", "GROUP_BY", "2"], app.Constraints![1]);
        Assert.Equal(Full.HealthChecks![0], app.HealthChecks![0]);
        Assert.Equal(Full.UpgradeStrategy, app.UpgradeStrategy);
        Assert.Equal([2, 1.5, 60], [app.BackoffSeconds, app.BackoffFactor, app.MaxLaunchDelaySeconds]);
        Assert.Equal(Full.Version, app.Version);
        Assert.Equal(CommandCodec.Encode(new PutApp(9, Full)), CommandCodec.Encode(decoded));
    }

    [Fact]
    public void RemoveAppAndLinkedSubmitRoundTrip()
    {
        Assert.Equal("/web", Assert.IsType<RemoveApp>(CommandCodec.Decode(CommandCodec.Encode(new RemoveApp(1, "/web")))).AppId);
        var spec = new TaskSpec("web.1", ["sh"], new Dictionary<string, string>(), new Resources(1, 32), "/web", "v1");
        var submit = Assert.IsType<SubmitTask>(CommandCodec.Decode(CommandCodec.Encode(new SubmitTask(1, "web.1", spec))));
        Assert.Equal(("/web", "v1"), (submit.Spec.AppId, submit.Spec.AppVersion));
        // A one-shot task keeps the original 8-field encoding, so older masters still read it.
        var plain = CommandCodec.Encode(new SubmitTask(1, "t.1", spec with { AppId = null, AppVersion = null }));
        Assert.Equal(0x98, plain[2]);
    }

    [Fact]
    public void SnapshotKeepsAppsAndTaskLinksAndStillReadsVersion1()
    {
        var state = new ClusterState();
        state.Apply(new AddAgent(1, new AgentRecord("a1", "pi1", new Resources(2, 512), new Dictionary<string, string>(), 1)));
        state.Apply(new PutApp(2, Full));
        state.Apply(new SubmitTask(3, "web.1", new TaskSpec("web.1", ["sh"], new Dictionary<string, string>(), new Resources(1, 32), "/web/api", "v1")));
        state.Apply(new SubmitTask(4, "t.1", new TaskSpec("t", ["true"], new Dictionary<string, string>(), new Resources(1, 32))));
        var bytes = StateSnapshotCodec.Encode(state);
        Assert.Equal(4, bytes[0]); // format 3 added the frameworks section, 4 the role weights
        var copy = new ClusterState();
        StateSnapshotCodec.Restore(copy, bytes);
        Assert.Equal(Full.Version, copy.Apps["/web/api"].Version);
        Assert.Equal("/web/api", copy.Tasks["web.1"].Spec.AppId);
        Assert.Null(copy.Tasks["t.1"].Spec.AppId);
        Assert.Equal(bytes, StateSnapshotCodec.Encode(copy));

        // A version-1 snapshot (written by a master before apps): [agents, tasks], reserved nil per task.
        var v1 = new ArrayBufferWriter<byte>();
        v1.Write<byte>([1]);
        var w = new MessagePackWriter(v1);
        w.WriteArrayHeader(2);
        w.WriteArrayHeader(0);
        w.WriteArrayHeader(1);
        w.WriteArrayHeader(15);
        w.WriteString("t.9");
        w.WriteString("t");
        w.WriteArrayHeader(1);
        w.WriteString("true");
        w.WriteMapHeader(0);
        w.WriteDouble(0.1);
        w.WriteInt64(32);
        w.WriteInt64(0);
        w.WriteInt64((int)TaskState.Finished);
        w.WriteString(null);
        w.WriteInt64(1);
        w.WriteInt64(2);
        w.WriteInt64(0);
        w.WriteNil();
        w.WriteString(null);
        w.WriteNil();
        var old = new ClusterState();
        StateSnapshotCodec.Restore(old, v1.WrittenSpan);
        Assert.Equal(TaskState.Finished, old.Tasks["t.9"].State);
        Assert.Empty(old.Apps);
    }

    [Fact]
    public void RemoveAppOfAnUnknownAppDoesNotApply()
    {
        var state = new ClusterState();
        Assert.False(state.Apply(new RemoveApp(1, "/nope")));
        Assert.True(state.Apply(new PutApp(1, Full)));
        Assert.True(state.Apply(new RemoveApp(2, Full.Id)));
        Assert.Empty(state.Apps);
    }
}
