using Xunit;
using Xunit.Abstractions;

namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>
/// The simulation's checks must be able to fail: broken node variants and hand-made bad histories are caught.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CheckersBiteTests(ITestOutputHelper output)
{
    [Fact]
    public void SkippingTheElectionRestrictionIsCaught()
    {
        // §5.4.1: without the up-to-date check a node missing committed entries can win and overwrite them.
        var failure = FirstFailure(seed => SimOptions.ForSeed(seed) with { BreakElectionRestriction = true, Membership = false, CheckLiveness = false });
        Assert.Matches("leader completeness|state machine safety|committed .* but|not linearizable|missing", failure);
    }

    [Fact]
    public void ReadsWithoutAQuorumRoundAreCaughtByTheLinearizabilityCheck()
    {
        // A deposed leader that answers reads from its own state returns stale values once a new leader has taken writes.
        var failure = FirstFailure(seed => SimOptions.ForSeed(seed) with { BreakReads = true, PartitionRate = 0.05, CheckLiveness = false });
        Assert.Contains("not linearizable", failure);
    }

    [Fact]
    public void CommittingOldTermEntriesByCountingIsCaught()
    {
        // §5.4.2 / Figure 8. One entry per append, so an old entry can reach a majority without the new leader's own;
        // frequent leader crashes give the quick succession of leaders the scenario needs.
        var failure = FirstFailure(seed => Figure8Options(seed) with { BreakCommitRule = true });
        Assert.Matches("leader completeness|state machine safety|committed .* but|not linearizable|missing", failure);
    }

    [Fact]
    public void ForgettingTheVoteAcrossRestartsIsCaught()
    {
        // §5.2 / Figure 2: currentTerm and votedFor must survive a crash, or a node can vote twice in one term.
        var failure = FirstFailure(seed => SimOptions.ForSeed(seed) with { BreakHardStatePersistence = true, CheckLiveness = false });
        Assert.Matches("went back from term|voted for .* and .* in term|election safety", failure);
    }

    [Fact]
    public void Figure8ConditionsAloneDoNotFail()
    {
        // Control for the test above: the same harsh conditions with the correct commit rule pass.
        var stats = new SimStats();
        for (var seed = 0; seed < 400; seed++)
        {
            var failure = SimulationRunner.RunSeed(Figure8Options(seed), stats);
            Assert.True(failure is null, failure);
        }
    }

    private static SimOptions Figure8Options(int seed) => SimOptions.ForSeed(seed) with
    {
        MaxEntriesPerAppend = 1, Membership = false, CheckLiveness = false, LeaderCrashRate = 0.05,
    };

    private string FirstFailure(Func<int, SimOptions> options)
    {
        var stats = new SimStats();
        for (var seed = 0; seed < 3000; seed++)
        {
            if (SimulationRunner.RunSeed(options(seed), stats) is { } failure)
            {
                output.WriteLine($"caught after {seed + 1} seeds:\n{failure}");
                return failure;
            }
        }
        Assert.Fail($"the broken variant survived 3000 seeds: {stats}");
        return "";
    }

    [Fact]
    public void StaleReadAfterCompletedWriteIsNotLinearizable()
    {
        var history = new[]
        {
            new Operation(1, 0, true, 7, 1, 2),
            new Operation(2, 0, false, 0, 3, 4), // reads the initial value after the write returned
        };
        Assert.False(LinearizabilityChecker.CheckRegister(history));
        Assert.NotNull(LinearizabilityChecker.CheckKeyValue(history));
    }

    [Fact]
    public void ConcurrentReadMaySeeEitherValue()
    {
        Assert.True(LinearizabilityChecker.CheckRegister([new Operation(1, 0, true, 7, 1, 4), new Operation(2, 0, false, 0, 2, 3)]));
        Assert.True(LinearizabilityChecker.CheckRegister([new Operation(1, 0, true, 7, 1, 4), new Operation(2, 0, false, 7, 2, 3)]));
    }

    [Fact]
    public void ReadsMustAgreeOnOneOrderOfConcurrentWrites()
    {
        // Writes 1 and 2 overlap; one reader sees 1 then 2, another sees 2 then 1: no single order explains both.
        var history = new[]
        {
            new Operation(1, 0, true, 1, 1, 10),
            new Operation(2, 0, true, 2, 1, 10),
            new Operation(3, 0, false, 1, 2, 3),
            new Operation(3, 0, false, 2, 4, 5),
            new Operation(4, 0, false, 2, 2, 3),
            new Operation(4, 0, false, 1, 4, 5),
        };
        Assert.False(LinearizabilityChecker.CheckRegister(history));
    }

    [Fact]
    public void UnansweredWriteMayOrMayNotHaveHappened()
    {
        var pending = new Operation(1, 0, true, 9, 1, long.MaxValue);
        Assert.True(LinearizabilityChecker.CheckRegister([pending, new Operation(2, 0, false, 0, 2, 3)]));
        Assert.True(LinearizabilityChecker.CheckRegister([pending, new Operation(2, 0, false, 9, 2, 3)]));
        // ...but once seen it cannot be unseen.
        Assert.False(LinearizabilityChecker.CheckRegister([pending, new Operation(2, 0, false, 9, 2, 3), new Operation(2, 0, false, 0, 4, 5)]));
    }

    [Fact]
    public void LongSequentialHistoryIsCheckedQuickly()
    {
        var ops = new List<Operation>();
        var t = 0L;
        for (var i = 1; i <= 300; i++)
        {
            // Overlapping write and read pairs: the read sees the write it overlaps.
            ops.Add(new Operation(1, 0, true, (ulong)i, t + 1, t + 3));
            ops.Add(new Operation(2, 0, false, (ulong)i, t + 2, t + 4));
            t += 4;
        }
        Assert.True(LinearizabilityChecker.CheckRegister(ops));
        ops.Add(new Operation(3, 0, false, 5, t + 1, t + 2));
        Assert.False(LinearizabilityChecker.CheckRegister(ops));
    }
}
