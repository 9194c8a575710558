using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using MiniMesos.Tests.Master;
using Xunit;

namespace MiniMesos.Tests.Backup;

/// <summary>Rolling upgrades: a command older masters cannot read waits until every voter reports a level that reads it.</summary>
public sealed class FeatureGateTests
{
    /// <summary>A command of a release that does not exist yet, readable from the level after this build's on.</summary>
    private sealed record FutureCommand(long AtMs) : ClusterCommand(AtMs)
    {
        public override int RequiredLevel => FeatureGate.Current + 1;
    }

    [Fact]
    public void ANewerCommandWaitsForEveryVoterAndNamesTheOneBehind()
    {
        const int next = FeatureGate.Current + 1;
        var levels = new Dictionary<ulong, int?> { [1] = next, [2] = FeatureGate.Current, [3] = next };
        var why = FeatureGate.Refusal(new FutureCommand(0), [1, 2, 3], id => levels[id]);
        Assert.NotNull(why);
        Assert.Contains($"FutureCommand needs every master at feature level {next}", why);
        Assert.Contains($"master 2 runs level {FeatureGate.Current}", why);
        Assert.Equal(FeatureGate.Current, FeatureGate.ClusterLevel([1, 2, 3], id => levels[id]));

        levels[2] = next; // the last master was upgraded
        Assert.Null(FeatureGate.Refusal(new FutureCommand(0), [1, 2, 3], id => levels[id]));
        Assert.Equal(next, FeatureGate.ClusterLevel([1, 2, 3], id => levels[id]));
    }

    [Fact]
    public void AVoterThatNeverSaidItsLevelCountsAsTheOldestRelease()
    {
        var why = FeatureGate.Refusal(new ReplaceState(0, []), [1, 2], id => id == 1 ? FeatureGate.Current : null);
        Assert.Contains("master 2 has not reported its level", why);
        Assert.Equal(FeatureGate.Baseline, FeatureGate.ClusterLevel([1, 2], id => id == 1 ? FeatureGate.Current : null));
        // Commands every release reads are never held back.
        Assert.Null(FeatureGate.Refusal(new PutRoleWeight(0, "r", 2), [1, 2], _ => null));
    }

    [Fact]
    public async Task TheMasterProposesNothingTheGateRefuses()
    {
        var master = new MasterService(TimeProvider.System, NullLogger.Instance);
        var log = new LaggingLogFake(master);
        master.Attach(log);
        master.Gate = command => FeatureGate.Refusal(command, [1, 2], id => id == 1 ? FeatureGate.Current : FeatureGate.Baseline);
        var e = await Assert.ThrowsAsync<FeatureGateException>(() => master.RestoreStateAsync([4, 0x97], CancellationToken.None));
        Assert.Contains("master 2 runs level 1", e.Message);
        Assert.Equal(0, log.Proposals);
        // Older commands still go through during the upgrade.
        await master.SetRoleWeightAsync("team", 2, CancellationToken.None);
        Assert.Equal(1, log.Proposals);
    }

    [Fact]
    public void BelowLevel3LaunchesSkipTheAppChecksAndAppsDropScaledAtButKeepTheirMeaning()
    {
        var launch = new LaunchTasks(7, [], JudgeApps: true);
        Assert.Equal(FeatureGate.AppChecks, launch.RequiredLevel);
        Assert.Equal(launch with { JudgeApps = false }, FeatureGate.ForLevel(launch, FeatureGate.Restore));
        Assert.Same(launch, FeatureGate.ForLevel(launch, FeatureGate.AppChecks));

        var app = new Core.Frameworks.Apps.AppSpec("/web", Cmd: "sleep 9", ScaledAt: "2026-12-06T23:00:00.000Z");
        var scaled = new PutApp(1, app);
        Assert.Equal(FeatureGate.AppChecks, scaled.RequiredLevel);
        var older = (PutApp)FeatureGate.ForLevel(scaled, FeatureGate.Baseline);
        Assert.Equal("", older.App.ScaledAt);
        Assert.Equal(FeatureGate.Baseline, older.RequiredLevel);
        // An unreachableStrategy has no older form: it is left for the gate to refuse.
        var strategy = new PutApp(1, app with { UnreachableStrategy = Core.Frameworks.Apps.UnreachableStrategy.Default });
        Assert.Same(strategy, FeatureGate.ForLevel(strategy, FeatureGate.Baseline));
        Assert.NotNull(FeatureGate.Refusal(strategy, [1, 2], id => id == 1 ? FeatureGate.Current : null));
    }

    [Fact]
    public void ALaunchEntryWithAppChecksIsOneOlderMastersRefuseToRead()
    {
        var checkedEntry = Net.Protocol.CommandCodec.Encode(new LaunchTasks(7, [], JudgeApps: true));
        var plainEntry = Net.Protocol.CommandCodec.Encode(new LaunchTasks(7, [], JudgeApps: false));
        Assert.True(((LaunchTasks)Net.Protocol.CommandCodec.Decode(checkedEntry)).JudgeApps);
        Assert.False(((LaunchTasks)Net.Protocol.CommandCodec.Decode(plainEntry)).JudgeApps);
        Assert.NotEqual(plainEntry.Length, checkedEntry.Length); // a third field: a level-1 master's reader stops on it
    }
}
