using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Tests.Master;

/// <summary>In-memory fake of a replicated log whose proposals stay uncommitted until <see cref="Release"/>; later ones commit at once.</summary>
internal sealed class HeldLogFake(IRaftStateMachine machine) : IReplicatedLog
{
    private readonly List<(byte[] Entry, TaskCompletionSource Done)> _held = [];
    private ulong _index = 100;
    private bool _released;

    public List<ClusterCommand> Proposed { get; } = [];

    public int Held => _held.Count;

    public bool IsLeader => true;

    public Task ProposeAsync(byte[] command, CancellationToken cancellationToken)
    {
        lock (Proposed) Proposed.Add(CommandCodec.Decode(command));
        if (_released)
        {
            machine.Apply(++_index, command);
            return Task.CompletedTask;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _held.Add((command, done));
        return done.Task;
    }

    public void Release()
    {
        _released = true;
        foreach (var (entry, done) in _held)
        {
            machine.Apply(++_index, entry);
            done.SetResult();
        }
    }

    public Task ReadBarrierAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
