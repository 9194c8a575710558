namespace MiniMesos.Tests.Master.Simulation;

/// <summary>Shape of one simulated run of masters, agents and the apps framework; everything random is drawn from Seed.</summary>
internal sealed record MasterSimOptions
{
    public required int Seed { get; init; }
    public int Masters { get; init; } = 3;
    public int Agents { get; init; } = 4;
    /// <summary>Simulated seconds with faults and deployments, then <see cref="QuietSeconds"/> healed, in which every app must converge.</summary>
    public int ChaosSeconds { get; init; } = 90;
    public int QuietSeconds { get; init; } = 60;
    public TimeSpan Unreachable { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Gone { get; init; } = TimeSpan.FromSeconds(30);
    public double RaftDropRate { get; init; } = 0.03;
    /// <summary>Chance that one message on an agent's connection is lost, which breaks that connection.</summary>
    public double LinkLossRate { get; init; } = 0.01;
    public double LeaderCrashPerSecond { get; init; } = 0.01;
    public double MasterIsolationPerSecond { get; init; } = 0.01;
    public double AgentCutPerSecond { get; init; } = 0.02;
    public double InstanceCrashPerSecond { get; init; } = 0.003;
    /// <summary>An agent's host reboots (its tasks are lost) this often per second.</summary>
    public double AgentRebootPerSecond { get; init; } = 0.005;
    /// <summary>A deployment (create, scale, new version, remove) this often on average.</summary>
    public int DeploySeconds { get; init; } = 4;
    public int SnapshotEvery { get; init; } = 40;
    public Action<string>? Trace { get; init; }
    /// <summary>Breaks the run on purpose halfway through the quiet phase, to prove the checks catch it (never set in a normal run).</summary>
    public SimSabotage Sabotage { get; init; }

    /// <summary>Many more faults: frequent leader crashes and isolations, lossy links, agents cut again and again, crashing instances.</summary>
    public static MasterSimOptions Harsh(int seed) => new()
    {
        Seed = seed,
        RaftDropRate = 0.1,
        LinkLossRate = 0.04,
        LeaderCrashPerSecond = 0.04,
        MasterIsolationPerSecond = 0.03,
        AgentCutPerSecond = 0.08,
        InstanceCrashPerSecond = 0.01,
        AgentRebootPerSecond = 0.02,
        DeploySeconds = 2,
    };

    public override string ToString() =>
        $"seed={Seed} masters={Masters} agents={Agents} chaos={ChaosSeconds}s quiet={QuietSeconds}s raftDrop={RaftDropRate} linkLoss={LinkLossRate} " +
        $"leaderCrash={LeaderCrashPerSecond}/s isolation={MasterIsolationPerSecond}/s agentCut={AgentCutPerSecond}/s reboot={AgentRebootPerSecond}/s";
}
