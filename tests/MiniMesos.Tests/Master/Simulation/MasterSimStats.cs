namespace MiniMesos.Tests.Master.Simulation;

/// <summary>What one run exercised, so a passing run is known not to be vacuous.</summary>
internal sealed class MasterSimStats
{
    public int LeaderChanges;
    public int LeaderCrashes;
    public int LeaderCrashesDuringDeployment;
    public int Isolations;
    public int AgentCutsWithinUnreachable;
    public int AgentCutsBeyondUnreachable;
    public int AgentCutsBeyondGone;
    public int InstanceCrashes;
    public int AgentReboots;
    public int DeploysAcknowledged;
    public int DeploysUncertain;
    public int FailedPasses;
    public int SnapshotsInstalled;
    public long Commits;
    public long Messages;
    public int TasksLaunched;
    public long? ConvergedAfterHealMs;
    public int AppsAtEnd;
    public int InstancesAtEnd;
    public int CommittedStatesChecked;
    public int ExtraInstanceWindows;
    public long LongestExtraInstanceMs;
    public int AgentRestartsWithinUnreachable;
    public int AgentRestartsPastUnreachable;
    public int TwoAgentCutsFirstBackFirst;
    public int TwoAgentCutsSecondBackFirst;
    /// <summary>Leader crashes while an agent is cut off or restarting, or within a second of its return.</summary>
    public int LeaderCrashesWhileAnAgentIsAway;
    public bool FixedAppsDeployed;

    public override string ToString() =>
        $"leaderChanges={LeaderChanges} leaderCrashes={LeaderCrashes} (during deployment {LeaderCrashesDuringDeployment}) isolations={Isolations} " +
        $"agentCuts<unreachable={AgentCutsWithinUnreachable} >unreachable={AgentCutsBeyondUnreachable} >gone={AgentCutsBeyondGone} " +
        $"instanceCrashes={InstanceCrashes} agentReboots={AgentReboots} deploys acked={DeploysAcknowledged} uncertain={DeploysUncertain} failedPasses={FailedPasses} " +
        $"snapshotsInstalled={SnapshotsInstalled} commits={Commits} raftMessages={Messages} tasks={TasksLaunched} convergedAfterHeal={ConvergedAfterHealMs}ms apps={AppsAtEnd} instances={InstancesAtEnd} " +
        $"agentRestarts<unreachable={AgentRestartsWithinUnreachable} >unreachable={AgentRestartsPastUnreachable} " +
        $"twoAgentCuts firstBackFirst={TwoAgentCutsFirstBackFirst} secondBackFirst={TwoAgentCutsSecondBackFirst} " +
        $"leaderCrashesWhileAnAgentIsAway={LeaderCrashesWhileAnAgentIsAway} fixedApps={FixedAppsDeployed} committedStatesChecked={CommittedStatesChecked} extraInstanceWindows={ExtraInstanceWindows} " +
        $"longestExtraInstance={LongestExtraInstanceMs}ms";
}
