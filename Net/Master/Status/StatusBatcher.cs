using MiniMesos.Core.State;

namespace MiniMesos.Net.Master.Status;

/// <summary>
/// Commits agents' status updates in batches: up to four log entries in flight, and updates that arrive while they
/// are collect into the next one (an <see cref="UpdateTaskStatuses"/> entry, or a plain <see cref="UpdateTaskStatus"/>
/// when alone). Its own lock, held to queue updates, and to take a batch and propose it: so entries reach the log in
/// the order their updates were queued whichever flusher takes them, and one task's updates, queued one after another
/// while the previous ones commit, commit in that order. <paramref name="propose"/> must put the entry in the log's
/// order before it returns (the Raft host queues it at once) and must not wait for anything else.
/// </summary>
internal sealed class StatusBatcher(Func<ClusterCommand, Task> propose, Func<long> now)
{
    /// <summary>Most status updates per log entry, and most entries of them in flight at once.</summary>
    public const int MaxUpdatesPerEntry = 512;
    private const int MaxEntriesInFlight = 4;

    private readonly Lock _gate = new();
    private readonly List<(UpdateTaskStatus Update, TaskCompletionSource Committed)> _pending = [];
    private int _flushes;

    /// <summary>
    /// Commits one status update together with those queued meanwhile. Completes once the update is committed and
    /// applied here, as a proposal would, so an agent's update is still acknowledged only after its commit. Updates
    /// queued by one caller one after another are proposed in that order, in one entry or in entries in that order.
    /// </summary>
    public Task CommitAsync(UpdateTaskStatus update, CancellationToken cancellationToken)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool flush;
        lock (_gate)
        {
            _pending.Add((update, committed));
            flush = _flushes < MaxEntriesInFlight;
            if (flush) _flushes++;
        }
        if (flush) _ = FlushAsync();
        return committed.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            List<(UpdateTaskStatus Update, TaskCompletionSource Committed)> batch;
            Task proposed;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _flushes--;
                    return;
                }
                var take = Math.Min(_pending.Count, MaxUpdatesPerEntry);
                batch = _pending.GetRange(0, take);
                _pending.RemoveRange(0, take);
                // Proposed before another flusher may take the next batch: entries enter the log in queue order.
                proposed = Propose(batch);
            }
            try
            {
                await proposed.ConfigureAwait(false);
                foreach (var (_, committed) in batch) committed.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var (_, committed) in batch) committed.TrySetException(e);
            }
        }
    }

    private Task Propose(List<(UpdateTaskStatus Update, TaskCompletionSource Committed)> batch)
    {
        try
        {
            ClusterCommand command = batch.Count == 1 ? batch[0].Update : new UpdateTaskStatuses(now(), batch.Select(b => b.Update).ToList());
            return propose(command);
        }
        catch (Exception e)
        {
            return Task.FromException(e); // refused at once (a feature gate): the batch fails, the next one still goes
        }
    }
}
