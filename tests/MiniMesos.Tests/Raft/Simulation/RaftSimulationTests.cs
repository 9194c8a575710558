using Xunit;
using Xunit.Abstractions;

namespace MiniMesos.Tests.Raft.Simulation;

// 10,000 seeded runs (about a third with 5 nodes, a quarter with membership changes) in four classes so xunit runs
// them in parallel. A failure prints the seed and a one-line replay command.

[Trait("Category", "Slow")]
public sealed class RaftSimulationSeeds0(ITestOutputHelper output)
{
    [Fact]
    public void Seeds_0_to_2499() => SimulationAssert.Range(output, 0, 2500);
}

[Trait("Category", "Slow")]
public sealed class RaftSimulationSeeds1(ITestOutputHelper output)
{
    [Fact]
    public void Seeds_2500_to_4999() => SimulationAssert.Range(output, 2500, 2500);
}

[Trait("Category", "Slow")]
public sealed class RaftSimulationSeeds2(ITestOutputHelper output)
{
    [Fact]
    public void Seeds_5000_to_7499() => SimulationAssert.Range(output, 5000, 2500);
}

[Trait("Category", "Slow")]
public sealed class RaftSimulationSeeds3(ITestOutputHelper output)
{
    [Fact]
    public void Seeds_7500_to_9999() => SimulationAssert.Range(output, 7500, 2500);
}

/// <summary>
/// Replays one seed: MINIMESOS_SIM_SEED=n (defaults to seed 0 so the test always runs something), with
/// MINIMESOS_SIM_TRACE=1 for a message-by-message trace. MINIMESOS_SIM_SEEDS=from-to scans a wider range instead.
/// </summary>
public sealed class RaftSimulationReplay(ITestOutputHelper output)
{
    [Fact]
    public void ReplaySeedFromEnvironment()
    {
        if (Environment.GetEnvironmentVariable("MINIMESOS_SIM_SEEDS") is { } range && range.Split('-') is [var from, var to])
        {
            var first = int.Parse(from, System.Globalization.CultureInfo.InvariantCulture);
            var (total, elapsed) = SimulationRunner.RunRange(first, int.Parse(to, System.Globalization.CultureInfo.InvariantCulture) - first + 1);
            output.WriteLine($"{total} in {elapsed.TotalSeconds:F1}s");
            return;
        }
        var text = Environment.GetEnvironmentVariable(SimulationRunner.SeedVariable);
        var seed = int.TryParse(text, out var s) ? s : 0;
        var options = SimOptions.ForSeed(seed);
        if (Environment.GetEnvironmentVariable("MINIMESOS_SIM_TRACE") == "1")
        {
            options = options with { Trace = output.WriteLine };
        }
        output.WriteLine(options.ToString());
        var stats = new SimStats();
        var failure = SimulationRunner.RunSeed(options, stats);
        output.WriteLine(stats.ToString());
        Assert.True(failure is null, failure);
        Assert.Equal(1, stats.Runs);
    }
}

internal static class SimulationAssert
{
    public static void Range(ITestOutputHelper output, int first, int count)
    {
        var (stats, elapsed) = SimulationRunner.RunRange(first, count);
        output.WriteLine($"{stats} in {elapsed.TotalSeconds:F1}s");
        Assert.Equal(count, stats.Runs);
        Assert.InRange(stats.FiveNodeRuns, count / 5, count / 2);
        // The runs must actually exercise the protocol, not pass vacuously.
        Assert.True(stats.AckedWrites > count, $"too few acknowledged writes: {stats}");
        Assert.True(stats.Reads > count / 2, $"too few reads: {stats}");
        Assert.True(stats.SnapshotsInstalled > 0, $"no snapshot was ever installed: {stats}");
        Assert.True(stats.ConfigChanges > 0, $"no membership change happened: {stats}");
        Assert.True(stats.Elections > count, $"too few elections: {stats}");
    }
}
