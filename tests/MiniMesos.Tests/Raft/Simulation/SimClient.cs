namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>A client issuing one operation at a time, retrying until it learns the outcome (writes) or giving up (reads).</summary>
internal sealed class SimClient(int id)
{
    public int Id { get; } = id;

    public int Seq { get; set; }

    public ulong LeaderHint { get; set; }

    /// <summary>The operation in progress, null when idle.</summary>
    public PendingOp? Current { get; set; }

    internal sealed class PendingOp
    {
        public required bool IsWrite { get; init; }
        public required int Key { get; init; }
        public ulong Value { get; init; }
        public int Seq { get; init; }
        public long Call { get; set; }
        /// <summary>The attempt in flight: node, its incarnation, and the proposal (Index/Term) or read id.</summary>
        public ulong Node { get; set; }
        public int Incarnation { get; set; }
        public ulong Index { get; set; }
        public ulong Term { get; set; }
        public ulong ReadId { get; set; }
        public long Deadline { get; set; } = -1;
        public bool InFlight => Deadline >= 0;
    }
}
