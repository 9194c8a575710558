namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>What happened in runs, to show the simulation exercised what it claims to (and to sum over many seeds).</summary>
internal sealed class SimStats
{
    public long Runs { get; set; }
    public long FiveNodeRuns { get; set; }
    public long Messages { get; set; }
    public long Elections { get; set; }
    public long Crashes { get; set; }
    public long SnapshotsInstalled { get; set; }
    public long ConfigChanges { get; set; }
    public long AckedWrites { get; set; }
    public long Reads { get; set; }

    public void Add(SimStats o)
    {
        Runs += o.Runs;
        FiveNodeRuns += o.FiveNodeRuns;
        Messages += o.Messages;
        Elections += o.Elections;
        Crashes += o.Crashes;
        SnapshotsInstalled += o.SnapshotsInstalled;
        ConfigChanges += o.ConfigChanges;
        AckedWrites += o.AckedWrites;
        Reads += o.Reads;
    }

    public override string ToString() =>
        $"runs={Runs} (5 nodes: {FiveNodeRuns}) messages={Messages} elections={Elections} crashes={Crashes} snapshotsInstalled={SnapshotsInstalled} configChanges={ConfigChanges} ackedWrites={AckedWrites} reads={Reads}";
}
