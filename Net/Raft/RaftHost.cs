using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Raft;

namespace MiniMesos.Net.Raft;

/// <summary>
/// The one loop that drives a <see cref="RaftNode"/>: ticks, incoming messages and proposals go in through a
/// channel; each Ready is persisted, THEN its messages are sent, then committed entries are applied and the
/// waiting proposers answered. Everything the node sees happens on this loop, so the node needs no locks.
/// </summary>
internal sealed class RaftHost : IReplicatedLog, IAsyncDisposable
{
    private readonly RaftNode _node;
    private readonly Action<Ready> _persist;
    private readonly IRaftTransport _transport;
    private readonly IRaftStateMachine _machine;
    private readonly ILogger _logger;
    private readonly Channel<Input> _inputs = Channel.CreateUnbounded<Input>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<ulong, (ulong Term, TaskCompletionSource Done)> _proposals = [];
    private readonly Dictionary<ulong, TaskCompletionSource> _reads = [];
    private readonly List<(ulong Index, TaskCompletionSource Done)> _confirmedReads = [];
    private ulong _nextRead;
    private ulong _appliedHere; // the last entry the machine took: ahead of the node's count within a Ready
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Task _ticker;
    private readonly ulong _compactEvery;
    /// <summary>The snapshot being encoded off the loop, or null: one compaction at a time.</summary>
    private Task? _compaction;
    private volatile RaftStatus _status;

    public RaftHost(RaftNode node, Action<Ready> persist, IRaftTransport transport, IRaftStateMachine machine, TimeSpan tick,
        ILogger logger, ulong compactEvery = 10_000)
    {
        _node = node;
        _persist = persist;
        _transport = transport;
        _machine = machine;
        _logger = logger;
        _compactEvery = compactEvery;
        _status = Snapshot();
        _loop = Task.Run(LoopAsync);
        _ticker = Task.Run(() => TickAsync(tick));
    }

    /// <summary>Role, term, leader and indexes as of the last loop turn.</summary>
    public RaftStatus Status => _status;

    /// <summary>Raised on the loop when this master becomes or stops being the leader. Handlers must not block.</summary>
    public event Action<bool>? LeadershipChanged;

    public ulong Id => _node.Id;

    public bool IsLeader => _status is { Role: RaftRole.Leader, Stopped: null };

    public ulong? LeadingTerm => _status is { Role: RaftRole.Leader, Stopped: null } status ? status.Term : null;

    public void Step(RaftMessage message) => _inputs.Writer.TryWrite(new Input.Message(message));

    /// <summary>Completes once the command is committed and applied here; throws <see cref="NotLeaderException"/> otherwise.</summary>
    public Task ProposeAsync(byte[] command, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inputs.Writer.TryWrite(new Input.Propose(command, done)))
            done.TrySetException(new NotLeaderException(0, Unavailable));
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// A linearizable read barrier (ReadIndex): completes once this master has confirmed with a quorum that it still
    /// leads and has applied everything committed before the call, so state read afterwards is not stale.
    /// </summary>
    public Task ReadBarrierAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inputs.Writer.TryWrite(new Input.Read(done)))
            done.TrySetException(new NotLeaderException(0, Unavailable));
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Adds or removes one voter; completes once the new configuration is committed.</summary>
    public Task ChangeMembershipAsync(ConfigChange change, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inputs.Writer.TryWrite(new Input.Membership(change, done)))
            done.TrySetException(new NotLeaderException(0, Unavailable));
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The state machine's snapshot taken on the loop, between two applies, with the index and term it is at: a
    /// consistent copy of the replicated state at an applied (so committed) index.
    /// </summary>
    public Task<Snapshot> CaptureAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<Snapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inputs.Writer.TryWrite(new Input.Capture(done)))
            done.TrySetException(new NotLeaderException(0, Unavailable));
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Campaign at once (the lowest-id founding master right after a bootstrap).</summary>
    public void CampaignNow() => _inputs.Writer.TryWrite(Input.Campaign.Instance);

    /// <summary>Hands leadership to the most up-to-date follower (graceful shutdown).</summary>
    public void TransferLeadership(ulong target) => _inputs.Writer.TryWrite(new Input.Transfer(target));

    private string Unavailable => _status.Stopped is { } why ? $"raft stopped: {why}" : "this master is shutting down";

    public async ValueTask DisposeAsync()
    {
        _inputs.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loop, _ticker).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        // An encoding under way finishes (its result is dropped: the previous snapshot and the log stay as they are).
        if (_compaction is { } compaction) await compaction.ConfigureAwait(false);
        FailProposals("this master is shutting down");
        _stop.Dispose();
    }

    private async Task TickAsync(TimeSpan tick)
    {
        using var timer = new PeriodicTimer(tick);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false)) _inputs.Writer.TryWrite(Input.Tick.Instance);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task LoopAsync()
    {
        var wasLeader = false;
        try
        {
            while (await _inputs.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                // Drain everything queued: many proposals become one Ready, one transaction, one fsync (batching).
                while (_inputs.Reader.TryRead(out var input)) Handle(input);
                while (_node.HasReady()) Process(_node.GetReady());
                var isLeader = _node.Role == RaftRole.Leader;
                _status = Snapshot();
                if (isLeader != wasLeader)
                {
                    wasLeader = isLeader;
                    _logger.LogInformation("raft: {Change} (term {Term})", isLeader ? "became the leader" : "no longer the leader", _node.Term);
                    if (!isLeader) FailProposals("leadership changed before the change was committed; retry");
                    LeadershipChanged?.Invoke(isLeader);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Storage failures and unreadable entries end the loop: a master that cannot persist or apply must not
            // keep voting or leading. What arrives later is refused instead of queued without end.
            _inputs.Writer.TryComplete();
            if (e is UnreadableEntryException) _logger.LogCritical("raft loop stopped: {Reason}", e.Message);
            else _logger.LogCritical(e, "raft loop stopped");
            _status = Snapshot() with { Role = RaftRole.Follower, Leader = 0, Applied = Math.Max(_node.AppliedIndex, _appliedHere), Stopped = e.Message };
            FailProposals($"raft stopped: {e.Message}");
            if (wasLeader) LeadershipChanged?.Invoke(false);
        }
    }

    private void Handle(Input input)
    {
        switch (input)
        {
            case Input.Tick:
                _node.Tick();
                break;
            case Input.Message m:
                _node.Step(m.Value);
                break;
            case Input.Campaign:
                _node.CampaignNow();
                break;
            case Input.Transfer t:
                _node.TransferLeadership(t.Target);
                break;
            case Input.Propose p:
                Track(_node.Propose(p.Command), p.Done);
                break;
            case Input.Read r:
                var id = ++_nextRead;
                var read = _node.RequestRead(id);
                if (read.IsAccepted) _reads[id] = r.Done;
                else r.Done.TrySetException(new NotLeaderException(read.LeaderHint, "this master is not the leader"));
                break;
            case Input.Membership m:
                Track(_node.ProposeConfigChange(m.Change), m.Done);
                break;
            case Input.Capture c:
                // Frozen here, between two applies; encoded off the loop.
                var applied = _node.AppliedIndex;
                var metadata = new SnapshotMetadata(applied, _node.TermAt(applied) ?? 0, _node.Config);
                var encode = _machine.FreezeSnapshot();
                _ = Task.Run(() =>
                {
                    try
                    {
                        c.Done.TrySetResult(new Snapshot(metadata, encode()));
                    }
                    catch (Exception e)
                    {
                        c.Done.TrySetException(e);
                    }
                });
                break;
            case Input.Compacted c:
                _compaction = null;
                if (c.Data is { } data) _node.Compact(c.Index, data);
                break;
        }
    }

    private void Track(ProposeResult result, TaskCompletionSource done)
    {
        if (result.IsAccepted)
            _proposals[result.Index] = (result.Term, done);
        else
            done.TrySetException(new NotLeaderException(result.LeaderHint, result.Status == ProposeStatus.Dropped
                ? "the leader cannot take this now (leadership transfer or membership change in progress, or nothing would change); retry"
                : "this master is not the leader"));
    }

    private void Process(Ready ready)
    {
        _persist(ready);
        foreach (var message in ready.Messages) _transport.Send(message);
        if (ready.SnapshotFromLeader && ready.Snapshot is { } snapshot) _machine.Restore(snapshot.Data);
        foreach (var entry in ready.CommittedEntries)
        {
            if (entry.Type == EntryType.Normal && entry.Data.Length > 0) _machine.Apply(entry.Index, entry.Data);
            _appliedHere = entry.Index;
            if (_proposals.Remove(entry.Index, out var waiter))
            {
                if (waiter.Term == entry.Term) waiter.Done.TrySetResult();
                else waiter.Done.TrySetException(new NotLeaderException(0, "the change was overwritten by a new leader; retry"));
            }
        }
        foreach (var state in ready.ReadStates)
        {
            if (_reads.Remove(state.RequestId, out var waiter)) _confirmedReads.Add((state.Index, waiter));
        }
        _node.Advance(ready);
        // Serve confirmed reads once their index is applied here.
        for (var i = _confirmedReads.Count - 1; i >= 0; i--)
        {
            if (_confirmedReads[i].Index > _node.AppliedIndex) continue;
            _confirmedReads[i].Done.TrySetResult();
            _confirmedReads.RemoveAt(i);
        }
        if (ready.CommittedEntries.Count > 0 && _compaction is null && _node.AppliedIndex - _node.SnapshotIndex >= _compactEvery)
            _compaction = CompactAsync(_node.AppliedIndex, _machine.FreezeSnapshot());
    }

    /// <summary>
    /// Encodes the state frozen at <paramref name="index"/> off the loop and hands the bytes back to it, which records
    /// the snapshot and drops the log prefix (<see cref="RaftNode.Compact"/>); the next Ready persists both in one
    /// transaction, so a crash before then leaves the previous snapshot and the whole log. Entries go on committing
    /// and applying meanwhile; a snapshot that arrives from the leader meanwhile makes this one moot (Compact ignores
    /// an index at or below the latest snapshot's).
    /// </summary>
    private Task CompactAsync(ulong index, Func<byte[]> encode) => Task.Run(() =>
    {
        byte[]? data = null;
        try
        {
            data = encode();
        }
        catch (Exception e)
        {
            _logger.LogError("raft: snapshot at index {Index} not taken: {Error}; the log is kept and compaction tried again later", index, e.Message);
        }
        // Refused only once the loop has ended: the snapshot is dropped, and the store keeps what it had.
        _inputs.Writer.TryWrite(new Input.Compacted(index, data));
    });

    private void FailProposals(string reason)
    {
        foreach (var (_, waiter) in _proposals) waiter.Done.TrySetException(new NotLeaderException(0, reason));
        _proposals.Clear();
        // A read that was not confirmed before leadership moved never will be (the core drops it).
        foreach (var waiter in _reads.Values.Concat(_confirmedReads.Select(r => r.Done))) waiter.TrySetException(new NotLeaderException(0, reason));
        _reads.Clear();
        _confirmedReads.Clear();
    }

    private RaftStatus Snapshot() => new(_node.Id, _node.Role, _node.Term, _node.Leader, _node.CommitIndex, _node.AppliedIndex,
        _node.Config.Voters, null) { SnapshotIndex = _node.SnapshotIndex };

    private abstract record Input
    {
        public sealed record Tick : Input
        {
            public static readonly Tick Instance = new();
        }

        public sealed record Message(RaftMessage Value) : Input;

        public sealed record Propose(byte[] Command, TaskCompletionSource Done) : Input;

        public sealed record Transfer(ulong Target) : Input;

        public sealed record Campaign : Input
        {
            public static readonly Campaign Instance = new();
        }

        public sealed record Membership(ConfigChange Change, TaskCompletionSource Done) : Input;

        public sealed record Read(TaskCompletionSource Done) : Input;

        public sealed record Capture(TaskCompletionSource<Snapshot> Done) : Input;

        /// <summary>A snapshot encoded off the loop (null data: the encoding failed) for the loop to install.</summary>
        public sealed record Compacted(ulong Index, byte[]? Data) : Input;
    }
}
