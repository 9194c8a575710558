using Microsoft.Extensions.Logging;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Master.State;

/// <summary>
/// The replicated state machine: applies committed commands to the <see cref="ClusterState"/> in log order (the Raft
/// loop calls <see cref="Apply"/>), and publishes a read view, a frozen copy of the state (<see cref="View"/>), so
/// readers (the API, metrics, framework passes, snapshots) never hold the apply lock while they read: the lock is
/// held to apply one entry, or to freeze the state once per applied change for the first reader that asks. A freeze
/// copies no table whole (<see cref="ClusterState.Freeze"/>: the big tables share pages with the view, O(pages +
/// agents)), and is made at most once per change and only when read, so a burst of commits nobody reads costs nothing.
/// </summary>
internal sealed class ReplicatedState(ILogger logger)
{
    private readonly Lock _apply = new();
    private readonly ClusterState _state = new();

    /// <summary>Bumped under the apply lock by every apply or restore: the view of an older version is stale.</summary>
    private long _version;

    private Published _view = new(0, new ClusterState().Freeze());

    /// <summary>The events applied entries made, and the leader's own.</summary>
    public ClusterEventLog Events { get; } = new();

    /// <summary>Completes its waiters after every apply (and whenever another part says something changed).</summary>
    public ChangeSignal Signal { get; } = new();

    /// <summary>Raised (outside the apply lock) once a <see cref="ReplaceState"/> entry (a restored backup) has been applied.</summary>
    public event Action? Replaced;

    /// <summary>
    /// The state as applied here now, read-only and never changed afterwards: hold it as long as needed. Everything
    /// committed before the call is in it (a proposer that awaited its commit reads its own write).
    /// </summary>
    public ClusterState View
    {
        get
        {
            var view = Volatile.Read(ref _view);
            if (view.Version == Volatile.Read(ref _version)) return view.State;
            lock (_apply)
            {
                if (_view.Version != _version) Volatile.Write(ref _view, new Published(_version, _state.Freeze()));
                return _view.State;
            }
        }
    }

    /// <summary>
    /// A short read (a lookup or two): on the view when it is current, else on the state under the apply lock, which
    /// is cheaper than copying the state for one lookup. <paramref name="read"/> must not keep what it is given.
    /// </summary>
    public T Read<T>(Func<ClusterState, T> read)
    {
        var view = Volatile.Read(ref _view);
        if (view.Version == Volatile.Read(ref _version)) return read(view.State);
        lock (_apply) return read(_state);
    }

    /// <summary>Applies one committed entry (on the Raft loop).</summary>
    public void Apply(ulong index, byte[] command)
    {
        ClusterCommand decoded;
        try
        {
            decoded = CommandCodec.Decode(command);
        }
        catch (ProtocolException e)
        {
            // Only a leader running another version writes what this master cannot read: stop rather than drift.
            throw new UnreadableEntryException(index, e.Message);
        }
        if (decoded is ReplaceState replace)
        {
            ApplyReplaceState(index, replace);
            return;
        }
        IReadOnlyList<(string TaskId, string Reason)> skipped;
        lock (_apply)
        {
            var before = ClusterEvents.Before(_state, decoded);
            var applied = _state.Apply(decoded);
            _version++;
            skipped = _state.LastSkipped.Count == 0 ? [] : _state.LastSkipped.ToList();
            if (applied) Events.AddCommitted(index, first => ClusterEvents.After(_state, decoded, before, first));
        }
        foreach (var (taskId, reason) in skipped)
            logger.LogWarning("log entry {Index}: launch of task {Task} skipped: {Reason}", index, taskId, reason);
        Signal.Changed();
    }

    /// <summary>The whole state as snapshot bytes, encoded from the view: applies go on meanwhile.</summary>
    public byte[] Snapshot() => FreezeSnapshot()();

    /// <summary>
    /// The view as applied now, and its encoder to run later on any thread (the view never changes): the Raft loop
    /// freezes between two applies and a background task encodes, so the loop never waits for the encoding.
    /// </summary>
    public Func<byte[]> FreezeSnapshot()
    {
        var view = View;
        return () => StateSnapshotCodec.Encode(view);
    }

    /// <summary>Replaces the whole state with a snapshot (a lagging master catching up, or a restart).</summary>
    public void Restore(byte[] snapshot)
    {
        lock (_apply)
        {
            _version++;
            StateSnapshotCodec.Restore(_state, snapshot);
        }
        Signal.Changed();
    }

    private void ApplyReplaceState(ulong index, ReplaceState replace)
    {
        (int Agents, int Tasks, int Apps) counts;
        try
        {
            lock (_apply)
            {
                _version++;
                StateSnapshotCodec.Restore(_state, replace.State);
                counts = (_state.Agents.Count, _state.Tasks.Count, _state.Apps.Count);
            }
        }
        catch (ProtocolException e)
        {
            // The leader decoded it before proposing: a master that cannot is older, and must stop rather than drift.
            throw new UnreadableEntryException(index, e.Message);
        }
        logger.LogWarning("log entry {Index}: the cluster state was replaced by a restored backup ({Agents} agents, {Tasks} tasks, {Apps} apps)",
            index, counts.Agents, counts.Tasks, counts.Apps);
        Signal.Changed();
        Replaced?.Invoke();
    }

    private sealed record Published(long Version, ClusterState State);
}
