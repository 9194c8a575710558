using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace MiniMesos.Core.State;

/// <summary>
/// A string-keyed table whose read-only copies share its storage (the cluster state's tables, so that the master's read
/// view costs no copy of the whole state): the entries are spread over chunks by a hash of the key, <see cref="Snapshot"/>
/// hands out a copy sharing every chunk (O(number of chunks), about one per <see cref="Load"/> entries), and the first
/// write to a chunk after a snapshot copies that chunk alone (O(<see cref="Load"/>)). A snapshot never changes afterwards.
/// The hash is fixed (not the process-seeded string hash), so every master enumerates the same table in the same order;
/// nothing replicated depends on that order anyway (snapshots sort, applies do not enumerate to decide).
/// Not thread-safe for writes; a snapshot may be read from any number of threads.
/// </summary>
internal sealed class ChunkedTable<TValue> : IReadOnlyDictionary<string, TValue> where TValue : class
{
    /// <summary>Entries per chunk on average before the table doubles its chunks.</summary>
    private const int Load = 32;
    private const int MinChunks = 8;

    private Dictionary<string, TValue>?[] _chunks;
    /// <summary>Per chunk, whether this table may write it in place (no snapshot shares it); null for a snapshot.</summary>
    private bool[]? _owned;
    private int _shift;
    private int _count;

    public ChunkedTable()
    {
        _chunks = new Dictionary<string, TValue>?[MinChunks];
        _owned = new bool[MinChunks];
        _shift = 32 - BitOperations.Log2(MinChunks);
    }

    private ChunkedTable(Dictionary<string, TValue>?[] chunks, int shift, int count)
    {
        _chunks = chunks;
        _shift = shift;
        _count = count;
    }

    public int Count => _count;

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no entry '{key}'");

    public IEnumerable<string> Keys => this.Select(kv => kv.Key);

    public IEnumerable<TValue> Values
    {
        get
        {
            foreach (var chunk in _chunks)
                if (chunk is not null)
                    foreach (var value in chunk.Values) yield return value;
        }
    }

    /// <summary>A read-only copy sharing every chunk with this table; this table copies a chunk before it next writes it.</summary>
    public ChunkedTable<TValue> Snapshot()
    {
        if (_owned is not null) Array.Clear(_owned);
        return new ChunkedTable<TValue>((Dictionary<string, TValue>?[])_chunks.Clone(), _shift, _count);
    }

    public bool ContainsKey(string key) => _chunks[Index(key)]?.ContainsKey(key) == true;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_chunks[Index(key)] is { } chunk) return chunk.TryGetValue(key, out value);
        value = null;
        return false;
    }

    public void Set(string key, TValue value)
    {
        var chunk = Writable(Index(key));
        var before = chunk.Count;
        chunk[key] = value;
        if (chunk.Count == before) return;
        if (++_count > _chunks.Length * Load) Grow();
    }

    public bool Remove(string key)
    {
        var index = Index(key);
        if (_chunks[index]?.ContainsKey(key) != true) return false;
        Writable(index).Remove(key);
        _count--;
        return true;
    }

    public void Clear()
    {
        _ = WritableFlags();
        _chunks = new Dictionary<string, TValue>?[MinChunks];
        _owned = new bool[MinChunks];
        _shift = 32 - BitOperations.Log2(MinChunks);
        _count = 0;
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        foreach (var chunk in _chunks)
            if (chunk is not null)
                foreach (var entry in chunk) yield return entry;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Dictionary<string, TValue> Writable(int index)
    {
        var owned = WritableFlags();
        var chunk = _chunks[index];
        if (chunk is not null && owned[index]) return chunk;
        owned[index] = true;
        return _chunks[index] = chunk is null ? new Dictionary<string, TValue>(StringComparer.Ordinal) : new Dictionary<string, TValue>(chunk, StringComparer.Ordinal);
    }

    private bool[] WritableFlags() => _owned ?? throw new InvalidOperationException("a snapshot of a table is read-only");

    /// <summary>Doubles the chunks and spreads the entries anew (O(size), once per doubling of the table).</summary>
    private void Grow()
    {
        var old = _chunks;
        _chunks = new Dictionary<string, TValue>?[old.Length * 2];
        _owned = new bool[_chunks.Length];
        _shift--;
        foreach (var chunk in old)
            if (chunk is not null)
                foreach (var (key, value) in chunk) Writable(Index(key)).Add(key, value);
    }

    /// <summary>FNV-1a over the key's characters, spread by a multiplication; the top bits pick the chunk.</summary>
    private int Index(string key)
    {
        var hash = 2166136261u;
        foreach (var c in key) hash = (hash ^ c) * 16777619u;
        return (int)((hash * 2654435769u) >> _shift);
    }
}
