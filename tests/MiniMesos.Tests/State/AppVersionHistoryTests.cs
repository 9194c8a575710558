using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.State;

/// <summary>The apps' version history in the replicated state: kept on config changes only, bounded, dropped with the app, in snapshots, gated at level 4.</summary>
public sealed class AppVersionHistoryTests
{
    private static AppSpec App(string version, int instances = 1) => new("/web", Cmd: "sleep " + version, Instances: instances, Version: version);

    [Fact]
    public void ConfigChangesAreKeptNewestFirstScalesAreNotAndTheListIsBounded()
    {
        var state = new ClusterState();
        state.Apply(new PutApp(1, App("v000"), KeepVersion: true));
        state.Apply(new PutApp(2, App("v000", instances: 3) with { ScaledAt = "v000s" }, KeepVersion: true));
        Assert.Empty(state.AppVersions("/web"));
        state.Apply(new PutApp(3, App("v001"), KeepVersion: true));
        Assert.Equal(new[] { "v000" }, state.AppVersions("/web").Select(a => a.Version));
        Assert.Equal(3, state.AppVersions("/web")[0].Instances); // as it was last, scale included
        state.Apply(new PutApp(4, App("v002"))); // from an older leader: no history
        Assert.Single(state.AppVersions("/web"));
        for (var i = 3; i < 80; i++) state.Apply(new PutApp(4 + i, App($"v{i:000}"), KeepVersion: true));
        Assert.Equal(ClusterState.MaxAppVersions, state.AppVersions("/web").Count);
        Assert.Equal("v078", state.AppVersions("/web")[0].Version);

        var restored = new ClusterState();
        StateSnapshotCodec.Restore(restored, StateSnapshotCodec.Encode(state));
        Assert.Equal(state.AppVersions("/web").Select(a => a.Version), restored.AppVersions("/web").Select(a => a.Version));
        var decoded = (PutApp)CommandCodec.Decode(CommandCodec.Encode(new PutApp(9, App("v9"), KeepVersion: true)));
        Assert.True(decoded.KeepVersion);
        Assert.Equal(FeatureGate.Fetch, decoded.RequiredLevel);
        Assert.False(((PutApp)FeatureGate.ForLevel(decoded, FeatureGate.AppChecks)).KeepVersion);

        state.Apply(new RemoveApp(200, "/web"));
        Assert.Empty(state.AppVersions("/web"));
        var empty = StateSnapshotCodec.Encode(state);
        Assert.Equal(4, empty[0]); // no history: the format older masters read
    }
}
