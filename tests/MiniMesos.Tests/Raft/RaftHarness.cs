using MiniMesos.Core.Raft;

namespace MiniMesos.Tests.Raft;

/// <summary>
/// A scripted cluster for interaction tests (etcd raft's interaction tests in spirit): the test decides which node
/// ticks, which messages are delivered or dropped, and reads back a transcript of delivered messages.
/// Messages are delivered in FIFO order, so transcripts are deterministic.
/// </summary>
internal sealed class RaftHarness
{
    private readonly Queue<RaftMessage> _inflight = new();
    private readonly HashSet<ulong> _isolated = [];
    private readonly Func<ulong, RaftOptions> _optionsFor;
    private readonly List<string> _transcript = [];

    public RaftHarness(int voters, Func<RaftOptions, RaftOptions>? tweak = null, int extraNodes = 0)
    {
        var ids = Enumerable.Range(1, voters).Select(i => (ulong)i).ToArray();
        _optionsFor = id => (tweak ?? (o => o))(new RaftOptions { Id = id, InitialVoters = id <= (ulong)voters ? ids : [] });
        for (var i = 1UL; i <= (ulong)(voters + extraNodes); i++)
        {
            Storage[i] = RaftStorage.InMemory();
            Applied[i] = [];
            Reads[i] = [];
            Start(i);
        }
    }

    public Dictionary<ulong, RaftNode> Nodes { get; } = [];

    public Dictionary<ulong, RaftStorage> Storage { get; } = [];

    public Dictionary<ulong, List<LogEntry>> Applied { get; } = [];

    public Dictionary<ulong, List<ReadState>> Reads { get; } = [];

    /// <summary>Messages for which this returns true are dropped instead of delivered.</summary>
    public Func<RaftMessage, bool>? Drop { get; set; }

    /// <summary>Ask the application for a snapshot every this many applied entries (0: never).</summary>
    public int CompactEvery { get; set; }

    public RaftNode this[ulong id] => Nodes[id];

    public void Start(ulong id)
    {
        // A fixed seed per node: the randomized election timeouts are the same in every run of the test.
        Nodes[id] = new RaftNode(_optionsFor(id), Storage[id], new SeededRaftRandom((int)id * 7919));
        Applied[id] = [];
        if (Storage[id].Snapshots.Latest is { } s)
        {
            Applied[id].Add(new LogEntry(s.Metadata.Index, s.Metadata.Term, EntryType.Normal, s.Data));
        }
    }

    /// <summary>Lose everything not persisted, then come back from storage.</summary>
    public void Restart(ulong id) => Start(id);

    public void Isolate(ulong id) => _isolated.Add(id);

    public void Heal() => _isolated.Clear();

    public void Tick(ulong id, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Nodes[id].Tick();
            Process(id);
        }
    }

    /// <summary>Tick every node once, in id order.</summary>
    public void TickAll(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            foreach (var id in Nodes.Keys.Order().ToList())
            {
                Tick(id);
            }
        }
    }

    /// <summary>Let time pass with a working network: every tick, tick all nodes then deliver until quiet.</summary>
    public void Run(int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            TickAll();
            Stabilize();
        }
    }

    /// <summary>The node that leads in the highest term, if any.</summary>
    public ulong LeaderId() =>
        Nodes.Values.Where(n => n.Role == RaftRole.Leader).OrderByDescending(n => n.Term).Select(n => n.Id).FirstOrDefault();

    /// <summary>Tick id until its election timeout fires (it becomes pre-candidate, candidate or leader).</summary>
    public void ElectionTimeout(ulong id)
    {
        for (var i = 0; i < 100 && Nodes[id].Role is RaftRole.Follower; i++)
        {
            Tick(id);
        }
    }

    /// <summary>Timeout on id, then deliver until quiet; returns the transcript.</summary>
    public string Elect(ulong id)
    {
        ElectionTimeout(id);
        return Stabilize();
    }

    public ProposeResult Propose(ulong id, string command)
    {
        var r = Nodes[id].Propose(System.Text.Encoding.UTF8.GetBytes(command));
        Process(id);
        return r;
    }

    /// <summary>Deliver messages until none are left; return the delivered messages, one per line.</summary>
    public string Stabilize(int maxMessages = 10_000)
    {
        _transcript.Clear();
        var delivered = 0;
        while (_inflight.TryDequeue(out var m))
        {
            if (++delivered > maxMessages)
            {
                throw new InvalidOperationException("cluster did not quiesce");
            }
            if (_isolated.Contains(m.From) || _isolated.Contains(m.To) || (Drop?.Invoke(m) ?? false))
            {
                _transcript.Add("dropped " + m);
                continue;
            }
            _transcript.Add(m.ToString());
            Nodes[m.To].Step(m);
            Process(m.To);
        }
        return string.Join("\n", _transcript);
    }

    /// <summary>Do what a host does with each Ready: persist, send, restore, apply, advance.</summary>
    public void Process(ulong id)
    {
        var node = Nodes[id];
        while (node.HasReady())
        {
            var ready = node.GetReady();
            Storage[id].Persist(ready);
            foreach (var m in ready.Messages)
            {
                _inflight.Enqueue(m);
            }
            if (ready.SnapshotFromLeader && ready.Snapshot is { } s)
            {
                Applied[id].Clear();
                Applied[id].Add(new LogEntry(s.Metadata.Index, s.Metadata.Term, EntryType.Normal, s.Data));
            }
            Applied[id].AddRange(ready.CommittedEntries);
            Reads[id].AddRange(ready.ReadStates);
            node.Advance(ready);
            if (CompactEvery > 0 && node.AppliedIndex >= node.SnapshotIndex + (ulong)CompactEvery)
            {
                node.Compact(node.AppliedIndex, System.Text.Encoding.UTF8.GetBytes($"state@{node.AppliedIndex}"));
            }
        }
    }

    /// <summary>Commands applied on id, as text, skipping empty leader entries and config entries.</summary>
    public IReadOnlyList<string> AppliedCommands(ulong id) =>
        Applied[id].Where(e => e.Type == EntryType.Normal && e.Data.Length > 0).Select(e => System.Text.Encoding.UTF8.GetString(e.Data)).ToList();

    public static string Lines(params string[] lines) => string.Join("\n", lines);
}
