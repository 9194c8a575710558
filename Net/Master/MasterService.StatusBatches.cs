using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

internal sealed partial class MasterService
{
    /// <summary>Most status updates per log entry, and most entries of them in flight at once.</summary>
    internal const int MaxStatusUpdatesPerEntry = 512;
    private const int MaxStatusEntriesInFlight = 4;

    private readonly object _statusGate = new();
    private readonly List<(UpdateTaskStatus Update, TaskCompletionSource Committed)> _pendingStatus = [];
    private int _statusFlushes;

    /// <summary>
    /// Commits one status update together with those other agents send meanwhile: up to four entries are in flight, and
    /// updates that arrive while they are collect into the next one (an UpdateTaskStatuses entry, or a plain
    /// UpdateTaskStatus when alone). Completes once the update is committed and applied here, as a proposal would, so an
    /// agent's update is still acknowledged only after its commit, and one agent's updates still commit in the order it
    /// sent them (its session waits for each before reading the next).
    /// </summary>
    private Task CommitStatusAsync(UpdateTaskStatus update, CancellationToken cancellationToken)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool flush;
        lock (_statusGate)
        {
            _pendingStatus.Add((update, committed));
            flush = _statusFlushes < MaxStatusEntriesInFlight;
            if (flush) _statusFlushes++;
        }
        if (flush) _ = FlushStatusAsync();
        return committed.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushStatusAsync()
    {
        while (true)
        {
            List<(UpdateTaskStatus Update, TaskCompletionSource Committed)> batch;
            lock (_statusGate)
            {
                if (_pendingStatus.Count == 0)
                {
                    _statusFlushes--;
                    return;
                }
                var take = Math.Min(_pendingStatus.Count, MaxStatusUpdatesPerEntry);
                batch = _pendingStatus.GetRange(0, take);
                _pendingStatus.RemoveRange(0, take);
            }
            try
            {
                ClusterCommand command = batch.Count == 1 ? batch[0].Update : new UpdateTaskStatuses(Now(), batch.Select(b => b.Update).ToList());
                await ProposeAsync(command, CancellationToken.None).ConfigureAwait(false);
                foreach (var (_, committed) in batch) committed.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var (_, committed) in batch) committed.TrySetException(e);
            }
        }
    }
}
