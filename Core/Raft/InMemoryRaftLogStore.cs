namespace MiniMesos.Core.Raft;

/// <summary>In-memory <see cref="IRaftLogStore"/>, for tests and simulation. Survives a simulated crash because the simulation keeps the object.</summary>
internal sealed class InMemoryRaftLogStore : IRaftLogStore
{
    private readonly List<LogEntry> _entries = [];
    private ulong _first = 1;

    public ulong FirstIndex => _first;

    public ulong LastIndex => _first + (ulong)_entries.Count - 1;

    public IReadOnlyList<LogEntry> Read(ulong from, ulong to)
    {
        from = Math.Max(from, _first);
        to = Math.Min(to, LastIndex);
        return from > to ? [] : _entries.GetRange((int)(from - _first), (int)(to - from + 1));
    }

    public void Append(IReadOnlyList<LogEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }
        var start = entries[0].Index;
        if (_entries.Count == 0)
        {
            _first = start;
        }
        else if (start < _first || start > LastIndex + 1)
        {
            throw new InvalidOperationException($"append at {start} leaves a gap or rewrites compacted entries [{_first},{LastIndex}]");
        }
        else
        {
            _entries.RemoveRange((int)(start - _first), (int)(LastIndex - start + 1));
        }
        _entries.AddRange(entries);
    }

    public void DeleteThrough(ulong index)
    {
        if (index < _first)
        {
            return;
        }
        var n = (int)Math.Min((ulong)_entries.Count, index - _first + 1);
        _entries.RemoveRange(0, n);
        _first = index + 1;
    }
}
