using System.Text;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>Collects what is written and runs an action once an expected prefix has arrived.</summary>
internal sealed class SignallingStream(string expected, Action onSeen) : MemoryStream
{
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Seen => _seen.Task;
    public string Text => Encoding.UTF8.GetString(ToArray());

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await base.WriteAsync(buffer, cancellationToken);
        if (!_seen.Task.IsCompleted && Text.StartsWith(expected, StringComparison.Ordinal))
        {
            onSeen();
            _seen.TrySetResult();
        }
    }
}
