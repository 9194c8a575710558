using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Raft;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using MiniMesos.Net.Raft;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>
/// One simulated master: durable Raft storage that survives crashes, and the volatile part a crash throws away — the
/// pure <see cref="RaftNode"/>, the real <see cref="MasterService"/> (its state machine) and the real <see cref="AppsService"/>.
/// </summary>
internal sealed class SimMaster(int index, RaftOptions options)
{
    public int Index => index;
    public ulong Id => options.Id;
    public RaftStorage Storage { get; } = RaftStorage.InMemory();
    public int Incarnation { get; private set; }
    public RaftNode? Node { get; private set; }
    public MasterService? Service { get; private set; }
    public AppsService? Apps { get; private set; }
    public bool Up => Node is not null;
    public bool IsLeader => Node?.Role == RaftRole.Leader;
    public bool WasLeader { get; set; }

    /// <summary>Proposals of this incarnation waiting for their index: the term they were proposed in.</summary>
    public Dictionary<ulong, ulong> Pending { get; } = [];

    /// <summary>Index -> whether the entry committed there is the one proposed (same term) or was overwritten.</summary>
    public Dictionary<ulong, bool> Outcomes { get; } = [];

    /// <summary>Read request id -> the commit index it must be applied up to.</summary>
    public Dictionary<ulong, ulong> ConfirmedReads { get; } = [];

    public void Start(int seed, SimClock clock, AgentTimeouts timeouts, Func<SimMaster, IReplicatedLog> log)
    {
        Incarnation++;
        // Not HashCode.Combine: it is salted per process, and replays must be exact.
        Node = new RaftNode(options, Storage, new SeededRaftRandom(unchecked(seed * 1_000_003 + index * 7_919 + Incarnation * 104_729)));
        Service = new MasterService(clock, NullLogger.Instance) { Timeouts = timeouts };
        // As MasterHost does: the node resumes after its latest snapshot, so the state starts from that snapshot.
        if (Storage.Snapshots.Latest is { } snapshot && snapshot.Metadata.Index == Node.SnapshotIndex)
            ((IRaftStateMachine)Service).Restore(snapshot.Data);
        Service.Attach(log(this));
        Apps = new AppsService(Service, clock, NullLogger.Instance);
        WasLeader = false;
        Pending.Clear();
        Outcomes.Clear();
        ConfirmedReads.Clear();
    }

    public void Crash()
    {
        Node = null;
        Service = null;
        Apps = null;
        WasLeader = false;
    }

    public override string ToString() => $"m{index}";
}
