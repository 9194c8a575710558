namespace MiniMesos.Net.Master.State;

/// <summary>
/// "Something changed": completes every waiter at the next change (a commit applied, a health report, an agent leaving);
/// waiters then re-read what they watch. Its own small lock, never held while anything else runs.
/// </summary>
internal sealed class ChangeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = NewSignal();

    /// <summary>
    /// Completes at the next <see cref="Changed"/> (or when cancelled). Await it to the end: a wait that is dropped while
    /// pending stays attached to the signal until the next change. A loop that also wakes on a timer uses <see cref="Next"/>.
    /// </summary>
    public Task WaitAsync(CancellationToken cancellationToken) => Next.WaitAsync(cancellationToken);

    /// <summary>
    /// The task that completes at the next <see cref="Changed"/>, never cancelled: for <c>Task.WhenAny(Next, Task.Delay(t,
    /// ct))</c>, which leaves nothing behind when the delay wins (an idle master wakes every second, and a cancellable
    /// wait per turn would pile up on the signal until something changes).
    /// </summary>
    public Task Next
    {
        get
        {
            lock (_gate) return _next.Task;
        }
    }

    public void Changed()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _next;
            _next = NewSignal();
        }
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
