using MiniMesos.Core.Raft;

namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>
/// In-memory network driven by the run's seeded random: every message gets a random delay (so messages reorder),
/// may be dropped or duplicated, and directed links can be cut (a two-way partition cuts both directions, an
/// asymmetric one only one).
/// </summary>
internal sealed class SimNetwork(Random random, SimOptions options)
{
    private readonly PriorityQueue<RaftMessage, (long At, int Tiebreak)> _queue = new();
    private readonly HashSet<(ulong From, ulong To)> _cut = [];

    public int Sent { get; private set; }

    /// <summary>No more drops, duplicates or long delays (the quiet end of a run, where liveness is checked).</summary>
    public bool Healthy { get; set; }

    public int Delivered { get; private set; }

    public bool Cut(ulong from, ulong to) => _cut.Contains((from, to));

    public void Send(RaftMessage m, long now)
    {
        Sent++;
        if (Cut(m.From, m.To) || (!Healthy && random.NextDouble() < options.DropRate))
        {
            return;
        }
        var copies = !Healthy && random.NextDouble() < options.DuplicateRate ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            // Healthy means fast too: delays comparable to the election timeout make split votes repeat for a long time.
            var delay = Healthy ? 1 : 1 + random.Next(options.MaxDelayTicks);
            _queue.Enqueue(m, (now + delay, random.Next()));
        }
    }

    /// <summary>Next message due by now; links cut while it was in flight lose it too.</summary>
    public bool TryReceive(long now, out RaftMessage message)
    {
        while (_queue.TryPeek(out var m, out var due) && due.At <= now)
        {
            _queue.Dequeue();
            if (!Cut(m.From, m.To))
            {
                Delivered++;
                message = m;
                return true;
            }
        }
        message = null!;
        return false;
    }

    public void Partition(IReadOnlyCollection<ulong> side, IEnumerable<ulong> all)
    {
        foreach (var a in side)
        {
            foreach (var b in all.Where(b => !side.Contains(b)))
            {
                _cut.Add((a, b));
                _cut.Add((b, a));
            }
        }
    }

    public void CutOneWay(ulong from, ulong to) => _cut.Add((from, to));

    public void Heal() => _cut.Clear();
}
