using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using MiniMesos.Tests.Master;
using Xunit;

namespace MiniMesos.Tests.Backup;

/// <summary>Rolling upgrades: a command older masters cannot read waits until every voter reports a level that reads it.</summary>
public sealed class FeatureGateTests
{
    /// <summary>A command of a release that does not exist yet, readable from level 3 on.</summary>
    private sealed record FutureCommand(long AtMs) : ClusterCommand(AtMs)
    {
        public override int RequiredLevel => 3;
    }

    [Fact]
    public void ANewerCommandWaitsForEveryVoterAndNamesTheOneBehind()
    {
        var levels = new Dictionary<ulong, int?> { [1] = 3, [2] = 2, [3] = 3 };
        var why = FeatureGate.Refusal(new FutureCommand(0), [1, 2, 3], id => levels[id]);
        Assert.NotNull(why);
        Assert.Contains("FutureCommand needs every master at feature level 3", why);
        Assert.Contains("master 2 runs level 2", why);
        Assert.Equal(2, FeatureGate.ClusterLevel([1, 2, 3], id => levels[id]));

        levels[2] = 3; // the last master was upgraded
        Assert.Null(FeatureGate.Refusal(new FutureCommand(0), [1, 2, 3], id => levels[id]));
        Assert.Equal(3, FeatureGate.ClusterLevel([1, 2, 3], id => levels[id]));
    }

    [Fact]
    public void AVoterThatNeverSaidItsLevelCountsAsTheOldestRelease()
    {
        var why = FeatureGate.Refusal(new ReplaceState(0, []), [1, 2], id => id == 1 ? FeatureGate.Current : null);
        Assert.Contains("master 2 has not reported its level", why);
        Assert.Equal(FeatureGate.Baseline, FeatureGate.ClusterLevel([1, 2], id => id == 1 ? 2 : null));
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
}
