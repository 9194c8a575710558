using MiniMesos.Core.Raft;

namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>
/// The replicated key-value store of the simulation. Applies each (client, seq) at most once, and remembers where each
/// write took effect so the simulation can check "acknowledged implies applied exactly once everywhere".
/// </summary>
internal sealed class KvStateMachine
{
    private readonly Dictionary<int, ulong> _values = [];
    private readonly Dictionary<int, int> _lastSeq = [];
    private readonly Dictionary<(int Client, int Seq), ulong> _effectiveAt = [];

    public ulong AppliedIndex { get; private set; }

    public ulong Get(int key) => _values.GetValueOrDefault(key, LinearizabilityChecker.InitialValue);

    /// <summary>Index at which (client, seq) took effect, if it did.</summary>
    public ulong? EffectiveIndex(int client, int seq) => _effectiveAt.TryGetValue((client, seq), out var i) ? i : null;

    public void Apply(LogEntry entry)
    {
        if (entry.Index != AppliedIndex + 1)
        {
            throw new InvariantViolationException($"applied {entry.Index} after {AppliedIndex}: gap or repeat");
        }
        AppliedIndex = entry.Index;
        if (entry.Type != EntryType.Normal || entry.Data.Length == 0)
        {
            return;
        }
        var cmd = KvCommand.Decode(entry.Data);
        if (cmd.Seq <= _lastSeq.GetValueOrDefault(cmd.ClientId))
        {
            return; // a retry of something already applied
        }
        _lastSeq[cmd.ClientId] = cmd.Seq;
        if (!_effectiveAt.TryAdd((cmd.ClientId, cmd.Seq), entry.Index))
        {
            throw new InvariantViolationException($"client {cmd.ClientId} seq {cmd.Seq} applied twice");
        }
        _values[cmd.Key] = cmd.Value;
    }

    public byte[] Serialize()
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(AppliedIndex);
        w.Write(_values.Count);
        foreach (var (k, v) in _values)
        {
            w.Write(k);
            w.Write(v);
        }
        w.Write(_lastSeq.Count);
        foreach (var (c, s) in _lastSeq)
        {
            w.Write(c);
            w.Write(s);
        }
        w.Write(_effectiveAt.Count);
        foreach (var ((c, s), i) in _effectiveAt)
        {
            w.Write(c);
            w.Write(s);
            w.Write(i);
        }
        w.Flush();
        return ms.ToArray();
    }

    public static KvStateMachine Restore(byte[] data)
    {
        var sm = new KvStateMachine();
        using var r = new BinaryReader(new MemoryStream(data));
        sm.AppliedIndex = r.ReadUInt64();
        for (int i = 0, n = r.ReadInt32(); i < n; i++)
        {
            sm._values[r.ReadInt32()] = r.ReadUInt64();
        }
        for (int i = 0, n = r.ReadInt32(); i < n; i++)
        {
            sm._lastSeq[r.ReadInt32()] = r.ReadInt32();
        }
        for (int i = 0, n = r.ReadInt32(); i < n; i++)
        {
            sm._effectiveAt[(r.ReadInt32(), r.ReadInt32())] = r.ReadUInt64();
        }
        return sm;
    }
}
