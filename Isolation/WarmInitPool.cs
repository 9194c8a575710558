using System.Diagnostics;
using MiniMesos.Core.Isolation;

namespace MiniMesos.Isolation;

/// <summary>
/// Inits started ahead of their task (`__task-init --warm`) in fresh PID, mount, UTS and IPC namespaces, each blocked
/// on its stdin, so a launch skips init's start-up. A waiting init is in no task cgroup and runs nothing: it exits when
/// its stdin closes (the agent died) and is killed when discarded. <see cref="TryTake"/> hands one out only while the
/// agent's mount table is what it was when that init started and it is not older than the age bound
/// (<see cref="WarmInitPolicy"/>), and replaces idle ones before they get there; <see cref="Dispose"/> kills and
/// reaps every waiting one.
/// </summary>
internal sealed class WarmInitPool : IDisposable
{
    private const string MountInfo = "/proc/self/mountinfo";

    private readonly IReadOnlyList<string> _initCommand;
    private readonly int _size;
    private readonly long _maxAgeMs;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<Waiting> _waiting = [];
    private readonly List<Task> _starting = [];
    private readonly NamespaceForker _forker = new(); // its own: a background start never delays a launch's
    private readonly TimeSpan _refreshEvery;
    private ITimer? _refresh;
    private bool _disposed;

    public WarmInitPool(IReadOnlyList<string> initCommand, int size, TimeSpan maxAge, TimeProvider? time = null)
    {
        _initCommand = initCommand;
        _size = size;
        _maxAgeMs = (long)maxAge.TotalMilliseconds;
        _time = time ?? TimeProvider.System;
        _refreshEvery = maxAge / 2;
    }

    /// <summary>Pids of the inits waiting now (for tests and diagnostics).</summary>
    public IReadOnlyList<int> WaitingPids
    {
        get
        {
            lock (_lock) return _waiting.Select(w => w.Init.Id).ToList();
        }
    }

    /// <summary>
    /// After each periodic replacement round (every half age bound, whether or not it replaced an init): what an idle
    /// agent does only then, which the agent uses to drop that work's code pages out of its resident set again.
    /// </summary>
    public event Action? Refreshed;

    /// <summary>The error of the last failed pre-start, if the last one failed (the cold path still works).</summary>
    public string? LastError { get; private set; }

    /// <summary>A waiting init that may run a task now, or null (none, or all were stale and are discarded).</summary>
    public Process? TryTake()
    {
        lock (_lock)
        {
            if (_waiting.Count == 0) return null; // nothing to judge: no mountinfo read on the launch path
        }

        Process? taken = null;
        List<Process> stale;
        try
        {
            stale = RemoveStale(_maxAgeMs);
        }
        catch (IOException)
        {
            return null; // mountinfo unreadable for a moment: this launch starts cold
        }

        lock (_lock)
        {
            if (_waiting.Count > 0)
            {
                taken = _waiting[0].Init;
                _waiting.RemoveAt(0);
            }
        }

        foreach (var p in stale) InitProcess.Discard(p);
        return taken;
    }

    /// <summary>
    /// Every half age bound: replaces the inits past half of it or started under another mount table, so that an
    /// agent whose tasks come seldom still finds one it may use.
    /// </summary>
    private void Refresh()
    {
        try
        {
            foreach (var p in RemoveStale(_maxAgeMs / 2)) InitProcess.Discard(p);
            Refill();
        }
        catch (IOException)
        {
            // mountinfo unreadable for a moment: the next round or the next launch decides
        }

        Refreshed?.Invoke();
    }

    /// <summary>Takes out of the pool (for the caller to discard) the inits that must not be used any more.</summary>
    private List<Process> RemoveStale(long maxAgeMs)
    {
        var mounts = ReadMountInfo();
        var now = _time.GetTimestamp();
        var stale = new List<Process>();
        lock (_lock)
        {
            _waiting.RemoveAll(w =>
            {
                var age = (long)_time.GetElapsedTime(w.StartedAt, now).TotalMilliseconds;
                var gone = WarmInitPolicy.Decide(w.MountInfo, mounts, age, maxAgeMs) != WarmInitVerdict.Use || w.Init.HasExited;
                if (gone) stale.Add(w.Init);
                return gone;
            });
        }

        return stale;
    }

    /// <summary>Starts inits in the background until the pool is full again; never blocks the caller.</summary>
    public void Refill()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _refresh ??= _time.CreateTimer(_ => Refresh(), null, _refreshEvery, _refreshEvery);
            _starting.RemoveAll(t => t.IsCompleted);
            for (var missing = _size - _waiting.Count - _starting.Count; missing > 0 && !_disposed; missing--)
            {
                _starting.Add(Task.Run(StartOne));
            }
        }
    }

    public void Dispose()
    {
        Task[] starting;
        List<Waiting> waiting;
        lock (_lock)
        {
            _disposed = true;
            _refresh?.Dispose();
            starting = [.. _starting];
            waiting = [.. _waiting];
            _waiting.Clear();
        }

        // A start still under way discards its init itself once it sees _disposed.
        Task.WaitAll(starting, TimeSpan.FromSeconds(10));
        foreach (var w in waiting) InitProcess.Discard(w.Init);
        _forker.Dispose();
    }

    private void StartOne()
    {
        try
        {
            // Read before the unshare: a mount made in between makes the init look stale, never fresh.
            var mounts = ReadMountInfo();
            var startedAt = _time.GetTimestamp();
            var init = _forker.Start(InitProcess.StartInfo(_initCommand, "/", [TaskInit.WarmFlag]), InitProcess.TaskNamespaces, null);
            lock (_lock)
            {
                if (!_disposed)
                {
                    _waiting.Add(new Waiting(init, mounts, startedAt));
                    LastError = null;
                    return;
                }
            }

            InitProcess.Discard(init);
        }
        catch (Exception e) when (e is TaskLaunchException or IOException or UnauthorizedAccessException)
        {
            LastError = e.Message;
        }
    }

    private static string ReadMountInfo() => File.ReadAllText(MountInfo);

    private sealed record Waiting(Process Init, string MountInfo, long StartedAt);
}
