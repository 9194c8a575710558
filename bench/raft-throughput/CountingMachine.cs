using MiniMesos.Net.Raft;

namespace MiniMesos.Bench;

/// <summary>The smallest state machine: counts applied commands, so the bench measures Raft and not the master's state.</summary>
internal sealed class CountingMachine : IRaftStateMachine
{
    private long _applied;

    public long Applied => Interlocked.Read(ref _applied);

    public void Apply(ulong index, byte[] command) => Interlocked.Increment(ref _applied);

    public Func<byte[]> FreezeSnapshot()
    {
        var applied = Applied;
        return () => BitConverter.GetBytes(applied);
    }

    public void Restore(byte[] snapshot) => Interlocked.Exchange(ref _applied, BitConverter.ToInt64(snapshot));
}
