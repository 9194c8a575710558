using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace MiniMesos.Core.State;

/// <summary>
/// A string-keyed table whose read-only copies share its storage (the cluster state's big tables, so that the master's
/// read view costs no copy of the whole state). The entries sit in insertion order in pages of <see cref="PageSize"/>
/// (a removed entry leaves a hole until the holes outnumber the entries, then the pages are compacted, order kept);
/// the index from key to place is spread over chunks of about <see cref="Load"/> keys by a fixed hash of the key.
/// <see cref="Snapshot"/> hands out a copy sharing every page and chunk (O(pages + chunks)), and the first write to a
/// page or chunk after a snapshot copies that one alone. A snapshot never changes afterwards. It enumerates in
/// insertion order, like a dictionary that never removed anything: readers walk the tasks in the order they arrived
/// (and in memory order), and every master enumerates alike (nothing replicated depends on it: snapshots sort).
/// Not thread-safe for writes; a snapshot may be read from any number of threads.
/// </summary>
internal sealed class ChunkedTable<TValue> : IReadOnlyDictionary<string, TValue> where TValue : class
{
    private const int PageShift = 6;
    private const int PageSize = 1 << PageShift;
    /// <summary>Keys per index chunk on average before the index doubles its chunks.</summary>
    private const int Load = 32;
    private const int MinChunks = 8;

    private Page?[] _pages = new Page?[4];
    /// <summary>Places used in the pages, entries and holes.</summary>
    private int _end;
    private int _count;
    private Dictionary<string, int>?[] _index = new Dictionary<string, int>?[MinChunks];
    private int _shift = 32 - BitOperations.Log2(MinChunks);
    /// <summary>Per page and per index chunk, whether this table may write it in place (no snapshot shares it); null for a snapshot.</summary>
    private bool[]? _ownedPages = new bool[4];
    private bool[]? _ownedIndex = new bool[MinChunks];

    public ChunkedTable()
    {
    }

    private ChunkedTable(ChunkedTable<TValue> source)
    {
        _pages = (Page?[])source._pages.Clone();
        _end = source._end;
        _count = source._count;
        _index = (Dictionary<string, int>?[])source._index.Clone();
        _shift = source._shift;
        _ownedPages = null;
        _ownedIndex = null;
    }

    public int Count => _count;

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no entry '{key}'");

    public IEnumerable<string> Keys
    {
        get
        {
            for (var place = 0; place < _end; place++)
                if (_pages[place >> PageShift]!.Keys[place & (PageSize - 1)] is { } key) yield return key;
        }
    }

    public IEnumerable<TValue> Values
    {
        get
        {
            for (var place = 0; place < _end; place++)
                if (_pages[place >> PageShift]!.Values[place & (PageSize - 1)] is { } value) yield return value;
        }
    }

    /// <summary>A read-only copy sharing every page and chunk with this table; this table copies one before it next writes it.</summary>
    public ChunkedTable<TValue> Snapshot()
    {
        if (_ownedPages is not null) Array.Clear(_ownedPages);
        if (_ownedIndex is not null) Array.Clear(_ownedIndex);
        return new ChunkedTable<TValue>(this);
    }

    public bool ContainsKey(string key) => _index[Chunk(key)]?.ContainsKey(key) == true;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_index[Chunk(key)] is { } chunk && chunk.TryGetValue(key, out var place))
        {
            value = _pages[place >> PageShift]!.Values[place & (PageSize - 1)]!;
            return true;
        }
        value = null;
        return false;
    }

    public void Set(string key, TValue value)
    {
        var chunk = Chunk(key);
        if (_index[chunk] is { } found && found.TryGetValue(key, out var place))
        {
            WritablePage(place >> PageShift).Values[place & (PageSize - 1)] = value;
            return;
        }
        place = Append(key, value);
        WritableChunk(chunk).Add(key, place);
        if (++_count > _index.Length * Load) Reindex(_index.Length * 2);
    }

    public bool Remove(string key)
    {
        var chunk = Chunk(key);
        if (_index[chunk] is not { } found || !found.TryGetValue(key, out var place)) return false;
        WritableChunk(chunk).Remove(key);
        var page = WritablePage(place >> PageShift);
        page.Keys[place & (PageSize - 1)] = null;
        page.Values[place & (PageSize - 1)] = null;
        _count--;
        if (_end - _count > Math.Max(_count, PageSize)) Compact();
        return true;
    }

    public void Clear()
    {
        _ = Owned(_ownedPages);
        _pages = new Page?[4];
        _ownedPages = new bool[4];
        _end = 0;
        _count = 0;
        Reindex(MinChunks);
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        for (var place = 0; place < _end; place++)
        {
            var page = _pages[place >> PageShift]!;
            if (page.Keys[place & (PageSize - 1)] is { } key) yield return new(key, page.Values[place & (PageSize - 1)]!);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int Append(string key, TValue value)
    {
        var place = _end++;
        var number = place >> PageShift;
        if (number == _pages.Length)
        {
            Array.Resize(ref _pages, _pages.Length * 2);
            var owned = Owned(_ownedPages);
            Array.Resize(ref owned, _pages.Length);
            _ownedPages = owned;
        }
        var page = _pages[number] is null ? NewPage(number) : WritablePage(number);
        page.Keys[place & (PageSize - 1)] = key;
        page.Values[place & (PageSize - 1)] = value;
        return place;
    }

    private Page NewPage(int number)
    {
        Owned(_ownedPages)[number] = true;
        return _pages[number] = new Page(new string?[PageSize], new TValue?[PageSize]);
    }

    private Page WritablePage(int number)
    {
        var owned = Owned(_ownedPages);
        var page = _pages[number]!;
        if (owned[number]) return page;
        owned[number] = true;
        return _pages[number] = new Page((string?[])page.Keys.Clone(), (TValue?[])page.Values.Clone());
    }

    private Dictionary<string, int> WritableChunk(int chunk)
    {
        var owned = Owned(_ownedIndex);
        var found = _index[chunk];
        if (found is not null && owned[chunk]) return found;
        owned[chunk] = true;
        return _index[chunk] = found is null ? new Dictionary<string, int>(StringComparer.Ordinal) : new Dictionary<string, int>(found, StringComparer.Ordinal);
    }

    private static bool[] Owned(bool[]? owned) => owned ?? throw new InvalidOperationException("a snapshot of a table is read-only");

    /// <summary>Drops the holes (O(size), once the holes outnumber the entries), keeping the order.</summary>
    private void Compact()
    {
        var pages = _pages;
        var end = _end;
        _pages = new Page?[Math.Max(4, (int)BitOperations.RoundUpToPowerOf2((uint)(_count + PageSize - 1) >> PageShift))];
        _ownedPages = new bool[_pages.Length];
        _end = 0;
        for (var place = 0; place < end; place++)
        {
            var page = pages[place >> PageShift]!;
            if (page.Keys[place & (PageSize - 1)] is { } key) Append(key, page.Values[place & (PageSize - 1)]!);
        }
        Reindex(_index.Length);
    }

    /// <summary>Builds the index anew over <paramref name="chunks"/> chunks (O(size), once per doubling of the table or compaction).</summary>
    private void Reindex(int chunks)
    {
        _index = new Dictionary<string, int>?[chunks];
        _ownedIndex = new bool[chunks];
        _shift = 32 - BitOperations.Log2((uint)chunks);
        for (var place = 0; place < _end; place++)
            if (_pages[place >> PageShift]!.Keys[place & (PageSize - 1)] is { } key) WritableChunk(Chunk(key)).Add(key, place);
    }

    /// <summary>FNV-1a over the key's characters, spread by a multiplication; the top bits pick the index chunk.</summary>
    private int Chunk(string key)
    {
        var hash = 2166136261u;
        foreach (var c in key) hash = (hash ^ c) * 16777619u;
        return (int)((hash * 2654435769u) >> _shift);
    }

    /// <summary>A page of entries: keys (null for a hole) and values at the same places.</summary>
    private sealed class Page(string?[] keys, TValue?[] values)
    {
        public readonly string?[] Keys = keys;
        public readonly TValue?[] Values = values;
    }
}
