namespace MiniMesos.Net.Master.State;

/// <summary>
/// "Something changed": completes every waiter at the next change (a commit applied, a health report, an agent leaving);
/// waiters then re-read what they watch. Its own small lock, never held while anything else runs.
/// </summary>
internal sealed class ChangeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = NewSignal();

    /// <summary>Completes at the next <see cref="Changed"/> (or when cancelled).</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate) signal = _next.Task;
        return signal.WaitAsync(cancellationToken);
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
