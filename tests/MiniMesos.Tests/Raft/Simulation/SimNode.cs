using MiniMesos.Core.Raft;

namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>
/// One simulated server: durable storage that survives crashes (only what a Ready persisted), and the volatile part
/// (Raft node, state machine, pending reads) that a crash throws away.
/// </summary>
internal sealed class SimNode(ulong id, RaftOptions options, RaftRuleBreaks breaks)
{
    public ulong Id { get; } = id;

    public RaftOptions Options { get; } = options;

    /// <summary>Rules this node breaks on purpose (the checker tests); none in the ordinary runs.</summary>
    public RaftRuleBreaks Breaks { get; } = breaks;

    public RaftStorage Storage { get; } = RaftStorage.InMemory();

    public RaftNode? Raft { get; private set; }

    public KvStateMachine Machine { get; set; } = new();

    public int Incarnation { get; private set; }

    /// <summary>Confirmed reads waiting for the state machine to reach their index.</summary>
    public List<ReadState> ReadsAwaitingApply { get; } = [];

    /// <summary>Highest commit index already fed to the global committed-entries record.</summary>
    public ulong CommitSeen { get; set; }

    /// <summary>Highest term seen on this server, across restarts (terms must never go back).</summary>
    public ulong HighestTerm { get; set; }

    public bool Up => Raft is not null;

    public void Start(int seed)
    {
        Incarnation++;
        // Not HashCode.Combine: it is salted per process, and replays must be exact.
        var nodeSeed = unchecked((seed * 1_000_003) + ((int)Id * 7_919) + (Incarnation * 104_729));
        Raft = new RaftNode(Options, Storage, new SeededRaftRandom(nodeSeed), Breaks);
        Machine = Storage.Snapshots.Latest is { } snapshot ? KvStateMachine.Restore(snapshot.Data) : new KvStateMachine();
        ReadsAwaitingApply.Clear();
        CommitSeen = 0;
    }

    public void Crash()
    {
        Raft = null;
        ReadsAwaitingApply.Clear();
    }
}
