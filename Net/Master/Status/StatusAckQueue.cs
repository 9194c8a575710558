namespace MiniMesos.Net.Master.Status;

/// <summary>
/// One agent session's status updates between reading and acknowledging. The session queues each update for its commit
/// as soon as it has read it and reads on, so the agent's next update (a task's TASK_RUNNING after its TASK_STARTING,
/// TASK_FINISHED after that) is queued while the previous one commits, instead of after its commit and acknowledgement.
/// The acknowledgements still go out in the order the agent sent the updates, each only once its update committed (or
/// turned out not to apply); a commit or an acknowledgement that fails fails every later one and ends the session
/// (<paramref name="fail"/>), so nothing is acknowledged after a gap: the agent resends what was not acknowledged, to
/// this master or the next leader. At most <see cref="MaxInFlight"/> updates wait at once; a resent update still
/// waiting is not queued again (its acknowledgement follows its first commit).
/// </summary>
internal sealed class StatusAckQueue(Func<string, CancellationToken, Task> sendAck, Action fail)
{
    /// <summary>Most updates of one agent waiting for their commit at once: the session reads no further meanwhile.</summary>
    public const int MaxInFlight = 64;

    private readonly Lock _gate = new();
    private readonly Queue<Task> _order = new();
    private readonly HashSet<string> _waiting = new(StringComparer.Ordinal);
    private Task _last = Task.CompletedTask;

    /// <summary>Whether an update with this id waits for its commit already (the agent resent it meanwhile).</summary>
    public bool IsWaiting(string updateId)
    {
        lock (_gate) return _waiting.Contains(updateId);
    }

    /// <summary>Completes once fewer than <see cref="MaxInFlight"/> updates wait; when the oldest of a full queue failed, throws its failure.</summary>
    public async Task WaitForRoomAsync()
    {
        while (true)
        {
            Task oldest;
            lock (_gate)
            {
                while (_order.Count > 0 && _order.Peek().IsCompleted && !_order.Peek().IsFaulted) _order.Dequeue();
                if (_order.Count < MaxInFlight) return;
                oldest = _order.Peek();
            }
            await oldest.ConfigureAwait(false);
        }
    }

    /// <summary>Acknowledges <paramref name="updateId"/> once <paramref name="committed"/> has and every earlier update was acknowledged.</summary>
    public void Add(string updateId, Task committed, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _waiting.Add(updateId);
            _last = AckAsync(_last, committed, updateId, cancellationToken);
            _order.Enqueue(_last);
        }
    }

    private async Task AckAsync(Task previous, Task committed, string updateId, CancellationToken cancellationToken)
    {
        try
        {
            await previous.ConfigureAwait(false);
            await committed.ConfigureAwait(false);
            await sendAck(updateId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            fail();
            throw;
        }
        finally
        {
            lock (_gate) _waiting.Remove(updateId);
        }
    }

    /// <summary>Observes how the last acknowledgement ended (the session is over; a failure was already acted on).</summary>
    public void Abandon()
    {
        Task last;
        lock (_gate) last = _last;
        _ = last.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
