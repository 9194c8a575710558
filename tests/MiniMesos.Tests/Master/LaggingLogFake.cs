using MiniMesos.Net.Master;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Tests.Master;

/// <summary>
/// In-memory fake of the replicated log of a leader just elected: entries its predecessor committed are known
/// (<see cref="CommittedByPredecessor"/>) but not yet applied; a read barrier or a new proposal applies them
/// first, in log order, as Raft does.
/// </summary>
internal sealed class LaggingLogFake(IRaftStateMachine machine) : IReplicatedLog
{
    private readonly Queue<byte[]> _unapplied = new();
    private ulong _index;

    public bool IsLeader => true;

    public int Barriers { get; private set; }

    public int Proposals { get; private set; }

    public void CommittedByPredecessor(Core.State.ClusterCommand command) => _unapplied.Enqueue(CommandCodec.Encode(command));

    public void Apply(Core.State.ClusterCommand command) => machine.Apply(++_index, CommandCodec.Encode(command));

    public Task ProposeAsync(byte[] command, CancellationToken cancellationToken)
    {
        CatchUp();
        Proposals++;
        machine.Apply(++_index, command);
        return Task.CompletedTask;
    }

    public Task ReadBarrierAsync(CancellationToken cancellationToken)
    {
        Barriers++;
        CatchUp();
        return Task.CompletedTask;
    }

    private void CatchUp()
    {
        while (_unapplied.TryDequeue(out var entry)) machine.Apply(++_index, entry);
    }
}
