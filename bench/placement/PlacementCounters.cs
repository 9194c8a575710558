using System.Diagnostics;

namespace MiniMesos.Bench;

/// <summary>What the run counts, from any thread: launches received by agents (placements committed), RUNNING commits, passes.</summary>
internal sealed class PlacementCounters
{
    private readonly object _gate = new();
    private readonly List<double> _passMs = [];
    private readonly List<double> _launchingPassMs = [];
    private long _placed;
    private long _running;
    private long _updates;
    private long _failed;
    private long _updateTicks;
    private long _firstPlaced;
    private long _lastPlaced;
    private long _lastRunning;

    public long PlacedCount => Interlocked.Read(ref _placed);
    public long RunningCount => Interlocked.Read(ref _running);
    public long FirstPlacedAt => Interlocked.Read(ref _firstPlaced);
    public long LastPlacedAt => Interlocked.Read(ref _lastPlaced);
    public long LastRunningAt => Interlocked.Read(ref _lastRunning);

    /// <summary>Placements per whole second since <see cref="Reset"/> (index: seconds since then).</summary>
    private readonly long[] _perSecond = new long[7200];
    private long _since = Stopwatch.GetTimestamp();

    public void Placed(long at)
    {
        Interlocked.Increment(ref _placed);
        var second = (int)Math.Clamp(Stopwatch.GetElapsedTime(Interlocked.Read(ref _since), at).TotalSeconds, 0, _perSecond.Length - 1);
        Interlocked.Increment(ref _perSecond[second]);
        Interlocked.CompareExchange(ref _firstPlaced, at, 0);
        Interlocked.Exchange(ref _lastPlaced, at);
    }

    public void Running(long at)
    {
        Interlocked.Increment(ref _running);
        Interlocked.Exchange(ref _lastRunning, at);
    }

    public string? FirstFailure { get; private set; }

    public long FailedCount => Interlocked.Read(ref _failed);

    public void Failed(Exception e)
    {
        Interlocked.Increment(ref _failed);
        lock (_gate) FirstFailure ??= $"{e.GetType().Name}: {e.Message}";
    }

    public void Update(TimeSpan took)
    {
        Interlocked.Increment(ref _updates);
        Interlocked.Add(ref _updateTicks, took.Ticks);
    }

    public (long Count, TimeSpan Mean) Updates()
    {
        var n = Interlocked.Read(ref _updates);
        return (n, n == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref _updateTicks) / n));
    }

    public void Pass(TimeSpan took, bool launched)
    {
        lock (_gate)
        {
            _passMs.Add(took.TotalMilliseconds);
            if (launched) _launchingPassMs.Add(took.TotalMilliseconds);
        }
    }

    public (IReadOnlyList<double> All, IReadOnlyList<double> Launching) Passes()
    {
        lock (_gate) return (_passMs.ToList(), _launchingPassMs.ToList());
    }

    public void Reset()
    {
        lock (_gate)
        {
            _passMs.Clear();
            _launchingPassMs.Clear();
        }
        Interlocked.Exchange(ref _placed, 0);
        Array.Clear(_perSecond);
        Interlocked.Exchange(ref _since, Stopwatch.GetTimestamp());
        Interlocked.Exchange(ref _running, 0);
        Interlocked.Exchange(ref _updates, 0);
        Interlocked.Exchange(ref _failed, 0);
        Interlocked.Exchange(ref _updateTicks, 0);
        Interlocked.Exchange(ref _firstPlaced, 0);
        Interlocked.Exchange(ref _lastPlaced, 0);
        Interlocked.Exchange(ref _lastRunning, 0);
    }

    /// <summary>Placements in each whole second from the one of the first placement to the one of the last.</summary>
    public List<double> PlacementsPerSecond()
    {
        var first = Array.FindIndex(_perSecond, n => n > 0);
        var last = Array.FindLastIndex(_perSecond, n => n > 0);
        return first < 0 ? [] : _perSecond[first..(last + 1)].Select(n => (double)n).ToList();
    }

    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
    }

    public static TimeSpan Since(long start, long end) => Stopwatch.GetElapsedTime(start, end);
}
