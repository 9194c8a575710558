namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>Shape of one simulated run. Everything random is drawn from Seed.</summary>
internal sealed record SimOptions
{
    public required int Seed { get; init; }
    public int Nodes { get; init; } = 3;
    /// <summary>Ticks with faults, followed by <see cref="QuietTicks"/> with the network healed and every node up.</summary>
    public int Ticks { get; init; } = 120;
    public int QuietTicks { get; init; } = 100;
    public int Clients { get; init; } = 3;
    public int Keys { get; init; } = 2;
    public double DropRate { get; init; } = 0.05;
    public double DuplicateRate { get; init; } = 0.03;
    public int MaxDelayTicks { get; init; } = 3;
    public double PartitionRate { get; init; } = 0.02;
    public double CrashRate { get; init; } = 0.01;
    /// <summary>Extra chance per tick to crash whoever leads: drives the rapid leader turnover of Figure 8.</summary>
    public double LeaderCrashRate { get; init; }
    /// <summary>Take a snapshot when this many entries are applied past the last one (small, to exercise InstallSnapshot).</summary>
    public int SnapshotEvery { get; init; } = 12;
    /// <summary>Entries a snapshot keeps below it (<see cref="Core.Raft.RaftOptions.KeepBelowSnapshot"/>): lagging followers caught up by entries.</summary>
    public ulong KeepBelowSnapshot { get; init; }
    /// <summary>Start with only some nodes as voters and add/remove voters during the run.</summary>
    public bool Membership { get; init; }
    public double TransferRate { get; init; } = 0.005;
    public bool BreakElectionRestriction { get; init; }
    public bool BreakReads { get; init; }
    public bool BreakCommitRule { get; init; }
    /// <summary>A host bug: the hard state (term, vote) is never written, so restarts forget it.</summary>
    public bool BreakHardStatePersistence { get; init; }
    public int MaxEntriesPerAppend { get; init; } = 64;
    /// <summary>Check that the healed cluster makes progress by the end (off for broken variants, which may wedge).</summary>
    public bool CheckLiveness { get; init; } = true;
    /// <summary>Receives a line per delivered message and fault when set (replays with MINIMESOS_SIM_TRACE=1).</summary>
    public Action<string>? Trace { get; init; }

    public static SimOptions ForSeed(int seed)
    {
        var r = new Random(seed ^ 0x5eed);
        return new SimOptions
        {
            Seed = seed,
            Nodes = r.Next(3) == 0 ? 5 : 3,
            DropRate = r.NextDouble() * 0.15,
            DuplicateRate = r.NextDouble() * 0.05,
            MaxDelayTicks = 1 + r.Next(4),
            PartitionRate = r.NextDouble() * 0.05,
            CrashRate = r.NextDouble() * 0.03,
            LeaderCrashRate = r.Next(4) == 0 ? r.NextDouble() * 0.05 : 0,
            SnapshotEvery = 6 + r.Next(20),
            Membership = r.Next(4) == 0,
            KeepBelowSnapshot = r.Next(2) == 0 ? 0 : (ulong)r.Next(1, 30),
        };
    }

    public override string ToString() =>
        $"seed={Seed} nodes={Nodes} drop={DropRate:F2} dup={DuplicateRate:F2} delay<={MaxDelayTicks} partition={PartitionRate:F3} crash={CrashRate:F3} leaderCrash={LeaderCrashRate:F3} snapEvery={SnapshotEvery} keep={KeepBelowSnapshot} membership={Membership}"
        + (BreakElectionRestriction ? " BROKEN:election-restriction" : "") + (BreakReads ? " BROKEN:reads" : "")
        + (BreakCommitRule ? " BROKEN:commit-rule" : "") + (BreakHardStatePersistence ? " BROKEN:hard-state" : "") + (MaxEntriesPerAppend != 64 ? $" maxEntries={MaxEntriesPerAppend}" : "");
}
