using MiniMesos.Core.State;

namespace MiniMesos.Net.Master.Status;

/// <summary>
/// Commits agents' status updates in batches: up to four log entries in flight, and updates that arrive while they
/// are collect into the next one (an <see cref="UpdateTaskStatuses"/> entry, or a plain <see cref="UpdateTaskStatus"/>
/// when alone). Its own lock, held only to queue and take updates.
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
    /// Commits one status update together with those other agents send meanwhile. Completes once the update is committed
    /// and applied here, as a proposal would, so an agent's update is still acknowledged only after its commit, and one
    /// agent's updates still commit in the order it sent them (its session waits for each before reading the next).
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
            }
            try
            {
                ClusterCommand command = batch.Count == 1 ? batch[0].Update : new UpdateTaskStatuses(now(), batch.Select(b => b.Update).ToList());
                await propose(command).ConfigureAwait(false);
                foreach (var (_, committed) in batch) committed.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var (_, committed) in batch) committed.TrySetException(e);
            }
        }
    }
}
