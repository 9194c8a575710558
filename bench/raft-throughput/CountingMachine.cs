using MiniMesos.Net.Raft;

namespace MiniMesos.Bench;

/// <summary>The smallest state machine: counts applied commands, so the bench measures Raft and not the master's state.</summary>
internal sealed class CountingMachine : IRaftStateMachine
{
    private long _applied;

    public long Applied => Interlocked.Read(ref _applied);

    public void Apply(ulong index, byte[] command) => Interlocked.Increment(ref _applied);

    public byte[] Snapshot() => BitConverter.GetBytes(Applied);

    public void Restore(byte[] snapshot) => Interlocked.Exchange(ref _applied, BitConverter.ToInt64(snapshot));
}
