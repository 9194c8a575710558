using System.Diagnostics;

namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>Runs seed ranges and turns failures into a message that says how to replay them.</summary>
internal static class SimulationRunner
{
    public const string SeedVariable = "MINIMESOS_SIM_SEED";

    public static string ReplayCommand(int seed) =>
        $"{SeedVariable}={seed} dotnet test tests/MiniMesos.Tests --filter \"FullyQualifiedName~RaftSimulationReplay\"";

    /// <summary>Run one seed; null if every check passed, else the failure with its replay command.</summary>
    public static string? RunSeed(SimOptions options, SimStats total)
    {
        var sim = new ClusterSimulation(options);
        try
        {
            sim.Run();
            total.Add(sim.Stats);
            total.Runs++;
            total.FiveNodeRuns += options.Nodes == 5 ? 1 : 0;
            return null;
        }
        catch (Exception e)
        {
            // The replay fact rebuilds options from the seed alone; say so when a test changed them.
            var replay = options with { Trace = null } == SimOptions.ForSeed(options.Seed)
                ? ReplayCommand(options.Seed)
                : $"{ReplayCommand(options.Seed)} (after setting the options above in the replay fact)";
            return $"{options}\n  {e.GetType().Name}: {e.Message}\n  replay: {replay}\n{e.StackTrace}";
        }
    }

    public static (SimStats Stats, TimeSpan Elapsed) RunRange(int firstSeed, int count)
    {
        var total = new SimStats();
        var sw = Stopwatch.StartNew();
        for (var seed = firstSeed; seed < firstSeed + count; seed++)
        {
            if (RunSeed(SimOptions.ForSeed(seed), total) is { } failure)
            {
                throw new InvariantViolationException("simulation failed for " + failure);
            }
        }
        return (total, sw.Elapsed);
    }
}
