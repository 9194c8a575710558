using System.Diagnostics;
using MiniMesos.Core.Raft;

namespace MiniMesos.Bench;

/// <summary>Wraps a master's persist step (one SQLite transaction per Ready) to see where the loop's time goes.</summary>
internal sealed class PersistMeter(Action<Ready> persist)
{
    private long _ticks;
    private long _readies;
    private long _entries;

    public void Persist(Ready ready)
    {
        var start = Stopwatch.GetTimestamp();
        persist(ready);
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref _readies);
        Interlocked.Add(ref _entries, ready.Entries.Count);
    }

    public (TimeSpan Time, long Readies, long Entries) Take() =>
        (Stopwatch.GetElapsedTime(0, Interlocked.Exchange(ref _ticks, 0)), Interlocked.Exchange(ref _readies, 0), Interlocked.Exchange(ref _entries, 0));
}
